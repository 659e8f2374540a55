"""The daily reminder about legal training that expires (only people with valid training may
run a channel). Run by `accounts.tasks.warn_expiring_trainings` (kob_social/schedules.py);
every notice exactly once by its key, through notifications.domain.notify_many."""

import datetime

from django.conf import settings
from django.urls import reverse
from django.utils import formats, translation
from django.utils.translation import gettext as _

from notifications.domain import Notice, notify_many

from ..enums import Course
from ..queries import chefs_by_unit, people_with_expiring_training


def warn_expiring_trainings(*, today: datetime.date) -> dict:
    """Tell every active person whose legal training expires within TRAINING_WARNING_DAYS (60)
    days of `today` (see `people_with_expiring_training`), and their chef
    (accounts.queries.chefs_by_unit) unless they are that chef themself. Only people with
    valid training may run a channel, so a renewal must be booked in time.

    Once per expiry: the key carries the last valid day, so a new record that expires in
    turn is warned about again when its time comes.
    """
    people = list(people_with_expiring_training(today))
    chefs = chefs_by_unit() if people else {}
    url = reverse("people:trainings")
    notices = []
    with translation.override(settings.LANGUAGE_CODE):
        course = Course.LEGAL_BASICS.label
        for person in people:
            values = {
                "name": person,
                "unit": person.unit or "",
                "course": course,
                "date": formats.date_format(person.expires),
            }
            told = [
                (
                    person,
                    _("Your training in social media law expires on %(date)s") % values,
                    _(
                        "Your course “%(course)s” is valid until %(date)s. Only people with valid training may "
                        "run a channel: book a renewal in good time."
                    )
                    % values,
                )
            ]
            chef = chefs.get(person.unit_id)
            if chef is not None and chef.pk != person.pk:
                told.append(
                    (
                        chef,
                        _("The training of %(name)s expires on %(date)s") % values,
                        _(
                            "The course “%(course)s” of %(name)s (%(unit)s) is valid until %(date)s. Only people "
                            "with valid training may run a channel: see that a renewal is booked."
                        )
                        % values,
                    )
                )
            for recipient, subject, body in told:
                notices.append(
                    Notice(
                        recipient=recipient,
                        kind="training_expiring",
                        key=f"training_expiring:{person.pk}:{person.expires}:{recipient.pk}",
                        subject=subject,
                        body=body,
                        url=url,
                    )
                )
    return {"candidates": len(people), "notified": notify_many(notices)}
