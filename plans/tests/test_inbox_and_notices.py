"""What the pages say about where a document stands: why a request was refused (the 403), what
waits for my decision (plans and closure requests), why a plan came back, what a saved draft
still lacks, and the accessibility statement."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.enums import Role
from accounts.tests.factories import make_user
from channel_register.domain.channels import appoint
from channel_register.tests.channel_factories import active_channel, submitted_closure, trained
from kob_social.history import update_with_history
from plans.domain.transitions import transition
from plans.enums import Action
from plans.models import ClosureRequest, Plan

from .factories import complete_plan, submitted_plan
from .view_helpers import page, section

pytestmark = pytest.mark.django_db


def words(element) -> str:
    return " ".join(element.text().split())


# --- The 403 says why ---------------------------------------------------------------------------


def test_log_update_on_planned_channel_by_chef_403_says_not_active_yet(client, org):
    channel = submitted_plan(org.medarbetare).channel
    client.force_login(org.chef)

    response = client.get(reverse("channel_register:update_create", args=[channel.pk]))

    assert response.status_code == 403
    assert words(page(response).find("main").find_all("p")[0]) == (
        "Kanalen är inte aktiv än: uppdateringar loggas när den har gått live. Ingenting har ändrats."
    )


def test_log_update_on_active_channel_by_unit_stranger_403_says_role(client, org):
    channel = active_channel(org)
    client.force_login(make_user(Role.MEDARBETARE, unit=org.library))

    response = client.get(reverse("channel_register:update_create", args=[channel.pk]))

    assert response.status_code == 403
    assert words(page(response).find("main").find_all("p")[0]) == (
        "Bara kanalens personer, dess chef och kommunikationsansvarig kan göra detta. Ingenting har ändrats."
    )


# --- Waiting for me: plans and closure requests -------------------------------------------------


def test_home_waiting_lists_plans_and_closures_longest_waiting_first(client, org):
    trained(org.medarbetare)
    channel = active_channel(org, channel_name="Bibliotekets Instagram")
    appoint(channel.pk, actor=org.chef, owner=org.medarbetare, screenshot_responsible=org.medarbetare)
    closure = submitted_closure(org, channel)
    plan = complete_plan(org.medarbetare, channel_name="Bibliotekets Facebook")
    transition(plan.pk, Action.SUBMIT, actor=org.medarbetare)
    now = timezone.now()
    update_with_history(ClosureRequest.objects.filter(pk=closure.pk), status_changed_at=now - timedelta(days=3))
    update_with_history(Plan.objects.filter(pk=plan.pk), status_changed_at=now - timedelta(days=1))
    client.force_login(org.chef)

    response = client.get(reverse("home"))

    waiting = section(page(response), "waiting-heading")
    assert [(link.attrs["href"]) for link in waiting.find_all("a")] == [
        closure.get_absolute_url(),
        plan.get_absolute_url(),
    ]
    assert [re.search(r"väntat i [^(]*", words(item)).group().strip() for item in waiting.find_all("li")] == [
        "väntat i 3 dagar",
        "väntat i 1 dag",
    ]
    assert [words(item).split(":")[0] for item in waiting.find_all("li")] == ["Avvecklingsbegäran", "Handlingsplan"]
    assert response.context["waiting_count"] == 2


# --- A returned plan says why, at the top -------------------------------------------------------


def returned_plan(org) -> Plan:
    plan = complete_plan(org.medarbetare, channel_name="Bibliotekets Instagram")
    transition(plan.pk, Action.SUBMIT, actor=org.medarbetare)
    return transition(plan.pk, Action.RETURN, actor=org.chef, comment="Komplettera målen.")


@pytest.mark.parametrize("page_name", ["plans:detail", "plans:edit"])
def test_returned_plan_page_shows_who_returned_it_and_why_above_the_actions(client, org, page_name):
    plan = returned_plan(org)
    decided = timezone.localtime(plan.decisions.get().decided_at)
    client.force_login(org.medarbetare)

    response = client.get(reverse(page_name, args=[plan.pk]))

    main = response.content.decode().split("<main", 1)[1]
    notice = page(response).find("div", id="returned-notice")
    assert (
        words(notice) == f"Återsänd av Karin Sjöström {decided:%-d} {_month(decided)} {decided:%Y}: Komplettera målen."
    )
    assert main.index('id="returned-notice"') < main.index("<form")


def test_submitted_plan_page_shows_no_returned_notice(client, org):
    plan = complete_plan(org.medarbetare)
    transition(plan.pk, Action.SUBMIT, actor=org.medarbetare)
    client.force_login(org.medarbetare)

    response = client.get(reverse("plans:detail", args=[plan.pk]))

    assert page(response).find_all("div", id="returned-notice") == []


def _month(moment) -> str:
    return ["jan", "feb", "mar", "apr", "maj", "jun", "jul", "aug", "sep", "okt", "nov", "dec"][moment.month - 1]


# --- A saved draft says what is missing ---------------------------------------------------------


def test_save_draft_shows_channel_name_and_checklist_of_missing_fields(client, org):
    client.force_login(org.medarbetare)
    create = client.get(reverse("plans:create"))
    data = {"unit": org.library.pk, "platform": "instagram", "channel_name": "Bibliotekets Instagram"}
    data.update({"goals-TOTAL_FORMS": "0", "goals-INITIAL_FORMS": "0", "spara": ""})
    assert create.status_code == 200

    response = client.post(reverse("plans:create"), data, follow=True)

    document = page(response)
    assert words(document.find("h1")) == "Utkast: Bibliotekets Instagram"
    checklist = section(document, "draft-state-heading")
    links = checklist.find("ul").find_all("a")
    assert links[0].attrs["href"] == "#id_purpose"
    assert words(links[-1]) == "Mål"
    assert [words(a) for a in checklist.find_all("a")][-1] == "Gå till Skicka in"
    assert document.find("button", id="submit-plan").attrs["name"] == "skicka_in"


def test_complete_draft_checklist_says_it_can_be_submitted(client, org):
    plan = complete_plan(org.medarbetare)
    client.force_login(org.medarbetare)

    response = client.get(reverse("plans:edit", args=[plan.pk]))

    checklist = section(page(response), "draft-state-heading")
    assert checklist.find_all("ul") == []
    assert words(checklist.find_all("p")[1]) == "Allt som behövs är ifyllt: planen kan skickas in."


# --- The accessibility statement ----------------------------------------------------------------


def test_accessibility_statement_public_with_contact_and_linked_from_footer(client, settings):
    settings.ACCESSIBILITY_CONTACT_EMAIL = "a11y@example.org"

    response = client.get(reverse("accessibility"))

    document = page(response)
    assert response.status_code == 200
    assert words(document.find("h1")) == "Tillgänglighetsredogörelse för KoB Social"
    hrefs = [a.attrs.get("href") for a in document.find("main").find_all("a")]
    assert hrefs.count("mailto:a11y@example.org") == 2
    assert "https://www.digg.se/tdosanmalan" in hrefs
    assert document.find("footer").find("a", href=reverse("accessibility")).text() == "Tillgänglighetsredogörelse"
