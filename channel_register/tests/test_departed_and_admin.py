"""A person who has left (deactivated: User.is_active false) covers no roster week, and the Django
admin cannot set the people of a channel, its roster or its agreements around the domain
functions and their training check (issue 16, items 4 and 5).

The gap rule is channel_register.queries.gap_days: the channel page's roster outlook and the
daily reminder to the chef (domain.reminders.warn_roster_gaps) both apply it, so both are held
here to see the gap a departure leaves.
"""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse

from accounts.enums import Role
from accounts.tests.factories import AbsenceFactory, make_user
from accounts.tests.reminder_helpers import at, keys
from channel_register.admin import AGREEMENT_HELP, PEOPLE_HELP, ROSTER_HELP
from channel_register.domain.channels import appoint, assign_roster, propose_agreement
from channel_register.domain.reminders import warn_roster_gaps
from channel_register.models import Agreement, Channel, RosterWeek
from channel_register.queries import roster_gaps, roster_outlook
from notifications.models import Notification
from plans.tests.factories import submitted_plan

from .channel_factories import active_channel, trained

pytestmark = pytest.mark.django_db

# A Monday (ISO week 9 of 2027); the reminder's window runs to Wednesday 31 March (week 13).
TODAY = date(2027, 3, 1)
WEEK_9 = tuple(date(2027, 3, day) for day in range(1, 6))


def deactivate(person) -> None:
    person.is_active = False
    person.save(update_fields=["is_active"])


def live_channel(org, time_machine) -> Channel:
    """An active Länsbiblioteket channel that went live ten weeks before TODAY (the weeks rostered
    for its go-live are past), with the clock then at TODAY."""
    time_machine.move_to(at(TODAY - timedelta(weeks=10), 8), tick=False)
    channel = active_channel(org)
    time_machine.move_to(at(TODAY, 8), tick=False)
    return channel


@pytest.fixture
def monitors(org):
    """Two trained Länsbiblioteket people: `medarbetare` and a colleague."""
    return trained(org.medarbetare), trained(make_user(Role.MEDARBETARE, unit=org.library, full_name="Nils Nattuggla"))


def gap_key(channel, week, chef) -> str:
    return f"roster_gap:{channel.pk}:2027-W{week:02d}:{chef.pk}"


# --- A deactivated person covers no roster week ---------------------------------------------------


def test_roster_outlook_deactivated_monitor_without_backup_gap(org, time_machine, monitors):
    channel = live_channel(org, time_machine)
    primary, _colleague = monitors
    assign_roster(channel.pk, actor=org.chef, first=(2027, 9), last=(2027, 9), primary=primary)
    deactivate(primary)

    (week,) = roster_outlook(channel, TODAY, weeks=1)

    assert (week.primary, week.gap_days, week.is_gap) == (primary, WEEK_9, True)


def test_roster_outlook_deactivated_monitor_active_backup_covers(org, time_machine, monitors):
    channel = live_channel(org, time_machine)
    primary, backup = monitors
    assign_roster(channel.pk, actor=org.chef, first=(2027, 9), last=(2027, 9), primary=primary, backup=backup)
    deactivate(primary)

    (week,) = roster_outlook(channel, TODAY, weeks=1)

    assert (week.gap_days, week.is_gap) == ((), False)


def test_roster_gaps_deactivated_backup_and_absent_monitor_gap(org, time_machine, monitors):
    channel = live_channel(org, time_machine)
    primary, backup = monitors
    assign_roster(channel.pk, actor=org.chef, first=(2027, 9), last=(2027, 9), primary=primary, backup=backup)
    deactivate(backup)
    AbsenceFactory(user=primary, starts_on=date(2027, 3, 3), ends_on=date(2027, 3, 4))

    gaps = roster_gaps(Channel.objects.filter(pk=channel.pk), TODAY, WEEK_9[-1])
    (week,) = roster_outlook(channel, TODAY, weeks=1)

    # The reminder's rule and the page's rule agree: the departed backup covers none of the days.
    assert gaps == {channel: [date(2027, 3, 3), date(2027, 3, 4)]}
    assert week.gap_days == (date(2027, 3, 3), date(2027, 3, 4))


def test_monitor_deactivated_channel_page_shows_gap_and_chef_told_once(client, org, time_machine, monitors):
    channel = live_channel(org, time_machine)
    primary, _colleague = monitors
    assign_roster(channel.pk, actor=org.chef, first=(2027, 9), last=(2027, 14), primary=primary)
    assert warn_roster_gaps(today=TODAY) == {"candidates": 0, "notified": 0}
    deactivate(primary)
    client.force_login(org.chef)

    response = client.get(reverse("channel_register:detail", args=[channel.pk]))
    first = warn_roster_gaps(today=TODAY)
    again = warn_roster_gaps(today=TODAY)

    assert response.status_code == 200
    # Weeks 9–14 on the page: each a gap from Monday to Friday, though a monitor is named.
    shown = [(row["week"].iso_week, row["week"].primary, row["gaps"]) for row in response.context["roster"][:6]]
    assert shown == [
        (week, primary, [(monday, monday + timedelta(days=4))])
        for week, monday in zip(range(9, 15), [TODAY + timedelta(weeks=n) for n in range(6)], strict=True)
    ]
    # The reminder's window (to 31 March) holds weeks 9–13; the chef is told of each once.
    assert first == {"candidates": 5, "notified": 5}
    assert again == {"candidates": 5, "notified": 0}
    assert keys("roster_gap") == {gap_key(channel, week, org.chef) for week in range(9, 14)}
    assert set(Notification.objects.filter(kind="roster_gap").values_list("recipient", flat=True)) == {org.chef.pk}


@pytest.mark.parametrize("n", [1, 3])
def test_warn_roster_gaps_with_deactivated_monitors_query_count_constant(
    org, time_machine, monitors, django_assert_num_queries, n
):
    primary, backup = monitors
    channels = [live_channel(org, time_machine) for _ in range(n)]
    for channel in channels:
        assign_roster(channel.pk, actor=org.chef, first=(2027, 9), last=(2027, 13), primary=primary, backup=backup)
    deactivate(primary)
    deactivate(backup)

    # Channels, roster rows (the monitors' being active joined in), absences, the units' chefs;
    # notify_many's four: the same as with no roster at all.
    with django_assert_num_queries(8):
        counts = warn_roster_gaps(today=TODAY)

    assert counts == {"candidates": 5 * n, "notified": 5 * n}


# --- The Django admin respects the rules -----------------------------------------------------------


@pytest.fixture
def admin_client(client, org):
    """The client signed in as the superuser administrator."""
    assert org.admin.is_superuser
    client.force_login(org.admin)
    return client


@pytest.fixture
def appointed(org):
    """A planned Länsbiblioteket channel whose chef appointed the trained `medarbetare` to every
    role, and a colleague without legal training (who may not be appointed)."""
    channel = submitted_plan(org.medarbetare).channel
    trained(org.medarbetare)
    appoint(channel.pk, actor=org.chef, owner=org.medarbetare, screenshot_responsible=org.medarbetare)
    untrained = make_user(Role.MEDARBETARE, unit=org.library, full_name="Otto Outbildad")
    return Channel.objects.get(pk=channel.pk), untrained


def readonly_help(response, name):
    """The help text the admin change form shows beside the read-only field `name`."""
    for fieldset in response.context["adminform"]:
        for line in fieldset:
            for field in line:
                if field.is_readonly and field.field["name"] == name:
                    return field.field["help_text"]
    raise AssertionError(f"{name} is not a read-only field of the form")


def test_admin_channel_change_form_people_read_only_with_help(admin_client, appointed):
    channel, _untrained = appointed

    response = admin_client.get(reverse("admin:channel_register_channel_change", args=[channel.pk]))

    assert response.status_code == 200
    assert [readonly_help(response, name) for name in ("owner", "screenshot_responsible", "others")] == [
        PEOPLE_HELP
    ] * 3
    # No input for them: a read-only field is left out of the admin's form.
    inputs = [b'name="owner"', b'name="screenshot_responsible"', b'name="others"']
    assert [name for name in inputs if name in response.content] == []


def test_admin_channel_change_post_other_owner_changes_no_person(admin_client, org, appointed):
    channel, untrained = appointed

    response = admin_client.post(
        reverse("admin:channel_register_channel_change", args=[channel.pk]),
        {
            "platform": channel.platform,
            "name": "Länsbiblioteket (nytt namn)",
            "url": channel.url,
            "feed_url": "",
            "unit": channel.unit_id,
            "owner": untrained.pk,
            "screenshot_responsible": untrained.pk,
            "others": [untrained.pk],
        },
    )

    channel.refresh_from_db()
    # The form was saved (the name, the channel's description, may be changed here), and no
    # person changed: the untrained colleague became nothing.
    assert response.status_code == 302
    assert (channel.name, channel.owner, channel.screenshot_responsible, list(channel.others.all())) == (
        "Länsbiblioteket (nytt namn)",
        org.medarbetare,
        org.medarbetare,
        [],
    )


@pytest.fixture
def roster_week(org, appointed):
    channel, _untrained = appointed
    (week,) = assign_roster(channel.pk, actor=org.chef, first=(2027, 9), last=(2027, 9), primary=org.medarbetare)
    return week


@pytest.fixture
def agreement(org, appointed):
    channel, _untrained = appointed
    return propose_agreement(
        channel.pk, actor=org.chef, owner=org.medarbetare, tasks="Tillsyn och publicering.", hours_per_week=Decimal(2)
    )


def test_admin_roster_week_change_form_read_only_with_help(admin_client, roster_week):
    response = admin_client.get(reverse("admin:channel_register_rosterweek_change", args=[roster_week.pk]))

    assert response.status_code == 200
    assert (response.context["has_change_permission"], response.context["has_add_permission"]) == (False, False)
    assert (readonly_help(response, "primary"), readonly_help(response, "backup")) == (ROSTER_HELP, ROSTER_HELP)


def test_admin_roster_week_post_other_monitor_forbidden(admin_client, roster_week, appointed):
    _channel, untrained = appointed
    before = RosterWeek.objects.filter(pk=roster_week.pk).values().get()
    data = {
        "channel": roster_week.channel_id,
        "iso_year": 2027,
        "iso_week": 9,
        "primary": untrained.pk,
        "backup": "",
    }

    change = admin_client.post(reverse("admin:channel_register_rosterweek_change", args=[roster_week.pk]), data)
    add = admin_client.post(reverse("admin:channel_register_rosterweek_add"), {**data, "iso_week": 10})

    assert (change.status_code, add.status_code) == (403, 403)
    assert list(RosterWeek.objects.values()) == [before]


def test_admin_agreement_change_form_read_only_with_help(admin_client, agreement):
    response = admin_client.get(reverse("admin:channel_register_agreement_change", args=[agreement.pk]))

    assert response.status_code == 200
    assert (response.context["has_change_permission"], response.context["has_add_permission"]) == (False, False)
    assert (readonly_help(response, "owner"), readonly_help(response, "chef")) == (AGREEMENT_HELP, AGREEMENT_HELP)


def test_admin_agreement_post_other_owner_forbidden(admin_client, org, agreement, appointed):
    _channel, untrained = appointed
    before = Agreement.objects.filter(pk=agreement.pk).values().get()
    data = {
        "channel": agreement.channel_id,
        "owner": untrained.pk,
        "chef": org.chef.pk,
        "tasks": "Ändrat i admin.",
        "hours_per_week": "40.0",
        "owner_confirmed_at_0": "2027-03-01",
        "owner_confirmed_at_1": "09:00:00",
    }

    change = admin_client.post(reverse("admin:channel_register_agreement_change", args=[agreement.pk]), data)
    add = admin_client.post(reverse("admin:channel_register_agreement_add"), data)

    assert (change.status_code, add.status_code) == (403, 403)
    assert list(Agreement.objects.values()) == [before]
