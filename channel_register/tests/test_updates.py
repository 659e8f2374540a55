"""The update log and the feed address through their domain functions (channel_register.domain.updates):
who may log, delete and set; what is refused, with which message at which field, and that a
refusal changes nothing; the published time of a manual entry (noon, local time, summer or
winter); the channel's history for a new feed address and the feed state left to the reader.
"""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone, translation

from accounts.enums import Role
from accounts.tests.factories import make_user
from channel_register.domain.channels import appoint, channel_transition
from channel_register.domain.updates import delete_update, log_update, set_feed_url
from channel_register.enums import ChannelAction, ChannelStatus, UpdateSource
from channel_register.models import Channel, ChannelFeed, ChannelUpdate
from kob_social.errors import Incomplete, NotAllowed

from .channel_factories import active_channel, closing_channel, final_screenshot, planned_channel_ready, trained
from .channel_upkeep_factories import feed_entry, feed_state

pytestmark = pytest.mark.django_db

STOCKHOLM = ZoneInfo("Europe/Stockholm")
UTC = ZoneInfo("UTC")


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """The final screenshot on the way to a closed channel is written here, not under var/."""
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def people(org):
    """Besides `org`: `ovrig`, one of the channel's other people, and `kollega`, who works in
    the same unit but has no part in the channel."""
    org.ovrig = trained(make_user(Role.MEDARBETARE, unit=org.library, username="ovrig", full_name="Olle Övrig"))
    org.kollega = make_user(Role.MEDARBETARE, unit=org.library, username="kollega", full_name="Per Kollega")
    return org


def run_by_people(org, channel: Channel) -> Channel:
    """`medarbetare` owns the channel and takes its screenshots; `ovrig` is one of its others."""
    trained(org.medarbetare)
    return appoint(
        channel.pk, actor=org.chef, owner=org.medarbetare, screenshot_responsible=org.medarbetare, others=[org.ovrig]
    )


@pytest.fixture
def channel(people):
    return run_by_people(people, active_channel(people))


def channel_in(org, state: str) -> Channel:
    """A Länsbiblioteket channel in `state`, run by `medarbetare` and `ovrig` (once it may have
    people: a planned channel has none yet)."""
    if state == ChannelStatus.PLANERAD:
        return planned_channel_ready(org)
    if state in (ChannelStatus.AKTIV, ChannelStatus.PAUSAD):
        channel = run_by_people(org, active_channel(org))
        if state == ChannelStatus.PAUSAD:
            channel = channel_transition(channel.pk, ChannelAction.PAUSE, actor=org.chef)
    else:
        channel = closing_channel(org)
        channel = run_by_people(org, channel)
        if state == ChannelStatus.AVSLUTAD:
            final_screenshot(channel, org.medarbetare)
            channel_transition(channel.pk, ChannelAction.CLOSE, actor=org.chef)
    channel.refresh_from_db()
    assert channel.status == state
    return channel


def channel_row(channel: Channel) -> dict:
    return {
        "row": Channel.objects.filter(pk=channel.pk).values().get(),
        "history": Channel.history.filter(id=channel.pk).count(),
    }


# --- Logging an update ------------------------------------------------------------------------


def test_log_update_stores_manual_entry_with_who_link_and_note(org, channel):
    update = log_update(
        channel,
        org.medarbetare,
        published_on=timezone.localdate(),
        link="  https://www.facebook.com/lansbiblioteket/posts/1  ",
        note="  Författarkväll på torsdag.  ",
    )

    stored = ChannelUpdate.objects.values("channel", "source", "link", "note", "entry_key", "logged_by").get()
    assert stored == {
        "channel": channel.pk,
        "source": UpdateSource.MANUAL,
        "link": "https://www.facebook.com/lansbiblioteket/posts/1",
        "note": "Författarkväll på torsdag.",
        "entry_key": "",
        "logged_by": org.medarbetare.pk,
    }
    assert update.pk == ChannelUpdate.objects.get().pk


@pytest.mark.parametrize(
    ("day", "utc_hour"),
    [(date(2026, 1, 15), 11), (date(2026, 7, 1), 10), (date(2026, 3, 29), 10), (date(2026, 10, 25), 11)],
    ids=["winter", "summer", "summer-time-begins", "summer-time-ends"],
)
def test_log_update_published_at_local_noon_of_day(org, channel, time_machine, day, utc_hour):
    time_machine.move_to(datetime(2026, 11, 2, 9, 0, tzinfo=STOCKHOLM), tick=False)

    update = log_update(channel, org.medarbetare, published_on=day)

    update.refresh_from_db()
    assert update.published_at == datetime(day.year, day.month, day.day, 12, tzinfo=STOCKHOLM)
    assert update.published_at.astimezone(UTC).hour == utc_hour
    assert timezone.localdate(update.published_at) == day


def test_log_update_today_accepted_tomorrow_refused_at_date(org, channel, english, time_machine):
    # Half past midnight in Stockholm, still the day before in UTC: "today" is the local day.
    time_machine.move_to(datetime(2026, 11, 21, 0, 30, tzinfo=STOCKHOLM), tick=False)

    log_update(channel, org.medarbetare, published_on=date(2026, 11, 21))
    with pytest.raises(Incomplete) as refused:
        log_update(channel, org.medarbetare, published_on=date(2026, 11, 22))

    assert refused.value.errors == {"published_on": ["The date cannot be in the future."]}
    assert list(ChannelUpdate.objects.values_list("published_at__date", flat=True)) == [date(2026, 11, 21)]


def test_log_update_note_of_300_characters_accepted_301_refused(org, channel, english):
    today = timezone.localdate()

    log_update(channel, org.medarbetare, published_on=today, note="a" * 300)
    with pytest.raises(Incomplete) as refused:
        log_update(channel, org.medarbetare, published_on=today, note="b" * 301)

    assert refused.value.errors == {"note": ["The note can be at most 300 characters long."]}
    assert list(ChannelUpdate.objects.values_list("note", flat=True)) == ["a" * 300]


@pytest.mark.parametrize(
    "link",
    ["javascript:alert(1)", "ftp://example.se/fil", "data:text/html,<script>", "www.example.se", "https://"],
)
def test_log_update_link_not_web_address_refused_nothing_stored(org, channel, english, link):
    with pytest.raises(Incomplete) as refused:
        log_update(channel, org.medarbetare, published_on=timezone.localdate(), link=link)

    assert refused.value.errors == {"link": ["Enter a web address that starts with https:// or http://."]}
    assert ChannelUpdate.objects.count() == 0


def test_log_update_every_error_at_once(org, channel, english):
    tomorrow = timezone.localdate() + timedelta(days=1)

    with pytest.raises(Incomplete) as refused:
        log_update(channel, org.medarbetare, published_on=tomorrow, link="ftp://x.se", note="c" * 301)

    assert sorted(refused.value.errors) == ["link", "note", "published_on"]


@pytest.mark.parametrize("person", ["medarbetare", "ovrig", "chef", "kommunikator", "direktor", "admin"])
def test_log_update_by_channel_people_chef_and_overseers_accepted(people, channel, person):
    actor = getattr(people, person)

    log_update(channel, actor, published_on=timezone.localdate())

    assert list(ChannelUpdate.objects.values_list("logged_by", flat=True)) == [actor.pk]


@pytest.mark.parametrize("person", ["kollega", "medarbetare2", "chef2"])
def test_log_update_by_others_not_allowed_nothing_stored(people, channel, english, person):
    with pytest.raises(NotAllowed) as refused:
        log_update(channel, getattr(people, person), published_on=timezone.localdate())

    assert str(refused.value) == "Only the channel's people, its manager and the communications officer can do this."
    assert ChannelUpdate.objects.count() == 0


def test_log_update_by_deactivated_owner_not_allowed(org, channel):
    org.medarbetare.is_active = False
    org.medarbetare.save(update_fields=["is_active"])

    with pytest.raises(NotAllowed):
        log_update(channel, org.medarbetare, published_on=timezone.localdate())

    assert ChannelUpdate.objects.count() == 0


@pytest.mark.parametrize(
    ("state", "allowed"),
    [
        (ChannelStatus.PLANERAD, False),
        (ChannelStatus.AKTIV, True),
        (ChannelStatus.PAUSAD, True),
        (ChannelStatus.AVVECKLAS, False),
        (ChannelStatus.AVSLUTAD, False),
    ],
)
def test_log_update_only_while_active_or_paused(people, state, allowed):
    channel = channel_in(people, state)

    try:
        log_update(channel, people.chef, published_on=timezone.localdate())
    except NotAllowed:
        refused = True
    else:
        refused = False

    assert (refused, ChannelUpdate.objects.count()) == (not allowed, 1 if allowed else 0)


# --- Deleting a wrongly logged entry ------------------------------------------------------------


@pytest.mark.parametrize("person", ["medarbetare", "chef"])
def test_delete_update_by_who_logged_it_or_chef_deletes(org, channel, person):
    update = log_update(channel, org.medarbetare, published_on=timezone.localdate())
    kept = log_update(channel, org.chef, published_on=timezone.localdate(), note="Står kvar.")

    deleted = delete_update(update, getattr(org, person))

    assert deleted is True
    assert list(ChannelUpdate.objects.values_list("pk", flat=True)) == [kept.pk]


@pytest.mark.parametrize("person", ["ovrig", "kollega", "kommunikator", "direktor", "admin", "chef2"])
def test_delete_update_by_anyone_else_not_allowed_entry_kept(people, channel, english, person):
    update = log_update(channel, people.medarbetare, published_on=timezone.localdate())

    with pytest.raises(NotAllowed) as refused:
        delete_update(update, getattr(people, person))

    assert str(refused.value) == "Only the person who logged the update, or the unit's manager, can delete it."
    assert list(ChannelUpdate.objects.values_list("pk", flat=True)) == [update.pk]


@pytest.mark.parametrize("person", ["medarbetare", "chef", "kommunikator"])
def test_delete_feed_entry_not_allowed_for_anyone(org, channel, person):
    entry = feed_entry(channel, timezone.now(), link="https://example.se/inlagg/1")

    with pytest.raises(NotAllowed):
        delete_update(entry, getattr(org, person))

    assert list(ChannelUpdate.objects.values_list("pk", flat=True)) == [entry.pk]


def test_delete_update_twice_second_deletes_nothing(org, channel):
    update = log_update(channel, org.medarbetare, published_on=timezone.localdate())
    stale_copy = ChannelUpdate.objects.select_related("channel__unit").get(pk=update.pk)

    first = delete_update(update, org.medarbetare)
    second = delete_update(stale_copy, org.medarbetare)

    assert (first, second, ChannelUpdate.objects.count()) == (True, False, 0)


def test_delete_update_of_channel_being_closed_not_allowed(people):
    channel = channel_in(people, ChannelStatus.AVVECKLAS)
    # Logged while the channel was active: the log of a channel being closed stays as it is.
    update = ChannelUpdate.objects.create(
        channel=channel, published_at=timezone.now(), source=UpdateSource.MANUAL, logged_by=people.medarbetare
    )

    with pytest.raises(NotAllowed):
        delete_update(update, people.medarbetare)

    assert ChannelUpdate.objects.count() == 1


# --- The feed address ---------------------------------------------------------------------------


@pytest.mark.parametrize("person", ["medarbetare", "chef", "kommunikator", "direktor", "admin"])
def test_set_feed_url_by_owner_chef_or_overseer_saved_in_history(org, channel, person, english):
    actor = getattr(org, person)
    before = channel_row(channel)

    set_feed_url(channel, actor, " https://www.youtube.com/feeds/videos.xml?channel_id=UC123 ")

    after = channel_row(channel)
    assert after["row"] == {**before["row"], "feed_url": "https://www.youtube.com/feeds/videos.xml?channel_id=UC123"}
    assert after["history"] == before["history"] + 1
    latest = Channel.history.filter(id=channel.pk).latest("history_id")
    assert (latest.feed_url, latest.history_user, latest.history_change_reason) == (
        "https://www.youtube.com/feeds/videos.xml?channel_id=UC123",
        actor,
        "Set the feed address",
    )


def test_set_feed_url_change_leaves_feed_state_of_old_address_to_reader(org, channel, english):
    set_feed_url(channel, org.medarbetare, "https://example.se/gammal.rss")
    state = feed_state(channel, checked_at=timezone.now(), error="HTTP 500", etag='"abc"')
    before = ChannelFeed.objects.values().get()

    set_feed_url(channel, org.chef, "https://example.se/ny.rss")

    assert Channel.objects.get(pk=channel.pk).feed_url == "https://example.se/ny.rss"
    assert ChannelFeed.objects.values().get() == before
    assert state.url == "https://example.se/gammal.rss"
    latest = Channel.history.filter(id=channel.pk).latest("history_id")
    assert latest.history_change_reason == "Changed the feed address"


def test_set_feed_url_empty_clears_it(org, channel, english):
    set_feed_url(channel, org.medarbetare, "https://example.se/flode.rss")

    set_feed_url(channel, org.medarbetare, "  ")

    assert Channel.objects.get(pk=channel.pk).feed_url == ""
    latest = Channel.history.filter(id=channel.pk).latest("history_id")
    assert (latest.feed_url, latest.history_change_reason) == ("", "Cleared the feed address")


def test_set_feed_url_same_address_writes_nothing(org, channel):
    set_feed_url(channel, org.medarbetare, "https://example.se/flode.rss")
    before = channel_row(channel)

    set_feed_url(channel, org.chef, "https://example.se/flode.rss")

    assert channel_row(channel) == before


@pytest.mark.parametrize(
    "url", ["ftp://example.se/flode.rss", "javascript:alert(1)", "file:///etc/passwd", "flöde", "https://"]
)
def test_set_feed_url_not_http_refused_at_field_nothing_changed(org, channel, english, url):
    before = channel_row(channel)

    with pytest.raises(Incomplete) as refused:
        set_feed_url(channel, org.medarbetare, url)

    assert refused.value.errors == {"feed_url": ["Enter a web address that starts with https:// or http://."]}
    assert channel_row(channel) == before


def test_set_feed_url_longer_than_500_refused(org, channel, english):
    url = "https://example.se/" + "a" * 482
    before = channel_row(channel)

    with pytest.raises(Incomplete) as refused:
        set_feed_url(channel, org.medarbetare, url)

    assert (len(url), refused.value.errors) == (501, {"feed_url": ["The address can be at most 500 characters long."]})
    assert channel_row(channel) == before


@pytest.mark.parametrize("person", ["ovrig", "kollega", "medarbetare2", "chef2"])
def test_set_feed_url_by_others_not_allowed_nothing_changed(people, channel, english, person):
    before = channel_row(channel)

    with pytest.raises(NotAllowed) as refused:
        set_feed_url(channel, getattr(people, person), "https://example.se/flode.rss")

    assert str(refused.value) == "Only the channel's owner, its manager and the communications officer can do this."
    assert channel_row(channel) == before


def test_set_feed_url_of_closed_channel_not_allowed(people):
    channel = channel_in(people, ChannelStatus.AVSLUTAD)
    before = channel_row(channel)

    with pytest.raises(NotAllowed):
        set_feed_url(channel, people.chef, "https://example.se/flode.rss")

    assert channel_row(channel) == before
