"""The channel's life through its pages: go-live and closing with their blockers, appointments
refused for untrained people, the roster with a gap, a stale status form.

Messages are compared with the catalogue's Swedish text for their msgid (gettext under
translation.override("sv")), so the tests read the same before and after a wording change in
the catalogue; the layout around them (the error list at the field) is asserted as rendered.
"""

import re
from datetime import date, datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from accounts.enums import AbsenceKind, Role
from accounts.tests.factories import make_user
from channel_register.domain.channels import appoint, set_checklist_item
from channel_register.enums import ChannelAction, ChannelStatus, ChecklistItem
from channel_register.models import Channel, RosterWeek
from plans.enums import Action, PlanStatus
from plans.models import ClosureRequest
from plans.tests.factories import submitted_plan

from .channel_factories import (
    ANALYSIS,
    active_channel,
    approved_plan,
    planned_channel_ready,
    png_upload,
    supervision_secured,
    tick_all,
    trained,
)
from .channel_pages import (
    STOCKHOLM,
    channel_fixture,  # noqa: F401 (fixture)
    field_error,
    form_data,
    media_fixture,  # noqa: F401 (fixture)
    swedish,
)

pytestmark = pytest.mark.django_db


# --- Go-live ----------------------------------------------------------------------------------


def not_ticked(item: ChecklistItem) -> str:
    with translation.override("sv"):
        return swedish("Not ticked: %(item)s.", item=item.label)


def activate(client, channel: Channel):
    data = {"action": ChannelAction.ACTIVATE, "revision": channel.revision}
    return client.post(reverse("channel_register:status", args=[channel.pk]), data, follow=True)


def page_blockers(response) -> list[str]:
    return [blocker for entry in response.context["status_actions"] for blocker in entry["blockers"]]


def test_activate_without_checklist_refused_page_lists_blockers(client, org):
    channel = approved_plan(org).channel
    supervision_secured(channel, org.chef)
    set_checklist_item(channel.pk, ChecklistItem.LINKED_FROM_WEBSITE, actor=org.chef, ticked=True)
    client.force_login(org.chef)

    response = activate(client, channel)

    expected = [not_ticked(item) for item in ChecklistItem if item != ChecklistItem.LINKED_FROM_WEBSITE]
    assert response.redirect_chain == [(channel.get_absolute_url() + "#status-heading", 302)]
    assert Channel.objects.get(pk=channel.pk).status == ChannelStatus.PLANERAD
    assert page_blockers(response) == expected
    html = response.content.decode()
    assert all(f"<li>{escape(blocker)}</li>" in html for blocker in expected)
    assert f'value="{ChannelAction.ACTIVATE.value}"' not in html


def test_activate_without_approved_plan_refused_page_lists_blocker(client, org):
    channel = submitted_plan(org.medarbetare).channel
    tick_all(channel, org.chef)
    supervision_secured(channel, org.chef)
    client.force_login(org.chef)

    response = activate(client, channel)

    blocker = swedish("The channel has no approved plan.")
    assert Channel.objects.get(pk=channel.pk).status == ChannelStatus.PLANERAD
    assert page_blockers(response) == [blocker]
    assert f"<li>{escape(blocker)}</li>" in response.content.decode()
    message = swedish("The channel cannot be activated yet: %(reasons)s", reasons=blocker)
    assert [str(m) for m in response.context["messages"]] == [message]


def test_activate_with_approved_plan_and_checklist_activates(client, org):
    channel = planned_channel_ready(org)
    client.force_login(org.kommunikator)

    response = activate(client, channel)

    stored = Channel.objects.get(pk=channel.pk)
    assert (stored.status, stored.activated_at is not None, stored.revision) == (
        ChannelStatus.AKTIV,
        True,
        channel.revision + 1,
    )
    assert [str(m) for m in response.context["messages"]] == [swedish("The channel is now active.")]


def test_channel_status_stale_revision_409_nothing_changed(client, org, channel):
    stale = channel.revision
    appoint(channel.pk, actor=org.chef, owner=org.medarbetare, screenshot_responsible=None)
    before = Channel.objects.filter(pk=channel.pk).values().get()
    client.force_login(org.chef)

    response = client.post(
        reverse("channel_register:status", args=[channel.pk]), {"action": ChannelAction.PAUSE, "revision": stale}
    )

    assert response.status_code == 409
    assert response.templates[0].name == "channels/conflict.html"
    assert Channel.objects.filter(pk=channel.pk).values().get() == before


# --- People -----------------------------------------------------------------------------------


def test_appoint_untrained_owner_refused_message_at_field_selection_kept(client, org, channel):
    untrained = make_user(Role.MEDARBETARE, unit=org.library, username="otranad", full_name="Olle Otränad")
    colleague = trained(make_user(Role.MEDARBETARE, unit=org.library, username="kollega", full_name="Per Kollega"))
    before = Channel.objects.filter(pk=channel.pk).values().get()
    client.force_login(org.chef)

    response = client.post(
        reverse("channel_register:appoint", args=[channel.pk]),
        {
            "owner": untrained.pk,
            "screenshot_responsible": org.medarbetare.pk,
            "others": [colleague.pk],
            "revision": channel.revision,
        },
    )

    with translation.override("sv"):
        # The form names the reason (issue 12); the domain's own check stays behind it.
        message = swedish(
            "%(name)s cannot be appointed: %(reason)s.", name="Olle Otränad", reason=swedish("no training")
        )
    assert response.status_code == 200
    assert response.context["form"].errors == {"owner": [message]}
    html = response.content.decode()
    assert field_error("owner", message) in html
    assert f'<option value="{untrained.pk}" selected>' in html
    assert f'<option value="{colleague.pk}" selected>' in html
    assert Channel.objects.filter(pk=channel.pk).values().get() == before
    assert list(channel.others.all()) == []


# --- Roster -----------------------------------------------------------------------------------


def test_roster_weeks_27_to_32_assigned_page_marks_absence_gap(client, org, time_machine):
    time_machine.move_to(datetime(2027, 6, 21, 9, 0, tzinfo=STOCKHOLM), tick=False)  # Monday of week 25
    channel = active_channel(org)
    trained(org.medarbetare)
    client.force_login(org.chef)
    roster = {
        "first_year": 2027,
        "first_week": 27,
        "last_year": 2027,
        "last_week": 32,
        "primary": org.medarbetare.pk,
        "backup": "",
    }
    absence = {
        "person": org.medarbetare.pk,
        "kind": AbsenceKind.SEMESTER,
        "starts_on": "2027-07-19",  # Monday to Friday of week 29
        "ends_on": "2027-07-23",
    }

    saved = client.post(reverse("channel_register:roster", args=[channel.pk]), roster)
    away = client.post(reverse("people:absences"), absence)
    page = client.get(reverse("channel_register:detail", args=[channel.pk]))

    assert (saved.status_code, away.status_code) == (302, 302)
    assert list(
        RosterWeek.objects.filter(channel=channel, primary=org.medarbetare).values_list(
            "iso_year", "iso_week", "primary", "backup"
        )
    ) == [(2027, week, org.medarbetare.pk, None) for week in range(27, 33)]
    weeks = {row["week"].iso_week: row for row in page.context["roster"]}
    assert [week for week in range(27, 33) if weeks[week]["week"].is_gap] == [29]
    assert weeks[29]["gaps"] == [(date(2027, 7, 19), date(2027, 7, 23))]
    rows = {re.search(r'datetime="(\d{4}-\d\d-\d\d)"', row).group(1): row for row in roster_rows(page)}
    assert 'class="roster__gap"' in rows["2027-07-19"]
    # Weeks 25 and 26 are those the channel went live with (rostered by the factory).
    assert [monday for monday, row in rows.items() if 'class="roster__gap"' not in row] == [
        (date(2027, 6, 21) + timedelta(weeks=i)).isoformat() for i in range(8) if i != 4
    ]


def roster_rows(response) -> list[str]:
    table = response.content.decode().split('<table class="roster">', 1)[1].split("</table>", 1)[0]
    return table.split("<tr")[2:]  # after the text before the first row and the header row


# --- Closure ----------------------------------------------------------------------------------

CHAIN = ["chef", "kommunikator", "direktor"]


def close(client, channel: Channel):
    channel.refresh_from_db()
    data = {"action": ChannelAction.CLOSE, "revision": channel.revision}
    return client.post(reverse("channel_register:status", args=[channel.pk]), data, follow=True)


def decide(client, person, closure: ClosureRequest, action: Action) -> int:
    closure.refresh_from_db()
    client.force_login(person)
    data = {"action": action, "revision": closure.revision, "comment": ""}
    url = reverse("closures:action", args=[closure.pk])
    # Followed, so that the confirmation is read there and not left for the next page.
    return client.post(url, data, follow=True).redirect_chain[0][1]


def screenshot(client, channel: Channel, *, final: bool) -> int:
    data = {**form_data("screenshot_create"), "files": png_upload("slutlig.png")}
    if final:
        data["is_final"] = "on"
    url = reverse("channel_register:screenshot_create", args=[channel.pk])
    return client.post(url, data, follow=True).redirect_chain[0][1]


def test_closure_through_chain_avvecklas_close_needs_final_screenshot(client, org, channel):
    client.force_login(org.medarbetare)
    created = client.post(reverse("closures:create", args=[channel.pk]), {**ANALYSIS, "skicka_in": "1"}, follow=True)
    closure = ClosureRequest.objects.get(channel=channel)
    assert (created.redirect_chain, closure.status) == ([(closure.get_absolute_url(), 302)], PlanStatus.HOS_CHEF)

    decisions = [decide(client, getattr(org, person), closure, Action.APPROVE) for person in CHAIN]
    channel.refresh_from_db()
    assert (decisions, channel.status) == ([302, 302, 302], ChannelStatus.AVVECKLAS)
    closure.refresh_from_db()
    assert closure.status == PlanStatus.GODKAND

    client.force_login(org.chef)
    without = close(client, channel)
    blocker = swedish("A final screenshot record is needed before the channel is closed.")
    assert Channel.objects.get(pk=channel.pk).status == ChannelStatus.AVVECKLAS
    assert page_blockers(without) == [blocker]
    assert [str(m) for m in without.context["messages"]] == [
        swedish("The channel cannot be closed yet: %(reasons)s", reasons=blocker)
    ]

    assert screenshot(client, channel, final=False) == 302
    not_final = close(client, channel)
    assert Channel.objects.get(pk=channel.pk).status == ChannelStatus.AVVECKLAS
    assert page_blockers(not_final) == [blocker]

    client.force_login(org.medarbetare)
    assert screenshot(client, channel, final=True) == 302
    client.force_login(org.chef)
    closed = close(client, channel)
    stored = Channel.objects.get(pk=channel.pk)
    assert (stored.status, stored.closed_at is not None) == (ChannelStatus.AVSLUTAD, True)
    assert [str(m) for m in closed.context["messages"]] == [swedish("The channel has been closed.")]
