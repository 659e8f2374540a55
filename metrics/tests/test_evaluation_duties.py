"""The yearly evaluation duty: opened for an active channel on the first daily run a year after
its last completed evaluation (or its go-live), at most once per calendar year, fulfilled by an
evaluation completed on or after the day it began, reminded to the owner and told to the chef
30 days after it began; every notification exactly once.

Notification texts are read in English (the msgid, the stable text): the Swedish catalogue is
being completed while these tests are written.
"""

import io
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command

from accounts.enums import Role
from accounts.models import User
from accounts.tests.factories import make_user
from channel_register.domain.channels import appoint, channel_transition
from channel_register.enums import ChannelAction
from channel_register.models import Channel
from channel_register.tests.channel_factories import active_channel, approved_plan, trained
from kob_social.history import update_with_history
from metrics.domain.duties import run_evaluation_duties
from metrics.enums import EvaluationStatus
from metrics.models import Evaluation, EvaluationDuty
from metrics.queries import plan_in_force
from notifications.models import Notification

pytestmark = pytest.mark.django_db

STOCKHOLM = ZoneInfo("Europe/Stockholm")


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"


def local(*args) -> datetime:
    return datetime(*args, tzinfo=STOCKHOLM)


def running_channel(org, activated: datetime, owner=None) -> Channel:
    """A Länsbiblioteket channel that went live at `activated`; `owner` (trained) is appointed
    its owner if given (else the monitor made for go-live owns it)."""
    with time_machine.travel(activated, tick=False):
        channel = active_channel(org)
        if owner is not None:
            appoint(channel.pk, actor=org.chef, owner=trained(owner), screenshot_responsible=owner)
    channel.refresh_from_db()
    return channel


def evaluate(channel: Channel, author, completed_at: datetime, status=EvaluationStatus.DONE) -> Evaluation:
    """An evaluation of the channel's plan in force, completed at `completed_at` (a draft: not
    completed). Made with the ORM: the duty reads only its status and completion time."""
    return Evaluation.objects.create(
        channel=channel,
        plan=plan_in_force(channel),
        author=author,
        status=status,
        completed_at=completed_at if status == EvaluationStatus.DONE else None,
    )


def run_on(day: date) -> dict:
    """The job as the daily schedule runs it: at 06:30 local time on `day`."""
    with time_machine.travel(local(day.year, day.month, day.day, 6, 30), tick=False):
        return run_evaluation_duties(today=day)


def duties(channel: Channel) -> list[tuple]:
    return list(EvaluationDuty.objects.filter(channel=channel).order_by("year").values_list("year", "starts_on"))


def notices() -> list[tuple]:
    """The notifications of this job (the plan's approval and go-live told people too)."""
    return list(
        Notification.objects.filter(kind__startswith="evaluation_")
        .order_by("key")
        .values_list("recipient__username", "kind", "key")
    )


def due(channel, person, year=2027) -> tuple:
    return (person.username, "evaluation_due", f"evaluation_due:{channel.pk}:{year}:{person.pk}")


def overdue(channel, chef, year=2027) -> tuple:
    return (chef.username, "evaluation_overdue", f"evaluation_overdue:{channel.pk}:{year}:{chef.pk}")


def counts(channels=1, created=0, unfulfilled=0, overdue=0, notified=0) -> dict:
    return {
        "channels": channels,
        "created": created,
        "unfulfilled": unfulfilled,
        "overdue": overdue,
        "notified": notified,
    }


# --- Opening the duty ---------------------------------------------------------------------------


def test_evaluation_duties_a_year_after_go_live_open_the_duty(org):
    channel = running_channel(org, local(2026, 3, 10, 9, 0), owner=org.medarbetare)

    result = run_on(date(2027, 3, 10))

    assert duties(channel) == [(2027, date(2027, 3, 10))]
    assert notices() == [due(channel, org.medarbetare)]
    assert result == counts(created=1, unfulfilled=1, notified=1)


def test_evaluation_duties_the_day_before_a_year_after_go_live_open_nothing(org):
    channel = running_channel(org, local(2026, 3, 10, 9, 0), owner=org.medarbetare)

    result = run_on(date(2027, 3, 9))

    assert (duties(channel), notices()) == ([], [])
    assert result == counts()


def test_evaluation_duties_go_live_counts_in_local_time(org):
    # 00:30 local time on 10 March 2026 is 9 March in UTC: the local date counts.
    channel = running_channel(org, local(2026, 3, 10, 0, 30), owner=org.medarbetare)

    before = run_on(date(2027, 3, 9))
    on_the_day = run_on(date(2027, 3, 10))

    assert (before, on_the_day) == (counts(), counts(created=1, unfulfilled=1, notified=1))
    assert duties(channel) == [(2027, date(2027, 3, 10))]


def test_evaluation_duties_reminder_text(org):
    channel = running_channel(org, local(2026, 3, 10, 9, 0), owner=org.medarbetare)

    run_on(date(2027, 3, 10))

    assert Notification.objects.filter(kind="evaluation_due").values_list("subject", "body", "url").get() == (
        f"Time to evaluate {channel}",
        f"The yearly evaluation of {channel} against the goals of its plan is due. Start it with the button "
        "Evaluate the channel on the channel's page; if it is not completed by 2027-04-09, the manager is told.",
        channel.get_absolute_url(),
    )


def test_evaluation_duties_a_year_after_the_last_completed_evaluation_open_the_duty(org):
    channel = running_channel(org, local(2026, 1, 10, 9, 0), owner=org.medarbetare)
    evaluate(channel, org.medarbetare, local(2026, 5, 20, 14, 0))

    before = run_on(date(2027, 5, 19))
    on_the_day = run_on(date(2027, 5, 20))

    assert (before, on_the_day) == (counts(), counts(created=1, unfulfilled=1, notified=1))
    assert duties(channel) == [(2027, date(2027, 5, 20))]


def test_evaluation_duties_latest_of_several_evaluations_counts(org):
    channel = running_channel(org, local(2026, 1, 10, 9, 0), owner=org.medarbetare)
    evaluate(channel, org.medarbetare, local(2026, 5, 20, 14, 0))
    evaluate(channel, org.medarbetare, local(2026, 2, 1, 14, 0))

    result = run_on(date(2027, 5, 19))

    assert (duties(channel), result) == ([], counts())


def test_evaluation_duties_draft_evaluation_does_not_postpone_the_duty(org):
    channel = running_channel(org, local(2026, 3, 10, 9, 0), owner=org.medarbetare)
    evaluate(channel, org.medarbetare, local(2027, 3, 1, 14, 0), status=EvaluationStatus.DRAFT)

    result = run_on(date(2027, 3, 10))

    assert duties(channel) == [(2027, date(2027, 3, 10))]
    assert result == counts(created=1, unfulfilled=1, notified=1)


# --- Fulfilment ---------------------------------------------------------------------------------


def test_evaluation_duties_draft_evaluation_does_not_fulfil(org):
    channel = running_channel(org, local(2026, 3, 10, 9, 0), owner=org.medarbetare)
    run_on(date(2027, 3, 10))
    draft = evaluate(channel, org.medarbetare, local(2027, 3, 20, 14, 0), status=EvaluationStatus.DRAFT)
    # Even a draft stamped with a completion time (the domain never writes one) does not count.
    update_with_history(Evaluation.objects.filter(pk=draft.pk), completed_at=local(2027, 3, 20, 14, 0))

    result = run_on(date(2027, 4, 9))

    assert notices() == [due(channel, org.medarbetare), overdue(channel, org.chef)]
    assert result == counts(unfulfilled=1, overdue=1, notified=1)


def test_evaluation_duties_completed_on_the_first_day_fulfils_and_stops_reminders(org):
    channel = running_channel(org, local(2026, 3, 10, 9, 0), owner=org.medarbetare)
    run_on(date(2027, 3, 10))
    evaluate(channel, org.medarbetare, local(2027, 3, 10, 15, 0))

    result = run_on(date(2027, 4, 9))

    assert notices() == [due(channel, org.medarbetare)]
    assert result == counts(unfulfilled=0)


def test_evaluation_duties_completed_just_after_local_midnight_of_the_first_day_fulfils(org):
    # 00:30 local time on 10 March is 9 March in UTC: the local date counts.
    channel = running_channel(org, local(2026, 3, 10, 9, 0), owner=org.medarbetare)
    run_on(date(2027, 3, 10))
    evaluate(channel, org.medarbetare, local(2027, 3, 10, 0, 30))

    result = run_on(date(2027, 4, 9))

    assert result == counts(unfulfilled=0)


def test_evaluation_duties_completed_the_evening_before_the_first_day_does_not_fulfil(org):
    # Arranged after the duty opened: a completion stamped 23:30 local time on 9 March (10 March
    # nowhere in UTC either way) lies before the duty's first day.
    channel = running_channel(org, local(2026, 3, 10, 9, 0), owner=org.medarbetare)
    run_on(date(2027, 3, 10))
    evaluate(channel, org.medarbetare, local(2027, 3, 9, 23, 30))

    result = run_on(date(2027, 4, 9))

    assert result == counts(unfulfilled=1, overdue=1, notified=1)


def test_evaluation_duties_fulfilled_duty_opens_again_a_year_after_the_evaluation(org):
    channel = running_channel(org, local(2026, 3, 10, 9, 0), owner=org.medarbetare)
    run_on(date(2027, 3, 10))
    evaluate(channel, org.medarbetare, local(2027, 3, 25, 10, 0))

    before = run_on(date(2028, 3, 23))
    on_the_day = run_on(date(2028, 3, 24))

    # 2028 is a leap year: 365 days after 25 March 2027 is 24 March 2028.
    assert (before, on_the_day) == (counts(), counts(created=1, unfulfilled=1, notified=1))
    assert duties(channel) == [(2027, date(2027, 3, 10)), (2028, date(2028, 3, 24))]
    assert notices() == [due(channel, org.medarbetare), due(channel, org.medarbetare, 2028)]


# --- Exactly once -------------------------------------------------------------------------------


def test_evaluation_duties_twice_the_same_day_changes_nothing(org):
    channel = running_channel(org, local(2026, 3, 10, 9, 0), owner=org.medarbetare)
    run_on(date(2027, 3, 10))
    rows_before = list(EvaluationDuty.objects.order_by("pk").values())

    result = run_on(date(2027, 3, 10))

    assert result == counts(unfulfilled=1)
    assert list(EvaluationDuty.objects.order_by("pk").values()) == rows_before
    assert notices() == [due(channel, org.medarbetare)]


def test_evaluation_duties_later_days_do_not_remind_again(org):
    channel = running_channel(org, local(2026, 3, 10, 9, 0), owner=org.medarbetare)
    run_on(date(2027, 3, 10))

    results = [run_on(date(2027, 3, day)) for day in (11, 12, 20)]

    assert results == [counts(unfulfilled=1)] * 3
    assert duties(channel) == [(2027, date(2027, 3, 10))]
    assert notices() == [due(channel, org.medarbetare)]


def test_evaluation_duties_not_escalated_on_day_29(org):
    channel = running_channel(org, local(2026, 3, 10, 9, 0), owner=org.medarbetare)
    run_on(date(2027, 3, 10))

    result = run_on(date(2027, 4, 8))

    assert notices() == [due(channel, org.medarbetare)]
    assert result == counts(unfulfilled=1)


def test_evaluation_duties_escalated_to_the_chef_on_day_30_once(org):
    channel = running_channel(org, local(2026, 3, 10, 9, 0), owner=org.medarbetare)
    run_on(date(2027, 3, 10))

    on_day_30 = run_on(date(2027, 4, 9))
    again = [run_on(date(2027, 4, 9)), run_on(date(2027, 5, 1))]

    assert notices() == [due(channel, org.medarbetare), overdue(channel, org.chef)]
    assert on_day_30 == counts(unfulfilled=1, overdue=1, notified=1)
    assert again == [counts(unfulfilled=1, overdue=1)] * 2
    assert Notification.objects.filter(kind="evaluation_overdue").values_list("subject", "body", "url").get() == (
        f"Evaluation overdue: {channel}",
        f"{channel} (Länsbiblioteket) has not been evaluated against the goals of its plan. The evaluation has "
        "been due since 2027-03-10 and is still not completed.",
        channel.get_absolute_url(),
    )


def test_evaluation_duties_opened_late_begin_on_the_day_of_the_run(org):
    # A duty begins on the day of the run that opens it: the chef is told 30 days after that.
    channel = running_channel(org, local(2026, 3, 10, 9, 0), owner=org.medarbetare)

    first = run_on(date(2027, 6, 1))
    day_30 = run_on(date(2027, 7, 1))

    assert duties(channel) == [(2027, date(2027, 6, 1))]
    assert (first, day_30) == (
        counts(created=1, unfulfilled=1, notified=1),
        counts(unfulfilled=1, overdue=1, notified=1),
    )


# --- The turn of the year -----------------------------------------------------------------------


def test_evaluation_duties_unfulfilled_into_the_next_year_give_a_new_duty_and_one_new_reminder(org):
    channel = running_channel(org, local(2026, 3, 10, 9, 0), owner=org.medarbetare)
    run_on(date(2027, 3, 10))
    run_on(date(2027, 12, 31))

    new_year = run_on(date(2028, 1, 1))
    next_day = run_on(date(2028, 1, 2))

    assert duties(channel) == [(2027, date(2027, 3, 10)), (2028, date(2028, 1, 1))]
    assert notices() == [
        due(channel, org.medarbetare),
        due(channel, org.medarbetare, 2028),
        overdue(channel, org.chef),
    ]
    assert (new_year, next_day) == (counts(created=1, unfulfilled=1, notified=1), counts(unfulfilled=1))


def test_evaluation_duties_completed_after_the_turn_of_the_year_fulfils_the_new_duty(org):
    channel = running_channel(org, local(2026, 3, 10, 9, 0), owner=org.medarbetare)
    run_on(date(2027, 3, 10))
    run_on(date(2028, 1, 1))
    evaluate(channel, org.medarbetare, local(2028, 1, 15, 10, 0))

    result = run_on(date(2028, 2, 1))

    assert result == counts(unfulfilled=0)
    assert notices() == [due(channel, org.medarbetare), due(channel, org.medarbetare, 2028)]


# --- Who is told, and which channels -------------------------------------------------------------


def test_evaluation_duties_inactive_owner_the_chef_is_told_once(org):
    channel = running_channel(org, local(2026, 3, 10, 9, 0), owner=org.medarbetare)
    User.objects.filter(pk=org.medarbetare.pk).update(is_active=False)
    run_on(date(2027, 3, 10))
    reminded = notices()

    run_on(date(2027, 4, 9))

    # The chef stands in for the owner; escalating adds the overdue notice.
    assert reminded == [due(channel, org.chef)]
    assert notices() == [due(channel, org.chef), overdue(channel, org.chef)]


def test_evaluation_duties_owner_gone_by_the_escalation_the_chef_is_told_once(org):
    channel = running_channel(org, local(2026, 3, 10, 9, 0), owner=org.medarbetare)
    run_on(date(2027, 3, 10))
    User.objects.filter(pk=org.medarbetare.pk).update(is_active=False)

    result = run_on(date(2027, 4, 9))

    # The chef now stands in for the owner, and the escalation tells them: no reminder besides.
    assert notices() == [due(channel, org.medarbetare), overdue(channel, org.chef)]
    assert result == counts(unfulfilled=1, overdue=1, notified=1)


def test_evaluation_duties_paused_channel_gets_nothing(org):
    channel = running_channel(org, local(2026, 3, 10, 9, 0), owner=org.medarbetare)
    channel_transition(channel.pk, ChannelAction.PAUSE, actor=org.chef)

    result = run_on(date(2027, 6, 1))

    assert (duties(channel), notices()) == ([], [])
    assert result == counts(channels=0)


def test_evaluation_duties_planned_channel_gets_nothing(org):
    with time_machine.travel(local(2026, 3, 10, 9, 0), tick=False):
        channel = approved_plan(org).channel

    result = run_on(date(2027, 6, 1))

    assert (duties(channel), notices()) == ([], [])
    assert result == counts(channels=0)


def test_evaluation_duties_active_channel_without_go_live_date_is_skipped(org):
    channel = running_channel(org, local(2026, 3, 10, 9, 0), owner=org.medarbetare)
    update_with_history(Channel.objects.filter(pk=channel.pk), activated_at=None)

    result = run_on(date(2027, 6, 1))

    assert (duties(channel), notices()) == ([], [])
    assert result == counts()


# --- Query counts -------------------------------------------------------------------------------

# Once per run: the units with their chefs (chefs_by_unit). Per batch: the channels with their
# duty's start and latest completion (owner and unit joined); the savepoint; the insert of the
# new duties; notify_many's existing keys, the recipients' choices of delivery, its insert and its
# read of the rows whose e-mail to queue; the savepoint's release.
EVALUATION_DUTY_QUERIES = 9


@pytest.mark.parametrize("size", [1, 3])
def test_evaluation_duties_query_count_is_the_same_at_two_sizes(org, django_assert_num_queries, size):
    # Every channel falls due, so each gets a duty and its owner a reminder.
    for _ in range(size):
        running_channel(org, local(2026, 3, 10, 9, 0), make_user(Role.MEDARBETARE, unit=org.library))
    for channel in Channel.objects.all():
        evaluate(channel, org.medarbetare, local(2026, 4, 1, 9, 0))

    with django_assert_num_queries(EVALUATION_DUTY_QUERIES):
        result = run_on(date(2027, 6, 1))

    assert result == counts(channels=size, created=size, unfulfilled=size, notified=size)


# --- Run by hand --------------------------------------------------------------------------------


def test_evaluation_duties_run_job_runs_the_job_for_the_given_day(org):
    channel = running_channel(org, local(2026, 3, 10, 9, 0), owner=org.medarbetare)
    out = io.StringIO()

    with time_machine.travel(local(2027, 3, 10, 6, 30), tick=False):
        call_command("run_job", "evaluation_duties", "--date", "2027-03-10", stdout=out)

    assert out.getvalue() == (
        'evaluation_duties 2027-03-10: {"channels": 1, "created": 1, "notified": 1, "overdue": 0, "unfulfilled": 1}\n'
    )
    assert duties(channel) == [(2027, date(2027, 3, 10))]
