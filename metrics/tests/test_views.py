"""The measuring pages through HTTP: each view as a ladder (anonymous → login, another unit's
staff → 404 and nothing changed, a colleague who may read but not measure → no form and 403,
the owner → 200 and the effect), a value entered and corrected, and an import from upload
through preview and confirmation to the saved values.

Queued tasks run in place (eager Celery, on-commit callbacks executed), as plans' tests do."""

import datetime
from decimal import Decimal
from urllib.parse import urlencode

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from accounts.enums import Role
from accounts.tests.factories import make_user
from kob_social.history import update_with_history
from metrics.domain import imports
from metrics.domain.measurements import record_measurement
from metrics.enums import Period, Source
from metrics.models import ImportStatus, Measurement, MeasurementImport
from plans.enums import Metric
from plans.tests.view_helpers import page, section, table_rows

from .factories import measured_channel

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("measuring_day")]

SINCE = datetime.date(2026, 1, 1)
GOAL = {
    "description": "Fler följare bland unga vuxna",
    "metric": Metric.FOLLOWERS,
    "baseline": Decimal("1000"),
    "target": Decimal("2000"),
    "deadline": datetime.date(2027, 12, 31),
}
GENERIC = "datum;mått;värde\n2027-03-01;Följare;1 500\n2027-03-08;Följare;1 600\n".encode()


@pytest.fixture
def channel(org):
    return measured_channel(org, since=SINCE, goals=[GOAL])


@pytest.fixture
def colleague(org):
    """Länsbiblioteket staff who read the unit's channels but are none of this channel's people."""
    return make_user(Role.MEDARBETARE, unit=org.library, username="kollega", full_name="Kim Kollega")


def swedish(msgid: str) -> str:
    with translation.override("sv"):
        return gettext(msgid)


def login_url(url: str) -> str:
    return reverse("login") + "?" + urlencode({"next": url}, safe="/")


def stored() -> list[tuple]:
    return list(Measurement.objects.order_by("pk").values_list("metric", "period", "on", "value", "source"))


def upload(content: bytes = GENERIC, name: str = "matvarden.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="text/csv")


def checked_import(channel, actor, content: bytes = GENERIC) -> MeasurementImport:
    batch = imports.start_import(channel.pk, actor=actor, upload=upload(content))
    imports.check_import(batch.pk)
    return MeasurementImport.objects.get(pk=batch.pk)


def entry(**overrides) -> dict:
    return {"metric": Metric.FOLLOWERS, "on": "2027-03-01", "value": "1 250", "period": ""} | overrides


# --- The measuring page ---------------------------------------------------------------------------


def test_measuring_page_anonymous_redirected_to_login(client, channel):
    url = reverse("metrics:channel", args=[channel.pk])

    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"] == login_url(url)


def test_measuring_page_other_unit_404(client, org, channel):
    client.force_login(org.medarbetare2)

    response = client.get(reverse("metrics:channel", args=[channel.pk]))

    assert response.status_code == 404


def test_measuring_page_colleague_reads_it_without_the_form(client, org, channel, colleague):
    record_measurement(
        channel.pk, actor=org.medarbetare, metric=Metric.FOLLOWERS, on=datetime.date(2027, 3, 1), value=Decimal(1500)
    )
    client.force_login(colleague)

    response = client.get(reverse("metrics:channel", args=[channel.pk]))

    assert response.status_code == 200
    document = page(response)
    assert document.find_all("form", action=reverse("metrics:record", args=[channel.pk])) == []
    assert document.find_all("a", href=reverse("metrics:import_start", args=[channel.pk])) == []
    assert len(table_rows(section(document, "measurements-heading"))) == 1


def test_measuring_page_owner_sees_goal_progress_chart_and_the_form(client, org, channel):
    for day, value in [(datetime.date(2027, 1, 1), 1200), (datetime.date(2027, 3, 1), 1500)]:
        record_measurement(channel.pk, actor=org.medarbetare, metric=Metric.FOLLOWERS, on=day, value=Decimal(value))
    client.force_login(org.medarbetare)

    response = client.get(reverse("metrics:channel", args=[channel.pk]))

    assert response.status_code == 200
    (goal,) = response.context["goals"]
    assert (goal["baseline"], goal["latest"], goal["target"], goal["share"]) == (
        "1\xa0000",
        "1\xa0500",
        "2\xa0000",
        "50",
    )
    goals = section(page(response), "goals-heading")
    status = goals.find("span", class_="status")
    assert status.attrs["class"] == f"status {goal['status_class']}"
    assert goal["progress"].reason in goals.text()
    chart = goals.find("figure", class_="chart")
    assert len(chart.find("table").find("tbody").find_all("tr")) == 2
    # The table's foot: the target and the projection to the deadline.
    assert len(chart.find("tfoot").find_all("tr")) == 2
    form = page(response).find("form", action=reverse("metrics:record", args=[channel.pk]))
    metrics = [option.attrs["value"] for option in form.find("select", name="metric").find_all("option")]
    assert Metric.POSTS.value not in metrics
    assert metrics[0] == Metric.FOLLOWERS.value


def test_measuring_page_without_an_approved_plan_says_so(client, org):
    channel = measured_channel(org, since=SINCE)
    update_with_history(channel.plans.all(), status="ersatt")
    client.force_login(org.medarbetare)

    response = client.get(reverse("metrics:channel", args=[channel.pk]))

    assert response.status_code == 200
    assert response.context["goals"] == []
    text = section(page(response), "goals-heading").text()
    assert swedish("The channel has no approved plan, so there are no goals to follow up.") in text


def test_measuring_page_rhythm_counts_posts_per_week_against_a_monthly_rhythm(client, org):
    from channel_register.domain.updates import log_update

    channel = measured_channel(org, since=SINCE, update_count=8, update_period="manad")
    log_update(channel, org.medarbetare, published_on=datetime.date(2027, 3, 10), note="Ett")
    log_update(channel, org.medarbetare, published_on=datetime.date(2027, 3, 12), note="Två")
    client.force_login(org.medarbetare)

    response = client.get(reverse("metrics:channel", args=[channel.pk]))

    chart = section(page(response), "posts-heading").find("figure")
    rows = chart.find("tbody").find_all("tr")
    assert len(rows) == 12
    # The last complete week (Monday 8 March 2027) holds both posts; 8 a month is 1.84 a week.
    assert [cell.text() for cell in rows[-1].find_all("td")] == ["2", swedish("Yes")]
    assert [cell.text() for cell in rows[0].find_all("td")] == ["0", swedish("No")]


def test_channel_page_links_to_the_measuring_page(client, org, channel):
    client.force_login(org.medarbetare)

    response = client.get(reverse("channel_register:detail", args=[channel.pk]))

    links = page(response).find("nav", aria_labelledby="page-links-heading")
    assert [a.attrs["href"] for a in links.find_all("a")] == [reverse("metrics:channel", args=[channel.pk])]


# --- Entering a value -----------------------------------------------------------------------------


def test_record_anonymous_redirected_to_login_and_nothing_stored(client, channel):
    url = reverse("metrics:record", args=[channel.pk])

    response = client.post(url, entry())

    assert response.status_code == 302
    assert response["Location"] == login_url(url)
    assert stored() == []


def test_record_other_unit_404_and_nothing_stored(client, org, channel):
    client.force_login(org.medarbetare2)

    response = client.post(reverse("metrics:record", args=[channel.pk]), entry())

    assert response.status_code == 404
    assert stored() == []


def test_record_colleague_403_and_nothing_stored(client, channel, colleague):
    client.force_login(colleague)

    response = client.post(reverse("metrics:record", args=[channel.pk]), entry())

    assert response.status_code == 403
    assert stored() == []


def test_record_owner_stores_the_value_and_says_so(client, org, channel):
    client.force_login(org.medarbetare)

    response = client.post(reverse("metrics:record", args=[channel.pk]), entry(), follow=True)

    assert response.redirect_chain == [(reverse("metrics:channel", args=[channel.pk]) + "#record-heading", 302)]
    assert stored() == [(Metric.FOLLOWERS, Period.DAY, datetime.date(2027, 3, 1), Decimal("1250"), Source.MANUAL)]
    assert [str(message) for message in response.context["messages"]] == [swedish("The value was saved.")]


def test_record_count_for_a_week_is_stored_from_its_monday(client, org, channel):
    client.force_login(org.medarbetare)

    response = client.post(
        reverse("metrics:record", args=[channel.pk]),
        entry(metric=Metric.VISITS, on="2027-03-10", value="412,5", period=Period.WEEK),
    )

    assert response.status_code == 302
    assert stored() == [(Metric.VISITS, Period.WEEK, datetime.date(2027, 3, 8), Decimal("412.5"), Source.MANUAL)]


def test_record_refused_value_400_with_the_message_at_the_field_and_nothing_lost(client, org, channel):
    client.force_login(org.medarbetare)

    response = client.post(reverse("metrics:record", args=[channel.pk]), entry(on="2025-06-01"))

    assert response.status_code == 400
    form = response.context["form"]
    assert list(form.errors) == ["value"]
    document = page(response)
    assert document.find("input", name="on").attrs["value"] == "2025-06-01"
    assert document.find("input", name="value").attrs["value"] == "1 250"
    assert stored() == []


def test_record_different_value_asks_to_confirm_and_replaces_only_when_ticked(client, org, channel):
    record_measurement(
        channel.pk, actor=org.medarbetare, metric=Metric.FOLLOWERS, on=datetime.date(2027, 3, 1), value=Decimal(1200)
    )
    client.force_login(org.medarbetare)
    url = reverse("metrics:record", args=[channel.pk])

    asked = client.post(url, entry(value="1300"))
    form = page(asked).find("form", action=url)
    replaces = form.find("input", name="replaces").attrs["value"]
    again = client.post(url, entry(value="1300", replaces=replaces))
    replaced = client.post(url, entry(value="1300", replaces=replaces, confirm="on"))

    assert asked.status_code == 409
    assert page(asked).find(id="replace-question").find("dl").find_all("dd")[0].text() == "1\xa0200"
    assert form.find("input", name="confirm").attrs["type"] == "checkbox"
    assert again.status_code == 409
    assert replaced.status_code == 302
    measurement = Measurement.objects.get()
    assert (measurement.value, measurement.history.count()) == (Decimal("1300"), 2)


# --- Starting an import ---------------------------------------------------------------------------


def test_import_start_anonymous_redirected_to_login(client, channel):
    url = reverse("metrics:import_start", args=[channel.pk])

    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"] == login_url(url)


def test_import_start_other_unit_404_and_nothing_imported(client, org, channel):
    client.force_login(org.medarbetare2)

    response = client.post(reverse("metrics:import_start", args=[channel.pk]), {"file": upload()})

    assert response.status_code == 404
    assert MeasurementImport.objects.count() == 0


def test_import_start_colleague_403_and_nothing_imported(client, channel, colleague):
    client.force_login(colleague)
    url = reverse("metrics:import_start", args=[channel.pk])

    shown = client.get(url)
    posted = client.post(url, {"file": upload()})

    assert (shown.status_code, posted.status_code) == (403, 403)
    assert MeasurementImport.objects.count() == 0


def test_import_start_owner_gets_the_form_with_the_formats(client, org, channel):
    client.force_login(org.medarbetare)

    response = client.get(reverse("metrics:import_start", args=[channel.pk]))

    assert response.status_code == 200
    document = page(response)
    assert document.find("input", name="file").attrs["accept"] == ".csv,text/csv"
    assert len(section(document, "formats-heading").find_all("h3")) == 3


def test_import_start_owner_uploads_and_the_check_runs(
    client, org, channel, eager_celery, django_capture_on_commit_callbacks
):
    client.force_login(org.medarbetare)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("metrics:import_start", args=[channel.pk]), {"file": upload()})

    batch = MeasurementImport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("metrics:import_detail", args=[batch.pk])
    assert (batch.status, batch.rows, batch.created, batch.uploaded_by) == (ImportStatus.CHECKED, 2, 2, org.medarbetare)
    assert stored() == []


def test_import_start_file_of_no_known_format_400_with_the_message_at_the_field(client, org, channel):
    client.force_login(org.medarbetare)

    response = client.post(reverse("metrics:import_start", args=[channel.pk]), {"file": upload(b"a;b;c\n1;2;3\n")})

    assert response.status_code == 400
    assert list(response.context["form"].errors) == ["file"]
    assert MeasurementImport.objects.count() == 0


# --- An import's page -----------------------------------------------------------------------------


def test_import_detail_anonymous_redirected_to_login(client, org, channel):
    batch = checked_import(channel, org.medarbetare)
    url = reverse("metrics:import_detail", args=[batch.pk])

    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"] == login_url(url)


@pytest.mark.parametrize("name", ["metrics:import_detail", "metrics:import_status"])
def test_import_detail_other_unit_404(client, org, channel, name):
    batch = checked_import(channel, org.medarbetare)
    client.force_login(org.medarbetare2)

    response = client.get(reverse(name, args=[batch.pk]))

    assert response.status_code == 404


def test_import_detail_being_checked_polls_and_links_to_refresh(client, org, channel):
    batch = imports.start_import(channel.pk, actor=org.medarbetare, upload=upload())
    MeasurementImport.objects.filter(pk=batch.pk).update(rows_done=1000)
    client.force_login(org.medarbetare)
    url = reverse("metrics:import_detail", args=[batch.pk])

    response = client.get(url)
    polled = client.get(reverse("metrics:import_status", args=[batch.pk]), headers={"HX-Request": "true"})

    document = page(response)
    poller = document.find(id="import-progress")
    assert poller.attrs["data-hx-get"] == reverse("metrics:import_status", args=[batch.pk])
    assert poller.attrs["data-hx-trigger"] == "every 1s"
    assert len(poller.find_all("progress")) == 1
    assert "1000" in poller.text()
    assert len(document.find_all("a", href=url)) == 1
    assert polled.status_code == 200
    assert [template.name for template in polled.templates] == ["metrics/includes/import_progress.html"]


def test_import_status_once_checked_redirects_the_poll_to_the_page(client, org, channel):
    batch = checked_import(channel, org.medarbetare)
    client.force_login(org.medarbetare)

    polled = client.get(reverse("metrics:import_status", args=[batch.pk]), headers={"HX-Request": "true"})
    plain = client.get(reverse("metrics:import_status", args=[batch.pk]))

    detail = reverse("metrics:import_detail", args=[batch.pk])
    assert (polled.status_code, polled["HX-Redirect"]) == (204, detail)
    assert (plain.status_code, plain["Location"]) == (302, detail)


def test_import_detail_checked_shows_the_preview_with_corrections_and_an_earlier_import(client, org, channel):
    first = checked_import(channel, org.medarbetare)
    imports.confirm_import(first.pk, actor=org.medarbetare, expected_revision=first.revision)
    imports.save_import(first.pk)
    # arrange: stored differs from the file's 1 500 by less than the rounding of a chart label
    update_with_history(Measurement.objects.filter(on=datetime.date(2027, 3, 1)), value=Decimal("1499.6"))
    batch = checked_import(channel, org.medarbetare)
    client.force_login(org.medarbetare)

    response = client.get(reverse("metrics:import_detail", args=[batch.pk]))

    assert response.status_code == 200
    preview = section(page(response), "preview-heading")
    (row,) = table_rows(preview)
    assert [cell.text() for cell in row.find_all("td")] == [swedish("Followers"), "1\xa0499,6", "1\xa0500"]
    assert response.context["earlier"] == first
    assert preview.find("form", action=reverse("metrics:import_confirm", args=[batch.pk])).find(
        "input", name="revision"
    ).attrs["value"] == str(batch.revision)
    assert len(preview.find_all("form", action=reverse("metrics:import_cancel", args=[batch.pk]))) == 1


def test_import_detail_colleague_reads_the_preview_without_the_buttons(client, org, channel, colleague):
    batch = checked_import(channel, org.medarbetare)
    client.force_login(colleague)

    response = client.get(reverse("metrics:import_detail", args=[batch.pk]))

    assert response.status_code == 200
    assert page(response).find_all("form", action=reverse("metrics:import_confirm", args=[batch.pk])) == []


def test_import_detail_refused_lists_the_errors_and_says_nothing_was_saved(client, org, channel):
    batch = checked_import(channel, org.medarbetare, "datum;mått;värde\n2027-03-01;Följare;-5\n".encode())
    client.force_login(org.medarbetare)

    response = client.get(reverse("metrics:import_detail", args=[batch.pk]))

    refused = section(page(response), "refused-heading")
    assert refused.find("h2").text() == swedish("Nothing has been saved")
    (row,) = table_rows(refused)
    assert row.find("th").text() == "2"
    assert batch.status == ImportStatus.REFUSED


# --- Confirming and cancelling --------------------------------------------------------------------


def test_import_confirm_anonymous_redirected_and_nothing_saved(client, org, channel):
    batch = checked_import(channel, org.medarbetare)
    url = reverse("metrics:import_confirm", args=[batch.pk])

    response = client.post(url, {"revision": batch.revision})

    assert (response.status_code, response["Location"]) == (302, login_url(url))
    assert MeasurementImport.objects.get().status == ImportStatus.CHECKED


def test_import_confirm_other_unit_404_and_nothing_saved(client, org, channel):
    batch = checked_import(channel, org.medarbetare)
    client.force_login(org.medarbetare2)

    response = client.post(reverse("metrics:import_confirm", args=[batch.pk]), {"revision": batch.revision})

    assert response.status_code == 404
    assert MeasurementImport.objects.get().status == ImportStatus.CHECKED


def test_import_confirm_colleague_403_and_nothing_saved(client, org, channel, colleague):
    batch = checked_import(channel, org.medarbetare)
    client.force_login(colleague)

    confirmed = client.post(reverse("metrics:import_confirm", args=[batch.pk]), {"revision": batch.revision})
    cancelled = client.post(reverse("metrics:import_cancel", args=[batch.pk]))

    assert (confirmed.status_code, cancelled.status_code) == (403, 403)
    assert MeasurementImport.objects.get().status == ImportStatus.CHECKED


def test_import_confirm_owner_saves_the_values(client, org, channel, eager_celery, django_capture_on_commit_callbacks):
    batch = checked_import(channel, org.medarbetare)
    client.force_login(org.medarbetare)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("metrics:import_confirm", args=[batch.pk]), {"revision": batch.revision})
    done = client.get(reverse("metrics:import_detail", args=[batch.pk]))

    assert response.status_code == 302
    assert MeasurementImport.objects.get().status == ImportStatus.DONE
    assert [value for *_key, value, _source in stored()] == [Decimal(1500), Decimal(1600)]
    assert section(page(done), "done-heading").find("h2").text() == swedish("The values are saved")


def test_import_confirm_stale_revision_409_and_nothing_saved(client, org, channel):
    batch = checked_import(channel, org.medarbetare)
    client.force_login(org.medarbetare)

    response = client.post(reverse("metrics:import_confirm", args=[batch.pk]), {"revision": batch.revision + 1})

    assert response.status_code == 409
    assert MeasurementImport.objects.get().status == ImportStatus.CHECKED
    assert stored() == []


def test_import_cancel_owner_cancels_and_a_second_cancel_is_409(client, org, channel):
    batch = checked_import(channel, org.medarbetare)
    client.force_login(org.medarbetare)
    url = reverse("metrics:import_cancel", args=[batch.pk])

    first = client.post(url)
    second = client.post(url)
    shown = client.get(reverse("metrics:import_detail", args=[batch.pk]))

    assert (first.status_code, second.status_code) == (302, 409)
    assert MeasurementImport.objects.get().status == ImportStatus.CANCELLED
    assert section(page(shown), "cancelled-heading").find("h2").text() == swedish("The import was cancelled")
    assert stored() == []


@pytest.mark.parametrize("name", ["metrics:channel", "metrics:import_start"])
def test_measuring_pages_title_names_the_page_and_the_channel_only(client, org, channel, name):
    client.force_login(org.medarbetare)

    response = client.get(reverse(name, args=[channel.pk]))

    title = page(response).find_all("title")[0].text()  # the first: the head's (charts have their own)
    assert title.count(str(channel)) == 1
    assert "<" not in title
    assert len(title) < 150
