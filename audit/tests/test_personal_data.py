"""Personal data (README, "Audit"): the administrator exports everything stored about one person
as JSON, and nobody else can; when a person has left, their roster weeks and absences older than
the retention period are purged by a nightly job, with their field history, in one event per
person; decisions and the audit log stay."""

import datetime
import io
import json
import os
import subprocess
import sys

import pytest
from django.conf import settings as django_settings
from django.contrib.auth.models import Permission
from django.core.management import call_command
from django.core.serializers.json import DjangoJSONEncoder
from django.urls import reverse

from accounts.enums import Role
from accounts.models import Absence, Deputy
from accounts.tests.factories import AbsenceFactory, TrainingRecordFactory
from audit import personal_data
from audit.enums import Kind
from audit.models import Event
from channel_register.enums import Platform
from channel_register.models import Channel, RosterWeek
from kob_social.celery import app
from kob_social.schedules import JOBS
from notifications.models import Notification
from plans.domain.transitions import transition
from plans.enums import Action
from plans.models import Decision
from plans.tests.factories import submitted_plan

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 23)
# With the default retention of 365 days, records that ended before 2025-11-23 are purged.
OLD = datetime.date(2025, 6, 2)
NEW = datetime.date(2026, 6, 1)


def absence(person, starts_on):
    return AbsenceFactory(user=person, starts_on=starts_on, ends_on=starts_on + datetime.timedelta(days=4))


def week(channel, day, primary, backup=None):
    year, number, _ = day.isocalendar()
    return RosterWeek.objects.create(channel=channel, iso_year=year, iso_week=number, primary=primary, backup=backup)


def channel_of(org, owner=None):
    return Channel.objects.create(
        platform=Platform.INSTAGRAM, name="Länsbibliotekets Instagram", unit=org.library, owner=owner
    )


# --- The export ----------------------------------------------------------------------------------


def test_export_holds_the_persons_records_and_nobody_elses(org):
    person, other = org.medarbetare, org.medarbetare2
    training = TrainingRecordFactory(user=person)
    TrainingRecordFactory(user=other)
    own_absence = absence(person, NEW)
    absence(other, NEW)
    channel = channel_of(org, owner=person)
    own_week = week(channel, NEW, primary=person)
    week(channel, NEW + datetime.timedelta(weeks=1), primary=other)
    plan = submitted_plan(person)
    notice = Notification.objects.create(recipient=person, kind="test", key="test:own", subject="Till dig", body="x")
    Notification.objects.create(recipient=other, kind="test", key="test:other", subject="Inte till dig", body="y")
    own_notices = list(Notification.objects.filter(recipient=person).order_by("pk").values_list("pk", flat=True))

    data = personal_data.export(person)

    assert data["person"]["username"] == person.username
    assert data["person"]["roles"] == [Role.MEDARBETARE.value]
    assert data["person"]["unit"] == "Länsbiblioteket"
    assert [row["id"] for row in data["trainings"]] == [training.pk]
    assert [row["id"] for row in data["absences"]] == [own_absence.pk]
    assert [row["id"] for row in data["channels"]["roster_weeks"]] == [own_week.pk]
    assert [(row["id"], row["role"]) for row in data["channels"]["channels"]] == [(channel.pk, "owner")]
    assert [row["id"] for row in data["notifications"]] == own_notices
    assert notice.pk in own_notices
    assert [(row["id"], row["role"]) for row in data["plans"]["plans"] if row["role"] == "author"] == [
        (plan.pk, "author")
    ]
    events = data["audit_events"]
    assert events != []
    assert [event for event in events if person.pk not in (event["actor_id"], event["person_id"])] == []
    assert any(event["plan_id"] == plan.pk and event["actor_id"] == person.pk for event in events)


def test_export_holds_the_deputy_arrangements_either_way_and_nobody_elses(org):
    acts_for = Deputy.objects.create(
        person=org.chef, deputy=org.medarbetare, role=Role.CHEF, unit=org.library, starts_on=NEW, registered_by=org.chef
    )
    acted_for = Deputy.objects.create(
        person=org.medarbetare2,
        deputy=org.chef2,
        role=Role.CHEF,
        unit=org.music,
        starts_on=NEW,
        registered_by=org.admin,
    )
    Deputy.objects.create(
        person=org.chef2, deputy=org.chef, role=Role.CHEF, unit=org.music, starts_on=NEW, registered_by=org.admin
    )

    assert [row["id"] for row in personal_data.export(org.medarbetare)["deputies"]] == [acts_for.pk]
    assert [row["id"] for row in personal_data.export(org.medarbetare2)["deputies"]] == [acted_for.pk]


def test_export_leaves_out_the_password_hash(org):
    person = org.medarbetare

    data = personal_data.export(person)

    text = json.dumps(data, cls=DjangoJSONEncoder)
    assert "password" not in data["person"]
    assert person.password not in text
    assert org.medarbetare2.email not in text


def test_export_of_a_manager_lists_the_decisions_they_made(org):
    plan = submitted_plan(org.medarbetare)
    transition(plan.pk, Action.APPROVE, actor=org.chef)
    decision = Decision.objects.get(plan=plan, decided_by=org.chef)

    data = personal_data.export(org.chef)

    assert [(row["id"], row["outcome"]) for row in data["plans"]["decisions"]] == [(decision.pk, Action.APPROVE)]
    assert data["plans"]["decisions"] != personal_data.export(org.medarbetare)["plans"]["decisions"]


# --- The administrator's download ----------------------------------------------------------------


def export_action(client, person):
    return client.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "export_personal_data", "_selected_action": [person.pk]},
        REMOTE_ADDR="192.0.2.7",
    )


def test_an_administrator_downloads_the_export_and_it_is_an_event(client, org):
    client.force_login(org.admin)
    person = org.medarbetare
    absence(person, NEW)

    response = export_action(client, person)

    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="personuppgifter-medarbetare.json"'
    data = json.loads(response.content)
    assert (data["person"]["id"], len(data["absences"])) == (person.pk, 1)
    event = Event.objects.get(action="personal_data.exported")
    assert (event.actor, event.person_id, event.kind, event.address) == (
        org.admin,
        person.pk,
        Kind.PERSONAL_DATA,
        "192.0.2.7",
    )


@pytest.mark.parametrize("who", ["direktor", "chef"])
def test_nobody_but_an_administrator_can_export(client, org, who):
    # Staff status and every permission on people: the admin lets them in, the rule does not.
    user = getattr(org, who)
    user.is_staff = True
    user.save()
    user.user_permissions.set(Permission.objects.filter(content_type__app_label="accounts", codename__endswith="user"))
    client.force_login(user)
    changelist = client.get(reverse("admin:accounts_user_changelist"))
    assert changelist.status_code == 200

    response = export_action(client, org.medarbetare)

    assert "export_personal_data" not in changelist.content.decode()
    assert "Content-Disposition" not in response
    assert not Event.objects.filter(action="personal_data.exported").exists()


def test_the_export_is_offered_only_to_an_administrator(client, org):
    client.force_login(org.admin)

    page = client.get(reverse("admin:accounts_user_changelist"))

    assert 'value="export_personal_data"' in page.content.decode()


def test_exporting_two_people_at_once_is_refused(client, org):
    client.force_login(org.admin)

    response = client.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "export_personal_data", "_selected_action": [org.medarbetare.pk, org.medarbetare2.pk]},
    )

    assert response.status_code == 302
    assert not Event.objects.filter(action="personal_data.exported").exists()


# --- The purge after leaving ---------------------------------------------------------------------


@pytest.fixture
def departed(org):
    """The chef of Länsbiblioteket has left: absences and roster weeks before and after the
    cut-off, a decision, and a colleague who is still here with old records of her own."""
    person, colleague = org.chef, org.medarbetare2
    plan = submitted_plan(org.medarbetare)
    transition(plan.pk, Action.APPROVE, actor=person)
    channel = channel_of(org)
    records = {
        "old_absence": absence(person, OLD),
        "new_absence": absence(person, NEW),
        "old_week": week(channel, OLD, primary=person),
        "new_week": week(channel, NEW, primary=person),
        "old_backup_week": week(channel, OLD + datetime.timedelta(weeks=1), primary=colleague, backup=person),
        "colleague_absence": absence(colleague, OLD),
        "colleague_week": week(channel, OLD + datetime.timedelta(weeks=2), primary=colleague),
    }
    person.is_active = False
    person.save()
    return person, records


def test_the_purge_deletes_a_departed_persons_old_roster_weeks_and_absences_with_their_history(departed):
    person, records = departed

    totals = personal_data.purge_departed(TODAY)

    assert totals == {"absences": 1, "people": 1, "roster_weeks": 2}
    assert list(Absence.objects.filter(user=person)) == [records["new_absence"]]
    assert not Absence.history.filter(id=records["old_absence"].pk).exists()
    assert Absence.history.filter(id=records["new_absence"].pk).count() == 1
    assert list(RosterWeek.objects.filter(primary=person)) == [records["new_week"]]
    assert not RosterWeek.history.filter(id=records["old_week"].pk).exists()
    assert RosterWeek.history.filter(id=records["new_week"].pk).count() == 1
    backup_week = RosterWeek.objects.get(pk=records["old_backup_week"].pk)
    assert (backup_week.primary, backup_week.backup) == (records["old_backup_week"].primary, None)
    assert not RosterWeek.history.filter(backup=person).exclude(iso_year=NEW.year).exists()


def test_the_purge_keeps_active_peoples_data_decisions_and_events(departed):
    person, records = departed
    decisions = list(Decision.objects.values_list("pk", flat=True))
    events = set(Event.objects.values_list("pk", flat=True))

    personal_data.purge_departed(TODAY)

    assert Absence.objects.filter(pk=records["colleague_absence"].pk).exists()
    assert RosterWeek.objects.filter(pk=records["colleague_week"].pk).exists()
    assert list(Decision.objects.values_list("pk", flat=True)) == decisions
    assert Decision.objects.filter(decided_by=person).count() == 1
    assert events <= set(Event.objects.values_list("pk", flat=True))


def test_the_purge_is_one_event_per_person_and_a_second_run_changes_nothing(departed):
    person, records = departed
    before = Event.objects.count()

    personal_data.purge_departed(TODAY)
    again = personal_data.purge_departed(TODAY)

    new = list(Event.objects.order_by("id")[before:])
    assert [(event.action, event.kind, event.person_id, event.actor) for event in new] == [
        ("personal_data.purged", Kind.PERSONAL_DATA, person.pk, None)
    ]
    assert new[0].reason == "frånvaroperioder: 1, tillsynsveckor: 2"
    # Linked: the history row of the week where the person is no longer the backup; the purged
    # rows' history (their deletion rows too) is gone, so nothing links to it.
    cleared = RosterWeek.history.get(id=records["old_backup_week"].pk, history_type="~")
    assert new[0].history == [["channel_register.historicalrosterweek", cleared.pk]]
    assert cleared.backup is None
    assert again == {}


def test_the_purge_counts_from_the_configured_retention(departed, settings):
    _person, records = departed
    settings.PERSONAL_DATA_RETENTION_DAYS = 2 * 365

    totals = personal_data.purge_departed(TODAY)

    assert totals == {}
    assert Absence.objects.filter(pk=records["old_absence"].pk).exists()
    assert not Event.objects.filter(action="personal_data.purged").exists()


def test_an_active_persons_old_records_are_never_purged(org):
    kept = absence(org.medarbetare, OLD)

    totals = personal_data.purge_departed(TODAY)

    assert totals == {}
    assert Absence.objects.filter(pk=kept.pk).exists()


# --- The schedule and the setting ----------------------------------------------------------------


def test_the_purge_is_a_scheduled_job_at_half_past_two():
    app.loader.import_default_modules()

    job = JOBS["purge_personal_data"]

    assert (job.task, job.minute, job.hour, job.function) == (
        "audit.tasks.purge_personal_data",
        "30",
        "2",
        "audit.personal_data.purge_departed",
    )
    assert job.task in app.tasks


def test_the_purge_runs_by_hand_for_a_given_day(departed):
    out = io.StringIO()

    call_command("run_job", "purge_personal_data", "--date", TODAY.isoformat(), stdout=out)

    assert out.getvalue() == 'purge_personal_data 2026-11-23: {"absences": 1, "people": 1, "roster_weeks": 2}\n'


@pytest.mark.parametrize("value", ["0", "-5"])
def test_a_retention_below_one_day_stops_the_start(value):
    environment = {**os.environ, "PERSONAL_DATA_RETENTION_DAYS": value, "DJANGO_SETTINGS_MODULE": "kob_social.settings"}

    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        env=environment,
        capture_output=True,
        text=True,
        cwd=django_settings.BASE_DIR,
        check=False,
    )

    assert result.returncode != 0
    assert "PERSONAL_DATA_RETENTION_DAYS must be a number of days, at least 1." in result.stderr
