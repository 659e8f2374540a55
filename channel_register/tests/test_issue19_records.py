"""Issue 19, the records of a channel: each screenshot record answers whether alt texts and
captions were checked (DOS-lagen), and the channel's page shows the share; the registration
numbers of the removal log and the screenshot records follow the case system's pattern
(accounts.records.valid_case_number); and the channel carries its reference to the records
management plan (arkivlagen), set from the approved plan.

Messages are compared with the English msgid through gettext (`swedish`), so the tests pass
before and after the lead merges the Swedish catalogue.
"""

from datetime import date, timedelta

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from channel_register.domain.channels import describe_channel, log_removal, record_screenshot
from channel_register.enums import RemovalCategory
from channel_register.models import Channel, RemovalEntry, Screenshot
from kob_social.errors import Incomplete

from .channel_factories import ANSWERED, png_upload
from .channel_pages import (
    channel_fixture,  # noqa: F401 (fixture)
    form_data,
    media_fixture,  # noqa: F401 (fixture)
    swedish,
)

pytestmark = pytest.mark.django_db

ANSWER_YES_OR_NO = "Answer yes or no."
CASE_NUMBER = "Write the registration number as the Region's case system writes it, for example %(example)s."


def screenshot(channel, actor, **values) -> Screenshot:
    values = {"taken_on": timezone.localdate(), "url": "https://example.se/", "uploads": [png_upload()], **values}
    return record_screenshot(channel.pk, actor=actor, **values)


# --- Accessibility on the channel ---------------------------------------------------------------


@pytest.mark.parametrize("missing", ["alt_texts_checked", "captions_checked"])
def test_record_screenshot_without_an_accessibility_answer_incomplete(org, channel, missing):
    answers = {**ANSWERED, missing: None}

    with pytest.raises(Incomplete) as refused:
        screenshot(channel, org.medarbetare, **answers)

    assert refused.value.errors == {missing: [swedish(ANSWER_YES_OR_NO)]}
    assert Screenshot.objects.count() == 0


def test_record_screenshot_with_answers_stores_them(org, channel):
    record = screenshot(channel, org.medarbetare, alt_texts_checked=True, captions_checked=False)

    assert Screenshot.objects.filter(pk=record.pk).values_list("alt_texts_checked", "captions_checked").get() == (
        True,
        False,
    )


@pytest.mark.parametrize("missing", ["alt_texts_checked", "captions_checked"])
def test_screenshot_page_without_an_answer_refused_at_its_field(client, org, channel, missing):
    client.force_login(org.medarbetare)
    data = {**form_data("screenshot_create"), "files": png_upload()}
    del data[missing]

    response = client.post(reverse("channel_register:screenshot_create", args=[channel.pk]), data)

    assert response.status_code == 200
    assert list(response.context["form"].errors) == [missing]
    assert Screenshot.objects.count() == 0


def test_screenshot_page_answers_are_radio_buttons_none_chosen(client, org, channel):
    client.force_login(org.medarbetare)

    response = client.get(reverse("channel_register:screenshot_create", args=[channel.pk]))

    html = response.content.decode()
    assert html.count('type="radio" name="alt_texts_checked"') == 2
    assert html.count('type="radio" name="captions_checked"') == 2
    assert response.context["form"]["alt_texts_checked"].value() is None


def test_screenshot_page_with_answers_stores_them(client, org, channel):
    client.force_login(org.medarbetare)
    data = {**form_data("screenshot_create"), "files": png_upload()}

    response = client.post(reverse("channel_register:screenshot_create", args=[channel.pk]), data)

    assert response.status_code == 302
    assert list(Screenshot.objects.values_list("alt_texts_checked", "captions_checked")) == [(True, False)]


def test_channel_page_shows_the_share_of_records_that_checked_over_two_years(client, org, channel):
    today = timezone.localdate()
    screenshot(channel, org.medarbetare, alt_texts_checked=True, captions_checked=False)
    screenshot(channel, org.medarbetare, alt_texts_checked=False, captions_checked=False)
    screenshot(channel, org.medarbetare, alt_texts_checked=True, captions_checked=True)
    old = screenshot(channel, org.medarbetare, **ANSWERED)
    Screenshot.objects.filter(pk=old.pk).update(taken_on=today - timedelta(days=800))  # over two years ago
    unasked = screenshot(channel, org.medarbetare, **ANSWERED)
    Screenshot.objects.filter(pk=unasked.pk).update(alt_texts_checked=None, captions_checked=None)
    client.force_login(org.medarbetare)

    response = client.get(channel.get_absolute_url())

    assert response.context["summary"].accessibility == {"alt_texts_checked": (2, 3), "captions_checked": (1, 3)}
    assert len(response.context["accessibility_shares"]) == 2


# --- Registration numbers -----------------------------------------------------------------------


def removal(channel, actor, diarienummer: str) -> RemovalEntry:
    return log_removal(
        channel.pk,
        actor=actor,
        removed_on=date(2027, 3, 4),
        category=RemovalCategory.OFFENSIVE,
        description="Hotfull kommentar.",
        upload=png_upload("bevis.png"),
        diarienummer=diarienummer,
    )


def case_number_message() -> str:
    return swedish(CASE_NUMBER, example=settings.CASE_NUMBER_EXAMPLE)


def test_log_removal_case_number_off_the_pattern_incomplete(org, channel):
    with pytest.raises(Incomplete) as refused:
        removal(channel, org.medarbetare, "KOB-2027-0043")

    assert refused.value.errors == {"diarienummer": [case_number_message()]}
    assert RemovalEntry.objects.count() == 0


def test_log_removal_case_number_on_the_pattern_stored(org, channel):
    entry = removal(channel, org.medarbetare, "KUN2027-00043")

    assert RemovalEntry.objects.get(pk=entry.pk).diarienummer == "KUN2027-00043"


def test_record_screenshot_case_number_off_the_pattern_incomplete(org, channel):
    with pytest.raises(Incomplete) as refused:
        screenshot(channel, org.medarbetare, **ANSWERED, diarienummer="dnr 12")

    assert refused.value.errors == {"diarienummer": [case_number_message()]}


@pytest.mark.parametrize("form", ["screenshot_create", "removal_create"])
def test_page_case_number_off_the_pattern_refused_at_field_on_it_stored(client, org, channel, form):
    client.force_login(org.medarbetare)
    file_field = "files" if form == "screenshot_create" else "evidence"
    url = reverse(f"channel_register:{form}", args=[channel.pk])

    refused = client.post(url, {**form_data(form), file_field: png_upload(), "diarienummer": "KOB-2027-0043"})
    accepted = client.post(url, {**form_data(form), file_field: png_upload(), "diarienummer": "KUN2027-00043"})

    assert refused.status_code == 200
    assert refused.context["form"].errors == {"diarienummer": [case_number_message()]}
    assert accepted.status_code == 302
    model = Screenshot if form == "screenshot_create" else RemovalEntry
    assert list(model.objects.values_list("diarienummer", flat=True)) == ["KUN2027-00043"]


# --- The reference to the records management plan ------------------------------------------------


def describe(channel, **values) -> None:
    describe_channel(
        channel.pk,
        platform=channel.platform,
        name=channel.name,
        url=channel.url,
        unit=channel.unit,
        actor=None,
        **values,
    )


def test_describe_channel_sets_records_reference_in_history(org, channel):
    describe(channel, records_reference="Dokumenthanteringsplan Kultur och bildning 4.2.1")

    latest = Channel.history.filter(id=channel.pk).latest("history_id")
    assert (Channel.objects.get(pk=channel.pk).records_reference, latest.records_reference) == (
        "Dokumenthanteringsplan Kultur och bildning 4.2.1",
        "Dokumenthanteringsplan Kultur och bildning 4.2.1",
    )


def test_describe_channel_without_records_reference_leaves_it(org, channel):
    describe(channel, records_reference="DHP 4.2.1")

    describe(channel)

    assert Channel.objects.get(pk=channel.pk).records_reference == "DHP 4.2.1"


def test_channel_page_and_list_show_the_records_reference(client, org, channel):
    describe(channel, records_reference="DHP Kultur 4.2.1")
    client.force_login(org.medarbetare)

    page = client.get(channel.get_absolute_url()).content.decode()
    listed = client.get(reverse("channel_register:list")).content.decode()

    assert ("DHP Kultur 4.2.1" in page, "DHP Kultur 4.2.1" in listed) == (True, True)
