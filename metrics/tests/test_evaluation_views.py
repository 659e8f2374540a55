"""The evaluation pages through HTTP, each as a ladder (anonymous → login, another unit's staff →
404 and nothing changed, a colleague who may read but not write → no form and 403, the owner →
the effect), and the report as a PDF: the same PDF machinery and rules as the signed plan."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from accounts.enums import Role
from accounts.tests.factories import make_user
from metrics.domain.evaluations import complete_evaluation, goal_key, start_evaluation
from metrics.domain.measurements import record_measurement
from metrics.enums import Conclusion, EvaluationStatus
from metrics.models import Evaluation, EvaluationGoal
from plans.enums import PlanStatus
from plans.models import Plan
from plans.pdf import PDF_VARIANT
from plans.tests.test_pdf import pdftotext, squash, xmp
from plans.tests.view_helpers import field_value, page

from .factories import measured_channel
from .test_views import login_url

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("measuring_day")]

SINCE = datetime.date(2026, 1, 1)
GOAL = {
    "description": "Fler följare bland unga vuxna",
    "metric": "foljare",
    "baseline": Decimal("1000"),
    "target": Decimal("2000"),
    "deadline": datetime.date(2027, 12, 31),
}
SUMMARY = "Kanalen når unga vuxna, men evenemangen fyller inte salen."


@pytest.fixture
def channel(org):
    channel = measured_channel(org, since=SINCE, goals=[GOAL])
    for day, value in [(datetime.date(2027, 1, 1), 1200), (datetime.date(2027, 3, 1), 1500)]:
        record_measurement(channel.pk, actor=org.medarbetare, metric="foljare", on=day, value=Decimal(value))
    return channel


@pytest.fixture
def colleague(org):
    return make_user(Role.MEDARBETARE, unit=org.library, username="kollega", full_name="Kim Kollega")


@pytest.fixture
def draft(org, channel):
    return start_evaluation(channel.pk, actor=org.medarbetare)


def form_data(evaluation, action="spara", **overrides) -> dict:
    goal = evaluation.goals.get()
    return {
        "revision": evaluation.revision,
        "action": action,
        "summary": SUMMARY,
        "conclusion": "",
        goal_key(goal, "went_well"): "Fler följare varje månad.",
        goal_key(goal, "went_badly"): "Få delningar.",
        goal_key(goal, "change"): "Mer film.",
    } | overrides


def completed(org, evaluation, conclusion=Conclusion.CONTINUE, **overrides) -> Evaluation:
    data = form_data(evaluation) | overrides
    answers = {key: value for key, value in data.items() if key.startswith("goal-")}
    return complete_evaluation(
        evaluation.pk,
        actor=org.medarbetare,
        expected_revision=evaluation.revision,
        summary=data["summary"],
        answers=answers,
        conclusion=conclusion,
    )


# --- Starting -------------------------------------------------------------------------------------


def test_start_anonymous_redirected_to_login_and_nothing_started(client, channel):
    url = reverse("metrics:evaluation_start", args=[channel.pk])

    response = client.post(url)

    assert (response.status_code, response["Location"]) == (302, login_url(url))
    assert Evaluation.objects.count() == 0


def test_start_other_unit_404_and_nothing_started(client, org, channel):
    client.force_login(org.medarbetare2)

    response = client.post(reverse("metrics:evaluation_start", args=[channel.pk]))

    assert response.status_code == 404
    assert Evaluation.objects.count() == 0


def test_start_colleague_403_and_nothing_started(client, channel, colleague):
    client.force_login(colleague)

    response = client.post(reverse("metrics:evaluation_start", args=[channel.pk]))

    assert response.status_code == 403
    assert Evaluation.objects.count() == 0


def test_start_owner_goes_to_the_draft_and_a_second_start_to_the_same(client, org, channel):
    client.force_login(org.medarbetare)
    url = reverse("metrics:evaluation_start", args=[channel.pk])

    first = client.post(url)
    second = client.post(url)

    evaluation = Evaluation.objects.get()
    assert (first.status_code, first["Location"]) == (302, reverse("metrics:evaluation", args=[evaluation.pk]))
    assert second["Location"] == first["Location"]


def test_start_by_get_is_not_allowed(client, org, channel):
    client.force_login(org.medarbetare)

    response = client.get(reverse("metrics:evaluation_start", args=[channel.pk]))

    assert response.status_code == 405
    assert Evaluation.objects.count() == 0


# --- The page -------------------------------------------------------------------------------------


def test_page_other_unit_404(client, org, draft):
    client.force_login(org.medarbetare2)

    response = client.get(reverse("metrics:evaluation", args=[draft.pk]))

    assert response.status_code == 404


def test_page_owner_sees_each_goal_with_its_result_and_chart_and_the_form(client, org, draft):
    client.force_login(org.medarbetare)

    response = client.get(reverse("metrics:evaluation", args=[draft.pk]))

    assert response.status_code == 200
    document = page(response)
    goal = draft.goals.get()
    (entry,) = response.context["goals"]
    assert (entry["baseline"], entry["latest"], entry["target"], entry["share"]) == (
        "1\xa0000",
        "1\xa0500",
        "2\xa0000",
        "50",
    )
    assert entry["progress"].reason in document.text()
    assert len(document.find("figure", class_="chart").find("tbody").find_all("tr")) == 2
    assert [field_value(document, goal_key(goal, field)) for field in EvaluationGoal.REFLECTION_FIELDS] == ["", "", ""]
    assert [radio.attrs["value"] for radio in document.find_all("input", name="conclusion")] == Conclusion.values


def test_page_colleague_reads_the_draft_without_the_form(client, draft, colleague):
    client.force_login(colleague)

    response = client.get(reverse("metrics:evaluation", args=[draft.pk]))

    assert response.status_code == 200
    assert page(response).find_all("form", action=reverse("metrics:evaluation", args=[draft.pk])) == []


def test_save_colleague_403_and_nothing_saved(client, draft, colleague):
    client.force_login(colleague)

    response = client.post(reverse("metrics:evaluation", args=[draft.pk]), form_data(draft))

    assert response.status_code == 403
    assert Evaluation.objects.get().summary == ""


def test_save_other_unit_404_and_nothing_saved(client, org, draft):
    client.force_login(org.medarbetare2)

    response = client.post(reverse("metrics:evaluation", args=[draft.pk]), form_data(draft))

    assert response.status_code == 404
    assert Evaluation.objects.get().summary == ""


def test_save_owner_keeps_the_draft_and_comes_back_to_it(client, org, draft):
    client.force_login(org.medarbetare)
    url = reverse("metrics:evaluation", args=[draft.pk])

    response = client.post(url, form_data(draft))

    assert (response.status_code, response["Location"]) == (302, url)
    stored = Evaluation.objects.get()
    assert (stored.status, stored.summary) == (EvaluationStatus.DRAFT, SUMMARY)
    assert EvaluationGoal.objects.get().went_badly == "Få delningar."


def test_save_with_a_stale_revision_409_keeps_the_text_in_the_form_and_saves_nothing(client, org, draft):
    client.force_login(org.medarbetare)
    url = reverse("metrics:evaluation", args=[draft.pk])
    client.post(url, form_data(draft, summary="Först."))

    response = client.post(url, form_data(draft, summary="Sedan."))

    assert response.status_code == 409
    assert field_value(page(response), "summary") == "Sedan."
    assert Evaluation.objects.get().summary == "Först."


def test_complete_with_parts_missing_400_names_each_and_keeps_the_text(client, org, draft):
    client.force_login(org.medarbetare)
    goal = draft.goals.get()
    data = form_data(draft, action="slutfor", summary="")
    data.update({goal_key(goal, "went_well"): "", goal_key(goal, "went_badly"): "", goal_key(goal, "change"): ""})
    data["summary"] = "  "

    response = client.post(reverse("metrics:evaluation", args=[draft.pk]), data)

    assert response.status_code == 400
    form = response.context["form"]
    assert sorted(form.errors) == sorted(["summary", "conclusion", goal_key(goal, "went_well")])
    assert Evaluation.objects.get().status == EvaluationStatus.DRAFT


def test_complete_to_revise_lands_in_the_new_draft_version(client, org, draft):
    client.force_login(org.medarbetare)

    response = client.post(
        reverse("metrics:evaluation", args=[draft.pk]), form_data(draft, action="slutfor", conclusion="revidera")
    )

    new = Plan.objects.get(status=PlanStatus.UTKAST)
    assert (response.status_code, response["Location"]) == (302, reverse("plans:edit", args=[new.pk]))
    assert Evaluation.objects.get().revised_plan == new


def test_complete_to_close_lands_in_the_closure_request(client, org, draft):
    client.force_login(org.medarbetare)

    response = client.post(
        reverse("metrics:evaluation", args=[draft.pk]), form_data(draft, action="slutfor", conclusion="avveckla")
    )

    evaluation = Evaluation.objects.get()
    assert (response.status_code, response["Location"]) == (302, reverse("closures:edit", args=[evaluation.closure_id]))


def test_completed_page_shows_the_kept_answers_links_the_new_version_and_refuses_a_post(client, org, draft):
    done = completed(org, draft, Conclusion.REVISE)
    client.force_login(org.medarbetare)
    url = reverse("metrics:evaluation", args=[done.pk])

    shown = client.get(url)
    posted = client.post(url, form_data(done, summary="Omskrivet."))

    document = page(shown)
    assert document.find_all("form", action=url) == []
    assert "Få delningar." in document.text()
    assert document.find_all("a", href=reverse("plans:detail", args=[done.revised_plan_id])) != []
    assert document.find_all("a", href=reverse("metrics:evaluation_pdf", args=[done.pk])) != []
    assert posted.status_code == 403
    assert Evaluation.objects.get().summary == SUMMARY


# --- The report -----------------------------------------------------------------------------------


def test_report_of_a_draft_404(client, org, draft):
    client.force_login(org.medarbetare)

    response = client.get(reverse("metrics:evaluation_pdf", args=[draft.pk]))

    assert response.status_code == 404


def test_report_other_unit_404(client, org, draft):
    done = completed(org, draft)
    client.force_login(org.medarbetare2)

    response = client.get(reverse("metrics:evaluation_pdf", args=[done.pk]))

    assert response.status_code == 404


def test_report_is_a_pdf_a_with_the_goals_results_answers_and_chart(client, org, draft, colleague):
    done = completed(org, draft)
    client.force_login(colleague)

    response = client.get(reverse("metrics:evaluation_pdf", args=[done.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        'attachment; filename="utvardering-lansbiblioteket-uppsala-lasframjande-2027-03-15.pdf"'
    )
    pdf = response.content
    text = squash(pdftotext(pdf, "-raw"))
    for expected in [
        squash(f"Utvärdering av {draft.channel.name}"),
        squash(SUMMARY),
        squash(GOAL["description"]),
        "Flerföljarevarjemånad.",
        "Fådelningar.",
        "Merfilm.",
        "1000→1500→2000",
        # The chart's table of values, under the chart.
        "1januari20271200",
    ]:
        assert expected in text
    assert 'pdfaid:part="2"' in xmp(pdf) or "<pdfaid:part>2</pdfaid:part>" in xmp(pdf)
    assert PDF_VARIANT == "pdf/a-2u"


def test_report_prints_the_users_markup_as_text_and_fetches_nothing_it_names(client, org, draft, caplog):
    done = completed(org, draft, summary='<img src="https://evil.example/x.png"> <b>fet</b>')
    client.force_login(org.medarbetare)

    response = client.get(reverse("metrics:evaluation_pdf", args=[done.pk]))

    text = squash(pdftotext(response.content, "-raw"))
    assert squash('<img src="https://evil.example/x.png"> <b>fet</b>') in text
    assert "evil.example" not in caplog.text


def test_save_without_a_button_pressed_saves_the_draft(client, org, draft):
    client.force_login(org.medarbetare)
    data = form_data(draft)
    del data["action"]

    response = client.post(reverse("metrics:evaluation", args=[draft.pk]), data)

    assert response.status_code == 302
    stored = Evaluation.objects.get()
    assert (stored.status, stored.summary) == (EvaluationStatus.DRAFT, SUMMARY)
