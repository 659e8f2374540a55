"""A person leaves (audit.leaving): the administrator's "avsluta användare" page lists everything
they hold, hands each to a named successor in one transaction, and only then ends the account; the
admin's user form refuses to deactivate someone who still holds something. Each hole the issue
names is a test: orphaned drafts, channels owned by someone who left, roster weeks covered by
someone who left, agreements with someone who left, deputy arrangements of someone who left."""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.enums import Role
from accounts.models import Deputy, User
from accounts.tests.factories import make_user
from audit import leaving
from audit.models import Event
from channel_register.domain.channels import appoint, assign_roster, propose_agreement
from channel_register.models import Agreement, Channel, RosterWeek
from channel_register.tests.channel_factories import active_channel, trained
from kob_social.errors import Incomplete, NotAllowed
from plans import rules as plan_rules
from plans.domain.transitions import transition
from plans.enums import Action
from plans.tests.factories import complete_plan

pytestmark = pytest.mark.django_db


@pytest.fixture
def held(org):
    """Maja (medarbetare) owns the library's channel and takes its screenshots, and writes a
    plan; Tove monitors its roster and is the owner in its agreement (channel_factories)."""
    trained(org.medarbetare)
    channel = active_channel(org)
    appoint(channel.pk, actor=org.chef, owner=org.medarbetare, screenshot_responsible=org.medarbetare)
    draft = complete_plan(org.medarbetare, channel_name="Bibliotekets poddar")
    successor = trained(make_user(Role.MEDARBETARE, unit=org.library, username="efterfoljare", full_name="Ella Ek"))
    monitor = User.objects.get(full_name="Tove Tillsyn")
    return channel, draft, successor, monitor


def keys(person) -> list[str]:
    return [holding.key for holding in leaving.holdings_of(person).all]


def test_holdings_list_channel_places_and_drafts(org, held):
    channel, draft, _successor, monitor = held

    assert keys(org.medarbetare) == [
        f"channel:{channel.pk}:owner",
        f"channel:{channel.pk}:screenshot",
        f"plan:{draft.pk}",
    ]
    assert keys(monitor) == [f"roster:{channel.pk}", f"agreement:{Agreement.objects.get(channel=channel).pk}"]


def test_end_person_hands_everything_over_then_deactivates(org, held):
    channel, draft, successor, _monitor = held

    leaving.end_person(org.medarbetare.pk, actor=org.admin, successors=dict.fromkeys(keys(org.medarbetare), successor))

    channel.refresh_from_db()
    draft.refresh_from_db()
    org.medarbetare.refresh_from_db()
    assert (channel.owner, channel.screenshot_responsible) == (successor, successor)
    assert draft.author == successor
    assert plan_rules.can_edit_plan(successor, draft)
    assert not org.medarbetare.is_active
    assert keys(org.medarbetare) == []
    event = Event.objects.get(action="person.ended")
    assert (event.actor_id, event.person_id) == (org.admin.pk, org.medarbetare.pk)
    assert "Ella Ek" in event.reason


def test_a_refused_successor_changes_nothing(org, held):
    channel, draft, _successor, _monitor = held
    untrained = make_user(Role.MEDARBETARE, unit=org.library, username="otranad")
    successors = dict.fromkeys(keys(org.medarbetare), untrained)

    with pytest.raises(Incomplete) as refused:
        leaving.end_person(org.medarbetare.pk, actor=org.admin, successors=successors)

    assert list(refused.value.errors) == [f"channel:{channel.pk}:owner", f"channel:{channel.pk}:screenshot"]
    channel.refresh_from_db()
    draft.refresh_from_db()
    org.medarbetare.refresh_from_db()
    assert (channel.owner, draft.author, org.medarbetare.is_active) == (org.medarbetare, org.medarbetare, True)
    assert not Event.objects.filter(action="person.ended").exists()


def test_a_missing_successor_is_refused(org, held):
    with pytest.raises(Incomplete) as refused:
        leaving.end_person(org.medarbetare.pk, actor=org.admin, successors=dict.fromkeys(keys(org.medarbetare)))

    assert len(refused.value.errors) == 3
    org.medarbetare.refresh_from_db()
    assert org.medarbetare.is_active


def test_monitor_leaving_hands_over_roster_weeks_and_agreement(org, held):
    channel, _draft, successor, monitor = held
    weeks = RosterWeek.objects.filter(channel=channel, primary=monitor).count()

    leaving.end_person(monitor.pk, actor=org.admin, successors=dict.fromkeys(keys(monitor), successor))

    assert weeks > 0
    assert RosterWeek.objects.filter(channel=channel, primary=successor).count() == weeks
    assert not RosterWeek.objects.filter(primary=monitor, iso_year__gte=timezone.localdate().year + 1).exists()
    latest = Agreement.objects.filter(channel=channel).first()
    assert (latest.owner, latest.chef, latest.is_confirmed) == (successor, org.chef, False)


def test_chef_leaving_hands_over_the_unit_and_the_waiting_documents_follow(org):
    plan = transition(complete_plan(org.medarbetare).pk, Action.SUBMIT, actor=org.medarbetare)
    new_chef = make_user(Role.CHEF, unit=org.library, username="nychef", full_name="Nils Nyström")
    assert keys(org.chef) == [f"unit:{org.library.pk}", f"plan:{plan.pk}"]

    leaving.end_person(org.chef.pk, actor=org.admin, successors={f"unit:{org.library.pk}": new_chef})

    org.library.refresh_from_db()
    plan.refresh_from_db()
    assert (org.library.chef, plan.deciding_chef) == (new_chef, new_chef)


def test_deputy_leaving_hands_over_the_arrangement(org, deputies):
    successor = make_user(Role.MEDARBETARE, unit=org.staben, username="ny_ersattare")
    arrangement = Deputy.objects.get(deputy=deputies.webbredaktor)
    key = f"deputy:{arrangement.pk}"

    leaving.end_person(deputies.webbredaktor.pk, actor=org.admin, successors={key: successor})

    new = Deputy.objects.get(deputy=successor)
    assert (new.person, new.role, new.condition) == (
        org.kommunikator,
        Role.KOMMUNIKATIONSANSVARIG,
        arrangement.condition,
    )
    assert not Deputy.objects.filter(deputy=deputies.webbredaktor).exclude(ends_on__lt=timezone.localdate()).exists()


def test_only_an_administrator_ends_an_account_and_never_their_own(org, held):
    with pytest.raises(NotAllowed):
        leaving.end_person(org.medarbetare.pk, actor=org.chef, successors={})
    with pytest.raises(NotAllowed):
        leaving.end_person(org.admin.pk, actor=org.admin, successors={})


# --- Nobody who has left is given anything ------------------------------------------------------


def test_people_who_left_cannot_be_appointed_rostered_or_agreed_with(org, held):
    channel, _draft, _successor, _monitor = held
    gone = trained(make_user(Role.MEDARBETARE, unit=org.library, username="borta", is_active=False))
    this_week = timezone.localdate().isocalendar()[:2]

    with pytest.raises(Incomplete) as appointed:
        appoint(channel.pk, actor=org.chef, owner=gone, screenshot_responsible=org.medarbetare)
    with pytest.raises(Incomplete) as rostered:
        assign_roster(channel.pk, actor=org.chef, first=this_week, last=this_week, primary=gone)
    with pytest.raises(Incomplete) as agreed:
        propose_agreement(channel.pk, actor=org.chef, owner=gone, tasks="Allt.", hours_per_week=Decimal("1.0"))

    assert list(appointed.value.errors) == ["owner"]
    assert list(rostered.value.errors) == ["primary"]
    assert list(agreed.value.errors) == ["owner"]


# --- The page and the admin ---------------------------------------------------------------------


def page(person) -> str:
    return reverse("audit:end_person", args=[person.pk])


@pytest.mark.parametrize(("viewer", "status"), [("chef", 403), ("kommunikator", 403), ("direktor", 403)])
def test_end_person_page_is_the_administrators(client, org, held, viewer, status):
    client.force_login(getattr(org, viewer))

    assert client.get(page(org.medarbetare)).status_code == status
    assert client.post(page(org.medarbetare), {"confirm": "on"}).status_code == status

    org.medarbetare.refresh_from_db()
    assert org.medarbetare.is_active


def test_end_person_page_anonymous_goes_to_sign_in(client, org):
    response = client.get(page(org.medarbetare))

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_end_person_page_hands_over_to_the_successor_for_everything(client, org, held):
    channel, _draft, successor, _monitor = held
    client.force_login(org.admin)
    shown = client.get(page(org.medarbetare))
    assert shown.status_code == 200
    assert "Ansvarig för" in shown.text

    response = client.post(
        page(org.medarbetare),
        {"everything": successor.pk, "shown": shown.context["form"]["shown"].value(), "confirm": "on"},
    )

    assert response.status_code == 302
    org.medarbetare.refresh_from_db()
    channel.refresh_from_db()
    assert not org.medarbetare.is_active
    assert channel.owner == successor
    assert "Kontot är avslutat" in client.get(response.url).text


def test_end_person_page_without_the_confirmation_changes_nothing(client, org, held):
    _channel, _draft, successor, _monitor = held
    client.force_login(org.admin)
    shown = client.get(page(org.medarbetare)).context["form"]["shown"].value()

    response = client.post(page(org.medarbetare), {"everything": successor.pk, "shown": shown})

    assert response.status_code == 200
    assert response.context["form"].errors["confirm"]
    org.medarbetare.refresh_from_db()
    assert org.medarbetare.is_active


def test_end_person_page_refuses_when_holdings_changed_since_shown(client, org, held):
    _channel, _draft, successor, _monitor = held
    client.force_login(org.admin)
    shown = client.get(page(org.medarbetare)).context["form"]["shown"].value()
    complete_plan(org.medarbetare, channel_name="En till kanal")

    response = client.post(page(org.medarbetare), {"everything": successor.pk, "shown": shown, "confirm": "on"})

    assert response.status_code == 200
    assert "har ändrats sedan sidan öppnades" in response.text
    org.medarbetare.refresh_from_db()
    assert org.medarbetare.is_active
    # The page now shows the new draft too; sent again, it is accepted.
    again = response.context["form"]["shown"].value()
    done = client.post(page(org.medarbetare), {"everything": successor.pk, "shown": again, "confirm": "on"})
    assert done.status_code == 302
    org.medarbetare.refresh_from_db()
    assert not org.medarbetare.is_active


def test_end_person_page_shows_a_refusal_at_its_holding(client, org, held):
    channel, _draft, _successor, _monitor = held
    untrained = make_user(Role.MEDARBETARE, unit=org.library, username="otranad", full_name="Otto Otränad")
    client.force_login(org.admin)
    shown = client.get(page(org.medarbetare)).context["form"]["shown"].value()

    response = client.post(page(org.medarbetare), {"everything": untrained.pk, "shown": shown, "confirm": "on"})

    assert response.status_code == 200
    assert response.context["form"].errors[f"channel:{channel.pk}:owner"]
    org.medarbetare.refresh_from_db()
    assert org.medarbetare.is_active


def admin_change(client, person, **changes):
    url = reverse("admin:accounts_user_change", args=[person.pk])
    data = {
        "username": person.username,
        "full_name": person.full_name,
        "email": person.email,
        "title": person.title,
        "unit": person.unit_id or "",
        "is_active": "on",
        "groups": list(person.groups.values_list("pk", flat=True)),
        "last_login_0": "",
        "last_login_1": "",
        "date_joined_0": person.date_joined.strftime("%Y-%m-%d"),
        "date_joined_1": person.date_joined.strftime("%H:%M:%S"),
        **changes,
    }
    data = {key: value for key, value in data.items() if value is not None}
    return client.post(url, data)


def test_admin_user_form_refuses_to_deactivate_someone_who_holds_something(client, org, held):
    client.force_login(org.admin)

    response = admin_change(client, org.medarbetare, is_active=None)

    assert response.status_code == 200
    assert page(org.medarbetare) in response.text
    org.medarbetare.refresh_from_db()
    assert org.medarbetare.is_active


def test_admin_user_form_deactivates_someone_who_holds_nothing(client, org):
    client.force_login(org.admin)

    response = admin_change(client, org.medarbetare2, is_active=None)

    assert response.status_code == 302
    org.medarbetare2.refresh_from_db()
    assert not org.medarbetare2.is_active


def test_a_deactivated_monitor_holds_no_roster_week_after_ending(org, held):
    channel, _draft, successor, monitor = held
    today = timezone.localdate()

    leaving.end_person(monitor.pk, actor=org.admin, successors=dict.fromkeys(keys(monitor), successor))

    year, week, _day = today.isocalendar()
    ahead = RosterWeek.objects.filter(channel=channel, iso_year__gte=year).exclude(iso_year=year, iso_week__lt=week)
    assert ahead.exists()
    assert not ahead.filter(primary=monitor).exists()
    assert Channel.objects.get(pk=channel.pk).owner == org.medarbetare


# The frame (session, user, role groups; no session save within a minute of the last), the
# person, each kind's holdings (units led; the person's "others" rows and the channel places;
# roster weeks; agreements; drafts: plans and closure requests; waiting: plans and closure
# requests; deputy arrangements), the successors to choose from (once for every field), and the
# unread badge.
END_PERSON_QUERIES = 16


@pytest.mark.parametrize("n", [1, 3])
def test_end_person_page_query_count_is_the_same_for_1_and_3_drafts(client, org, held, django_assert_num_queries, n):
    for i in range(n - 1):
        complete_plan(org.medarbetare, channel_name=f"Kanal {i}")
    client.force_login(org.admin)

    with django_assert_num_queries(END_PERSON_QUERIES):
        response = client.get(page(org.medarbetare))

    assert len(response.context["groups"][-1][1]) == n
