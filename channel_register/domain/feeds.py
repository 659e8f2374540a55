"""Reading channel feeds: the posts a channel publishes in its RSS or Atom feed become entries
of its update log, so the update-rhythm check counts them like updates logged by hand.

The rules:

- Only active channels with a feed address are read (`channels_with_feeds`).
- A post is known by the entry's id, else its link, else its title and date; the SHA-256 of that
  is its `entry_key`, unique per channel, so a post is counted once however often the feed is
  read, and `new_entries` counts only posts not seen before.
- Reading is conditional: the ETag and Last-Modified of the last successful read go back to the
  server, and 304 Not Modified means nothing new. A new feed address starts afresh.
- Every read is recorded on the channel's ChannelFeed: `checked_at` always; `succeeded_at` and an
  empty `error` on success; the reason, in words for people, on failure (the channel page shows
  it). A broken feed never stops the others.
- The fetching itself (public addresses only, time and size limits) is channel_register.fetch.
"""

import calendar
import datetime
import hashlib
import html
import io
import logging
from dataclasses import dataclass

import feedparser
from django.db import transaction
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.translation import gettext as _

from ..enums import ChannelStatus, UpdateSource
from ..fetch import Fetched, FetchError, fetch
from ..models import Channel, ChannelFeed, ChannelUpdate

logger = logging.getLogger(__name__)

NOTE_LENGTH = ChannelUpdate._meta.get_field("note").max_length
LINK_LENGTH = ChannelUpdate._meta.get_field("link").max_length
KEY_BATCH = 500


class FeedInvalid(Exception):
    """The answer was fetched but is not a readable RSS or Atom feed."""


@dataclass(frozen=True)
class FeedResult:
    new_entries: int
    error: str = ""


@dataclass(frozen=True)
class _Entry:
    key: str
    published_at: datetime.datetime
    link: str
    note: str


def channels_with_feeds():
    """The channels the scheduled job reads: active ones with a feed address."""
    return Channel.objects.filter(status=ChannelStatus.AKTIV).exclude(feed_url="").order_by("pk")


def read_channel_feed(channel: Channel) -> FeedResult:
    """Read `channel`'s feed once and log the posts not seen before (see the module's rules).

    A fetch or feed error is recorded on the ChannelFeed and returned, not raised. Anything
    else (a bug, the database) is recorded as an unexpected error and raised, so that the task
    shows as failed."""
    state, _created = ChannelFeed.objects.get_or_create(channel=channel, defaults={"url": channel.feed_url})
    try:
        return _read(channel, state)
    except (FetchError, FeedInvalid) as exc:
        logger.info("Feed of channel %s not read: %s", channel.pk, exc)
        return _record_failure(channel, str(exc))
    except Exception:
        logger.exception("Feed of channel %s: unexpected error", channel.pk)
        _record_failure(channel, _("The feed could not be read because of an unexpected error."))
        raise


def _read(channel: Channel, state: ChannelFeed) -> FeedResult:
    # The ETag and Last-Modified belong to the address they came from.
    same_address = state.url == channel.feed_url
    # The network is read outside any transaction: a slow server must not hold a database
    # transaction open for the whole timeout.
    fetched = fetch(
        channel.feed_url,
        etag=state.etag if same_address else "",
        last_modified=state.last_modified if same_address else "",
    )
    entries = [] if fetched.not_modified else _parse(fetched)
    with transaction.atomic():
        # The row lock makes two reads of the same channel (a retry beside a late duplicate)
        # take turns, so the second finds the first one's posts and counts none of them.
        state = ChannelFeed.objects.select_for_update().get(pk=state.pk)
        new_entries = _store_new(channel, entries)
        state.url = channel.feed_url
        state.checked_at = state.succeeded_at = timezone.now()
        state.new_entries = new_entries
        state.error = ""
        state.etag = _fits(fetched.etag, ChannelFeed, "etag")
        state.last_modified = _fits(fetched.last_modified, ChannelFeed, "last_modified")
        state.save(update_fields=["url", "checked_at", "succeeded_at", "new_entries", "error", "etag", "last_modified"])
    return FeedResult(new_entries=new_entries)


def read_all_feeds() -> dict:
    """Read every feed in turn (the synchronous form of the scheduled job, for run_job). A feed
    that fails is recorded and counted, and the next one is read all the same."""
    counts = {"feeds": 0, "new_entries": 0, "errors": 0}
    for channel in list(channels_with_feeds()):
        counts["feeds"] += 1
        try:
            result = read_channel_feed(channel)
        except Exception:
            # Already logged and recorded by read_channel_feed; one channel's failure must not
            # stop the others.
            counts["errors"] += 1
            continue
        counts["new_entries"] += result.new_entries
        counts["errors"] += bool(result.error)
    return counts


def _record_failure(channel: Channel, error: str) -> FeedResult:
    """The failed read on the channel's ChannelFeed. The address is updated, and a new address
    drops the old ETag and Last-Modified, which belong to the old one."""
    with transaction.atomic():
        state = ChannelFeed.objects.select_for_update().get(channel=channel)
        if state.url != channel.feed_url:
            state.url = channel.feed_url
            state.etag = state.last_modified = ""
        state.checked_at = timezone.now()
        state.new_entries = 0
        state.error = error
        state.save(update_fields=["url", "etag", "last_modified", "checked_at", "new_entries", "error"])
    return FeedResult(new_entries=0, error=error)


def _fits(value: str, model, field: str) -> str:
    """A validator too long for its column is dropped, not cut: a cut one never matches and
    would only cost the server a comparison."""
    return value if len(value) <= model._meta.get_field(field).max_length else ""


# --- Parsing ---------------------------------------------------------------------------------


def _parse(fetched: Fetched) -> list[_Entry]:
    """The entries of the feed, one per post, in feed order.

    A document with no entries that feedparser found malformed, or that is no feed at all
    (no RSS/Atom version), is an error; a well-formed feed with no entries is not."""
    not_a_feed = FeedInvalid(_("The answer from the feed address is not a readable RSS or Atom feed."))
    try:
        # A stream, never bytes: feedparser treats bytes or a str as a file *name* first, so a
        # server answering "/etc/passwd" would make it read a local file.
        parsed = feedparser.parse(
            io.BytesIO(fetched.body),
            response_headers={"content-location": fetched.url, "content-type": fetched.content_type},
        )
    except Exception as exc:  # feedparser reports bad input as `bozo`; raising is a crash on odd input
        raise not_a_feed from exc
    if not parsed.entries and (parsed.bozo or not parsed.get("version")):
        raise not_a_feed
    now = timezone.now()
    entries = {}
    for item in parsed.entries:
        entry = _entry(item, now)
        entries.setdefault(entry.key, entry)  # a feed listing a post twice counts it once
    return list(entries.values())


def _entry(item, now: datetime.datetime) -> _Entry:
    title = _text(item, "title")
    published = item.get("published") or item.get("updated") or ""
    identity = (item.get("id") or "").strip() or (item.get("link") or "").strip()
    if not identity:
        identity = hashlib.sha256(f"{title}\n{published}".encode()).hexdigest()
    return _Entry(
        key=hashlib.sha256(identity.encode()).hexdigest(),
        published_at=_published_at(item, now),
        link=_safe_link(item.get("link") or ""),
        note=title if len(title) <= NOTE_LENGTH else title[: NOTE_LENGTH - 1] + "…",
    )


def _text(item, field: str) -> str:
    """A text field as plain text on one line (Atom allows HTML in titles)."""
    value = item.get(field) or ""
    if "html" in (item.get(f"{field}_detail") or {}).get("type", ""):
        value = html.unescape(strip_tags(value))
    return " ".join(value.split())


def _published_at(item, now: datetime.datetime) -> datetime.datetime:
    """When the post was published (UTC), else when it was read. A date in the future is taken
    as now: a post cannot have been published after it was read, and a wrong clock on the
    server must not fill weeks that have not begun."""
    parsed = item.get("published_parsed") or item.get("updated_parsed")
    if not parsed:
        return now
    try:
        moment = datetime.datetime.fromtimestamp(calendar.timegm(parsed), tz=datetime.UTC)
    except (OverflowError, OSError, ValueError):
        return now
    return min(moment, now)


def _safe_link(link: str) -> str:
    """Only http(s) links are kept (the channel page shows them as links); one longer than the
    field is dropped rather than cut into a broken address."""
    link = link.strip()
    if not link.lower().startswith(("http://", "https://")) or len(link) > LINK_LENGTH:
        return ""
    return link


def _store_new(channel: Channel, entries: list[_Entry]) -> int:
    """Insert the entries whose key the channel has not logged yet; return how many."""
    keys = [entry.key for entry in entries]
    known = set()
    for start in range(0, len(keys), KEY_BATCH):
        known.update(
            ChannelUpdate.objects.filter(channel=channel, entry_key__in=keys[start : start + KEY_BATCH]).values_list(
                "entry_key", flat=True
            )
        )
    new = [
        ChannelUpdate(
            channel=channel,
            source=UpdateSource.FEED,
            entry_key=entry.key,
            published_at=entry.published_at,
            link=entry.link,
            note=entry.note,
        )
        for entry in entries
        if entry.key not in known
    ]
    # ignore_conflicts: on SQLite the row lock above is a no-op, so a simultaneous read may
    # still insert the same post first; the unique key keeps it once.
    ChannelUpdate.objects.bulk_create(new, ignore_conflicts=True, batch_size=KEY_BATCH)
    return len(new)
