"""How registration numbers and records management references are written (issue 19, items 1 and
7): the administrator sets the formats in the admin (accounts.RecordsFormat), and every check of a
plan, a closure and a channel's records follows them from the next request; until then, and for a
format left empty, the installation's settings apply."""

import pytest
from django.urls import reverse
from django.utils.translation import gettext

from accounts.models import RecordsFormat
from accounts.records import Formats, formats
from audit.models import Event
from channel_register.domain.channels import appoint
from channel_register.tests.channel_factories import ANALYSIS, active_channel, trained
from kob_social.errors import Incomplete
from plans.domain import closures
from plans.domain.drafts import save_draft
from plans.models import ClosureRequest, Plan
from plans.tests.factories import GOAL, complete_plan, plan_content
from plans.tests.test_plan_form import form_data
from plans.tests.view_helpers import page

pytestmark = pytest.mark.django_db

ADD = reverse("admin:accounts_recordsformat_add")
REGION = {
    "case_number_pattern": r"RS\d{4}-\d{5}",
    "case_number_example": "RS2026-00001",
    "records_reference_pattern": r"DHP \d+(\.\d+)*",
    "records_reference_example": "DHP 4.2.1",
}
CASE_NUMBERS = {key: value for key, value in REGION.items() if key.startswith("case_number")}
EMPTY = dict.fromkeys(REGION, "")


@pytest.fixture
def installation(settings):
    settings.CASE_NUMBER_PATTERN, settings.CASE_NUMBER_EXAMPLE = r"KUN\d{4}-\d{5}", "KUN2026-00123"
    settings.RECORDS_REFERENCE_PATTERN, settings.RECORDS_REFERENCE_EXAMPLE = r"\S.{0,198}", "Plan 4.2.1"


def case_number_message(example: str) -> str:
    return gettext("Write the registration number as the Region's case system writes it, for example %(example)s.") % {
        "example": example
    }


def reference_message(example: str) -> str:
    return gettext("Write the reference as the records management plan writes it, for example %(example)s.") % {
        "example": example
    }


def set_in_admin(client, org, **values):
    """The administrator saves the formats on the admin's page (add, or change the one row)."""
    client.force_login(org.admin)
    row = RecordsFormat.objects.first()
    url = ADD if row is None else reverse("admin:accounts_recordsformat_change", args=[row.pk])
    return client.post(url, {**EMPTY, **values})


def draft_with(org, plan, **content):
    return save_draft(
        plan.pk,
        actor=org.medarbetare,
        expected_revision=Plan.objects.get(pk=plan.pk).revision,
        content=plan_content(org.library, org.medarbetare, **content),
        goals=[GOAL],
    )


# --- Which formats are in force ---------------------------------------------------------------------


def test_formats_without_the_administrators_are_the_installations(installation):
    assert formats() == Formats(r"KUN\d{4}-\d{5}", "KUN2026-00123", r"\S.{0,198}", "Plan 4.2.1")


def test_formats_the_administrators_where_set_the_installations_where_left_empty(installation):
    RecordsFormat.objects.create(case_number_pattern=r"RS\d{4}-\d{5}", case_number_example="RS2026-00001")

    assert formats() == Formats(r"RS\d{4}-\d{5}", "RS2026-00001", r"\S.{0,198}", "Plan 4.2.1")


def test_formats_follow_the_installations_settings_when_they_change(installation, settings):
    before = formats()
    settings.CASE_NUMBER_PATTERN, settings.CASE_NUMBER_EXAMPLE = r"RS\d{4}-\d{5}", "RS2026-00001"

    assert (before.case_number_example, formats().case_number_example) == ("KUN2026-00123", "RS2026-00001")


def test_formats_read_once_then_kept(installation, django_assert_num_queries):
    with django_assert_num_queries(1):
        first = formats()
    with django_assert_num_queries(0):
        second = formats()

    assert first == second


# --- Set in the admin, followed at once -------------------------------------------------------------


def test_admin_sets_the_case_number_format_and_the_next_draft_follows_it(client, org, installation):
    plan = complete_plan(org.medarbetare)
    draft_with(org, plan, registration_number="KUN2026-00417")  # the installation's format: stored

    response = set_in_admin(client, org, **CASE_NUMBERS)
    with pytest.raises(Incomplete) as refused:
        draft_with(org, plan, registration_number="KUN2026-00418")
    draft_with(org, plan, registration_number="RS2026-00417")

    assert response.status_code == 302
    assert refused.value.errors == {"registration_number": [case_number_message("RS2026-00001")]}
    assert Plan.objects.get(pk=plan.pk).registration_number == "RS2026-00417"


def test_admin_sets_the_records_reference_format_and_the_plan_form_follows_it(client, org, installation):
    set_in_admin(client, org, **REGION)
    trained(org.medarbetare)  # the plan's people must have valid legal training
    client.force_login(org.medarbetare)
    refused_content = plan_content(org.library, org.medarbetare, records_reference="Plan 4.2.1")
    accepted_content = plan_content(org.library, org.medarbetare, records_reference="DHP 4.2.1")

    refused = client.post(reverse("plans:create"), form_data(refused_content, [GOAL]))
    count_after_refusal = Plan.objects.count()
    accepted = client.post(reverse("plans:create"), form_data(accepted_content, [GOAL]))

    assert refused.status_code == 200
    assert page(refused).find(id="id_records_reference_error").text().strip() == reference_message("DHP 4.2.1")
    assert (count_after_refusal, accepted.status_code) == (0, 302)
    assert Plan.objects.get().records_reference == "DHP 4.2.1"


def test_case_number_forms_say_the_administrators_example_and_refuse_the_installations_format(
    client, org, installation
):
    set_in_admin(client, org, **CASE_NUMBERS)
    channel = active_channel(org)
    trained(org.medarbetare)
    appoint(channel.pk, actor=org.chef, owner=org.medarbetare, screenshot_responsible=org.medarbetare)
    client.force_login(org.medarbetare)
    url = reverse("closures:create", args=[channel.pk])

    removal_form = client.get(reverse("channel_register:removal_create", args=[channel.pk]))
    refused = client.post(url, {**ANALYSIS, "case_number": "KUN2026-00417", "spara": ""})

    assert "RS2026-00001" in page(removal_form).find(id="id_diarienummer_helptext").text()
    assert page(refused).find(id="id_case_number_error").text().strip() == case_number_message("RS2026-00001")
    with pytest.raises(Incomplete):
        closures.create_closure_request(channel.pk, actor=org.medarbetare, analysis={**ANALYSIS, "case_number": "x"})
    assert ClosureRequest.objects.count() == 0


def test_admin_empties_the_formats_and_the_installations_apply_again(client, org, installation):
    set_in_admin(client, org, **REGION)
    response = set_in_admin(client, org, **EMPTY)

    assert response.status_code == 302
    assert formats() == Formats(r"KUN\d{4}-\d{5}", "KUN2026-00123", r"\S.{0,198}", "Plan 4.2.1")


def test_admin_change_is_in_the_formats_history_with_who_made_it(client, org, installation):
    set_in_admin(client, org, **REGION)
    set_in_admin(client, org, **{**REGION, "case_number_example": "RS2027-00002"})

    history = RecordsFormat.history.order_by("history_id")
    assert [(row.history_type, row.case_number_example, row.history_user) for row in history] == [
        ("+", "RS2026-00001", org.admin),
        ("~", "RS2027-00002", org.admin),
    ]
    events = Event.objects.filter(object_type="accounts.recordsformat").order_by("id")
    assert [(event.action, event.actor) for event in events] == [
        ("object.created", org.admin),
        ("object.changed", org.admin),
    ]


# --- The admin refuses a format that cannot work ----------------------------------------------------


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({"case_number_pattern": "RS(\\d{4}", "case_number_example": "RS2026"}, "case_number_pattern", "regex"),
        ({"case_number_pattern": r"RS\d{4}", "case_number_example": "KUN2026"}, "case_number_example", "follow"),
        ({"case_number_pattern": r"RS\d{4}"}, "case_number_example", "example"),
        ({"records_reference_example": "DHP 4.2.1"}, "records_reference_pattern", "pattern"),
    ],
    ids=["not-a-regex", "example-off-the-pattern", "pattern-without-example", "example-without-pattern"],
)
def test_admin_refuses_a_format_that_cannot_work_nothing_saved(client, org, installation, values, field, message):
    response = set_in_admin(client, org, **values)

    expected = {
        "regex": gettext("This is not a regular expression: %(error)s.")
        % {"error": "missing ), unterminated subpattern at position 2"},
        "follow": gettext("The example does not follow the pattern."),
        "example": gettext("Give an example that follows the pattern."),
        "pattern": gettext("Give the pattern the example follows, or leave both empty."),
    }[message]
    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {field: [expected]}
    assert not RecordsFormat.objects.exists()


def test_admin_keeps_one_row_never_deleted(client, org):
    set_in_admin(client, org, **REGION)
    row = RecordsFormat.objects.get()

    second_add = client.get(ADD)
    delete = client.post(reverse("admin:accounts_recordsformat_delete", args=[row.pk]), {"post": "yes"})

    assert (second_add.status_code, delete.status_code) == (403, 403)
    assert RecordsFormat.objects.count() == 1


def test_admin_formats_not_for_staff_without_the_permission(client, org):
    org.kommunikator.is_staff = True
    org.kommunikator.save()
    client.force_login(org.kommunikator)

    response = client.post(ADD, REGION)

    assert response.status_code == 403
    assert not RecordsFormat.objects.exists()
