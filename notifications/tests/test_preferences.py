"""Notices as people want them (issue 17): per kind, e-mail at once (the default), a daily digest,
or only in the application; the kinds that escalate to a manager always mail; the digest is one
e-mail per person and day (its exactly-once delivery on a real worker: test_exactly_once)."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import make_user
from notifications import kinds
from notifications.domain import Notice, notify, notify_many, send_digests, set_preferences
from notifications.enums import EmailStatus, NoticeDelivery
from notifications.models import Notification, NotificationPreference
from notifications.queries import notifications_for, unread_count

pytestmark = pytest.mark.django_db

CHOSEN = "roster_gap"  # a kind one may choose for
ALWAYS = "rhythm_escalated"  # an escalation to a manager: always mailed


def tell(person, key: str, kind: str = CHOSEN) -> Notification:
    return notify(recipient=person, kind=kind, key=key, subject=f"Ämne {key}", body="Text", url="/kanalregister/")


def test_registered_kinds_name_the_escalations_that_always_mail():
    always = {kind.name for kind in kinds.kinds() if kind.always_mail}

    assert always == {"rhythm_escalated", "screenshot_overdue", "inventory_escalated", "evaluation_overdue"}
    assert {"plan_waiting", "waiting_reminder", "waiting_escalation", "training_expiring"} <= {
        kind.name for kind in kinds.kinds()
    }


@pytest.mark.parametrize(
    ("delivery", "status"),
    [
        (NoticeDelivery.IMMEDIATE, EmailStatus.PENDING),
        (NoticeDelivery.DIGEST, EmailStatus.DIGEST),
        (NoticeDelivery.IN_APP, EmailStatus.NONE),
    ],
)
def test_a_notice_starts_as_the_person_chose(delivery, status):
    person = make_user(email="anna@example.se")
    set_preferences(person, {CHOSEN: delivery})

    one = tell(person, "one")
    notify_many([Notice(person, CHOSEN, "many", "Ämne", "Text")])
    many = Notification.objects.get(key="many")

    assert (one.email_status, many.email_status) == (status, status)
    assert list(notifications_for(person).order_by("pk")) == [one, many]


def test_an_escalation_to_a_manager_mails_whatever_was_chosen():
    chef = make_user(email="chef@example.se")
    set_preferences(chef, {CHOSEN: NoticeDelivery.IN_APP})
    NotificationPreference.objects.create(user=chef, kind=ALWAYS, delivery=NoticeDelivery.IN_APP)

    assert tell(chef, "escalated", kind=ALWAYS).email_status == EmailStatus.PENDING


def test_the_default_keeps_no_row_and_unknown_kinds_are_refused():
    person = make_user(email="bo@example.se")
    set_preferences(person, {CHOSEN: NoticeDelivery.DIGEST})
    set_preferences(person, {CHOSEN: NoticeDelivery.IMMEDIATE})

    assert not NotificationPreference.objects.exists()
    with pytest.raises(ValueError, match="unknown notice kind"):
        set_preferences(person, {"no_such_kind": NoticeDelivery.DIGEST})


# --- The digest -----------------------------------------------------------------------------------


def test_digest_gathers_each_persons_notices_once_a_day(time_machine):
    anna, bo = make_user(email="anna@example.se"), make_user(email="bo@example.se")
    for person in (anna, bo):
        set_preferences(person, {CHOSEN: NoticeDelivery.DIGEST})
    time_machine.move_to(datetime.datetime(2027, 3, 14, 15, 0, tzinfo=timezone.get_current_timezone()), tick=False)
    first, second = tell(anna, "a1"), tell(anna, "a2")
    tell(bo, "b1")
    time_machine.move_to(datetime.datetime(2027, 3, 15, 7, 30, tzinfo=timezone.get_current_timezone()), tick=False)

    made = send_digests(today=datetime.date(2027, 3, 15))
    again = send_digests(today=datetime.date(2027, 3, 15))

    assert (made, again) == ({"people": 2, "digests": 2}, {"people": 0, "digests": 0})
    digest = Notification.objects.get(kind=kinds.DIGEST, recipient=anna)
    assert digest.key == f"digest:{anna.pk}:2027-03-15"
    assert digest.email_status == EmailStatus.PENDING
    assert [line for line in digest.body.splitlines() if line.startswith("- ")] == ["- Ämne a1", "- Ämne a2"]
    assert "/kanalregister/" in digest.body
    assert "2 notiser" in digest.subject
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.email_status, second.email_status) == (EmailStatus.DIGESTED, EmailStatus.DIGESTED)
    # The digest is the e-mail of the notices, not one of them.
    assert digest not in notifications_for(anna)
    assert unread_count(anna) == 2


def test_a_notice_after_the_days_digest_waits_for_the_next(time_machine):
    anna = make_user(email="anna@example.se")
    set_preferences(anna, {CHOSEN: NoticeDelivery.DIGEST})
    time_machine.move_to(datetime.datetime(2027, 3, 15, 7, 0, tzinfo=timezone.get_current_timezone()), tick=False)
    tell(anna, "early")
    time_machine.move_to(datetime.datetime(2027, 3, 15, 7, 30, tzinfo=timezone.get_current_timezone()), tick=False)
    send_digests(today=datetime.date(2027, 3, 15))
    time_machine.move_to(datetime.datetime(2027, 3, 15, 9, 0, tzinfo=timezone.get_current_timezone()), tick=False)
    late = tell(anna, "late")

    assert send_digests(today=datetime.date(2027, 3, 15))["digests"] == 0
    time_machine.move_to(datetime.datetime(2027, 3, 16, 7, 30, tzinfo=timezone.get_current_timezone()), tick=False)
    assert send_digests(today=datetime.date(2027, 3, 16))["digests"] == 1
    late.refresh_from_db()
    assert late.email_status == EmailStatus.DIGESTED
    assert Notification.objects.filter(kind=kinds.DIGEST, recipient=anna).count() == 2


# --- The page -------------------------------------------------------------------------------------

PAGE = reverse("notifications:preferences")


def test_preferences_page_needs_sign_in(client):
    response = client.get(PAGE)

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_preferences_page_saves_the_choices_and_lists_what_always_mails(client, org):
    client.force_login(org.chef)
    shown = client.get(PAGE)
    assert ALWAYS not in shown.context["form"].fields
    assert "Till chefen: en kanal har missat sin uppdateringsrytm två gånger i rad" in shown.text

    response = client.post(
        PAGE, {CHOSEN: NoticeDelivery.DIGEST, "plan_waiting": NoticeDelivery.IN_APP, ALWAYS: NoticeDelivery.IN_APP}
    )

    assert response.status_code == 302
    saved = dict(NotificationPreference.objects.filter(user=org.chef).values_list("kind", "delivery"))
    assert saved == {CHOSEN: NoticeDelivery.DIGEST, "plan_waiting": NoticeDelivery.IN_APP}
    assert client.get(PAGE).context["form"][CHOSEN].value() == NoticeDelivery.DIGEST


def test_preferences_are_each_persons_own(client, org):
    set_preferences(org.chef2, {CHOSEN: NoticeDelivery.IN_APP})
    client.force_login(org.chef)

    client.post(PAGE, {CHOSEN: NoticeDelivery.DIGEST})

    assert NotificationPreference.objects.get(user=org.chef2).delivery == NoticeDelivery.IN_APP
