"""Reminders about decisions: a plan or closure request that waits at one step of the chain.

Run daily by `plans.tasks.remind_waiting_approvals` (declared in kob_social/schedules.py). Like
every reminder, it reads what is due in a bounded number of queries, builds one `Notice` per
recipient whose key names (kind, object, period, recipient) and hands them to `notify_many`,
which creates each key once: a second run, a retry or a duplicate delivery tells nobody twice.
"""

import datetime
from datetime import timedelta

from django.conf import settings
from django.db.models import Prefetch, Q
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from notifications.domain import Notice, notify_many

from ..enums import PENDING
from ..models import ClosureRequest, Decision, Plan
from ..queries import round_approvals
from .deciders import deciders_reader

WAITING_REMINDER_DAYS = 7
"""A plan or closure request that has waited at one step for more than this many days
reminds the people who may decide that step."""


def remind_waiting_approvals(*, today: datetime.date) -> dict:
    """Remind the deciders of every plan and closure request waiting at one step of the chain
    for more than WAITING_REMINDER_DAYS: its status changed before the start of the local
    day `today` − 7 days. (Submitted on 1 March: reminded on 9 March, not on 8 March.)

    Who is reminded is `deciders.next_deciders`: whoever may decide the step now, in their own
    right or as a deputy (rules.authority), never the author, never an inactive person.

    Once per waiting episode: the key carries the document's revision, which every
    transition bumps, so a document that moves on to the next step (or is returned and
    submitted again) is reminded about anew after another week at its new step.
    """
    cutoff = timezone.make_aware(
        datetime.datetime.combine(today - timedelta(days=WAITING_REMINDER_DAYS), datetime.time.min)
    )
    waiting = Q(status__in=PENDING, status_changed_at__lt=cutoff)
    # unit__parent__parent: rules.decidable_step walks the unit's ancestors (at most three
    # levels) to tell a Staben plan.
    related = ("unit__parent__parent", "author", "deciding_chef")
    # The decisions: who approved a step of the round may not decide another (queries.round_approvals).
    decisions = Prefetch("decisions", queryset=Decision.objects.order_by("decided_at", "pk"))
    documents = [
        *Plan.objects.filter(waiting)
        .select_related(*related)
        .prefetch_related(decisions)
        .order_by("status_changed_at", "pk"),
        *ClosureRequest.objects.filter(waiting)
        .select_related("channel", *related)
        .prefetch_related(decisions)
        .order_by("status_changed_at", "pk"),
    ]
    for document in documents:
        round_approvals(document, list(document.decisions.all()))
    deciders = deciders_reader()
    notices = []
    with translation.override(settings.LANGUAGE_CODE):
        for document in documents:
            title = str(document)
            since = formats.date_format(timezone.localdate(document.status_changed_at))
            subject = _("Reminder: waiting for your decision: %(document)s") % {"document": title}
            body = _(
                "%(document)s (%(unit)s) has been waiting for your decision at the step “%(step)s” since %(date)s."
            ) % {"document": title, "unit": document.unit, "step": document.get_status_display(), "date": since}
            for person in deciders(document):
                notices.append(
                    Notice(
                        recipient=person,
                        kind="waiting_reminder",
                        key=f"{document._meta.model_name}:{document.pk}:r{document.revision}:waiting_reminder:{person.pk}",
                        subject=subject,
                        body=body,
                        url=document.get_absolute_url(),
                    )
                )
    return {"candidates": len(documents), "notified": notify_many(notices)}
