"""Reading channel feeds: the posts a channel publishes in its RSS or Atom feed become entries
of its update log, so the update-rhythm check counts them like updates logged by hand.

The rules:

- Only active channels with a feed address are read (`channels_with_feeds`).
- A post is known by its identity, whose SHA-256 is its `entry_key`, unique per channel, so a
  post is counted once however often the feed is read, and `new_entries` counts only posts not
  seen before. The identity is the entry's id (an RSS guid, an Atom id); else its link; else
  its title and date as the feed writes them; else (no id, link or date) its title and a SHA-256
  of its text (summary and content), so that two posts of one recurring title ("Veckans
  boktips") with different texts are two posts, and the same post read again is one. Two posts
  without id, link, date or text and with one title are one post: nothing tells them apart.
- Two posts that share one id (a CMS bug) are one post: the one read first is logged, the other
  never. The id is what lets a post be recognised after its title or link was edited; giving
  it up to tell such twins apart would count every edited post again.
- Posts without id, link and date that an earlier version logged under their title alone are
  re-keyed at their next read, not logged again (the first in the feed takes the old row; more
  posts of that title are history, logged as not counted like undated history below).
- When it was published: the entry's published date, else its updated date, else its created
  date. RFC 822 and ISO 8601 dates are read here: CET/CEST (and MET/MEST, MEZ/MESZ) are the
  Swedish zones, and a time without a zone is Swedish time (settings.TIME_ZONE,
  Europe/Stockholm). Dates in other forms are read by feedparser (as UTC when zoneless).
- Not counted: the entry is in the update log, marked `not_counted`, and no count of updates
  sees it (ChannelUpdate.objects.counted() is the one rule all of them use):
  - an undated entry on the feed's first read (the first successful read at its address): the
    feed's history, whose dates are unknown, must not fill the week of the reading. It is
    logged at the time of reading and marked, so that its key is known and no later read
    counts it as new. An undated entry on a later read appeared since the last read (every
    few hours), so it is logged at the time of reading and counted.
  - an entry dated more than FUTURE_GRACE after the reading (an event's date, a wrong clock):
    a post cannot have been published after it was read, and its date says nothing about when
    it was. It is logged with the feed's date and marked. A date less than FUTURE_GRACE ahead
    is a clock a little fast, and taken as the time of reading.
- What is stored is cleaned: NUL and the other control characters are removed from the note
  and the link (PostgreSQL refuses NUL in text); the note is the title as plain text on one
  line, else (Mastodon posts have no title) the beginning of the entry's text without markup,
  shortened to fit; the link is kept only when it is a real http(s) address from the feed: a
  <guid> that is no address and would be taken as one relative to the feed is not shown.
  Character references that no character has (&#xD800;), which feedparser cannot read, become
  U+FFFD, so one such entry does not make the whole feed unreadable.
- One entry never costs the others: the new entries are inserted together, and should the
  database refuse that, one at a time; the refused ones are counted on the ChannelFeed
  (`skipped_entries`, shown on the channel page), logged, and tried again at the next read.
- The encoding: when the charset of the HTTP Content-Type and the encoding of the XML
  declaration disagree, the declaration wins (servers send a default charset whatever the
  file), unless the body is not valid in it but is in the charset, or the charset is UTF-8 and
  the body valid UTF-8.
- Reading is conditional: the ETag and Last-Modified of the last successful read go back to the
  server, and 304 Not Modified means nothing new. A new feed address starts afresh.
- Every read is recorded on the channel's ChannelFeed: `checked_at` always; `succeeded_at` and an
  empty `error` on success; the reason, in words for people, on failure (the channel page shows
  it). A broken feed never stops the others.
- The fetching itself (public addresses only, time and size limits) is channel_register.fetch.
"""

import calendar
import codecs
import datetime
import hashlib
import html
import io
import logging
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

import feedparser
from django.db import DataError, IntegrityError, InternalError, transaction
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.translation import gettext as _

from ..enums import ChannelStatus, NotCounted, UpdateSource
from ..fetch import Fetched, FetchError, fetch
from ..models import Channel, ChannelFeed, ChannelUpdate

logger = logging.getLogger(__name__)

NOTE_LENGTH = ChannelUpdate._meta.get_field("note").max_length
LINK_LENGTH = ChannelUpdate._meta.get_field("link").max_length
KEY_BATCH = 500
FUTURE_GRACE = datetime.timedelta(minutes=15)


class FeedInvalid(Exception):
    """The answer was fetched but is not a readable RSS or Atom feed."""


@dataclass(frozen=True)
class FeedResult:
    new_entries: int
    error: str = ""
    skipped_entries: int = 0


@dataclass(frozen=True)
class _Entry:
    key: str
    published_at: datetime.datetime | None  # None: the feed gives no date
    link: str
    note: str
    # The key an earlier version gave a post without id, link and date: its title alone.
    old_key: str = ""


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
        first_read = state.succeeded_at is None or state.url != channel.feed_url
        now = timezone.now()
        new_entries, skipped = _store_new(channel, entries, now=now, first_read=first_read)
        state.url = channel.feed_url
        state.checked_at = state.succeeded_at = now
        state.new_entries = new_entries
        state.skipped_entries = skipped
        state.error = ""
        state.etag = _validator(fetched.etag, "etag")
        state.last_modified = _validator(fetched.last_modified, "last_modified")
        state.save(
            update_fields=[
                "url",
                "checked_at",
                "succeeded_at",
                "new_entries",
                "skipped_entries",
                "error",
                "etag",
                "last_modified",
            ]
        )
    return FeedResult(new_entries=new_entries, skipped_entries=skipped)


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
    drops the old ETag and Last-Modified and the time of the last successful read, which belong
    to the old one (so the first successful read at the new address is its first read)."""
    with transaction.atomic():
        state = ChannelFeed.objects.select_for_update().get(channel=channel)
        if state.url != channel.feed_url:
            state.url = channel.feed_url
            state.etag = state.last_modified = ""
            state.succeeded_at = None
        state.checked_at = timezone.now()
        state.new_entries = state.skipped_entries = 0
        state.error = error
        state.save(
            update_fields=[
                "url",
                "etag",
                "last_modified",
                "succeeded_at",
                "checked_at",
                "new_entries",
                "skipped_entries",
                "error",
            ]
        )
    return FeedResult(new_entries=0, error=error)


def _validator(value: str, field: str) -> str:
    """A validator too long for its column, or holding a control character, is dropped, not
    cut or cleaned: a changed one never matches and would only cost the server a comparison."""
    if len(value) > ChannelFeed._meta.get_field(field).max_length or CONTROL.search(value):
        return ""
    return value


# --- Parsing ---------------------------------------------------------------------------------

# C0 controls but tab, line feed and carriage return; DEL; and lone surrogates, which no
# database can encode.
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")
CHARACTER_REFERENCE = re.compile(rb"&#(?:([0-9]{1,12})|[xX]([0-9a-fA-F]{1,12}));")
XML_ENCODING = re.compile(rb"""^(?:\xef\xbb\xbf)?\s*<\?xml\s[^>]*?\bencoding\s*=\s*["']([A-Za-z][\w.:-]*)["']""")
CHARSET = re.compile(r""";\s*charset\s*=\s*["']?([^"';\s]+)""", re.IGNORECASE)
# Tags that end a line or a block: they become a space when markup is taken away.
BREAKING_TAG = re.compile(r"<\s*/?\s*(?:br|p|div|li|ul|ol|h[1-6]|blockquote|pre|tr|td|th|hr)\b[^>]*>", re.IGNORECASE)


def _parse(fetched: Fetched) -> list[_Entry]:
    """The entries of the feed, one per post, in feed order.

    A document with no entries that feedparser found malformed, or that is no feed at all
    (no RSS/Atom version), is an error; a well-formed feed with no entries is not."""
    not_a_feed = FeedInvalid(_("The answer from the feed address is not a readable RSS or Atom feed."))
    body = CHARACTER_REFERENCE.sub(_readable_reference, fetched.body)
    content_type = _content_type(fetched.content_type, body)
    try:
        # A stream, never bytes: feedparser treats bytes or a str as a file *name* first, so a
        # server answering "/etc/passwd" would make it read a local file.
        parsed = feedparser.parse(
            io.BytesIO(body), response_headers={"content-location": fetched.url, "content-type": content_type}
        )
    except Exception as exc:  # feedparser reports bad input as `bozo`; raising is a crash on odd input
        raise not_a_feed from exc
    if not parsed.entries and (parsed.bozo or not parsed.get("version")):
        raise not_a_feed
    made_up = _made_up_links(parsed, body, content_type)
    entries = {}
    for index, item in enumerate(parsed.entries):
        entry = _entry(item, link_is_made_up=index in made_up)
        entries.setdefault(entry.key, entry)  # a feed listing a post twice counts it once
    return list(entries.values())


def _readable_reference(match: re.Match) -> bytes:
    """A character reference to no character (a surrogate, past U+10FFFF) as U+FFFD: feedparser
    fails on the whole document when it meets one."""
    decimal, hexadecimal = match.groups()
    number = int(decimal) if decimal is not None else int(hexadecimal, 16)
    if 0xD800 <= number <= 0xDFFF or number > 0x10FFFF:
        return b"&#xFFFD;"
    return match.group(0)


def _content_type(content_type: str, body: bytes) -> str:
    """The Content-Type to give feedparser: the server's, but with the XML declaration's
    encoding when the two disagree, unless the body is not valid in the declared one and is in
    the server's, or the server says UTF-8 and the body is valid UTF-8. (A declaration read as
    ASCII that names UTF-16 or UTF-32 is wrong on its face.)"""
    declared = XML_ENCODING.match(body[:1024])
    charset = CHARSET.search(content_type)
    if not declared or not charset:
        return content_type
    try:
        in_file = codecs.lookup(declared.group(1).decode("ascii")).name
        in_header = codecs.lookup(charset.group(1)).name
    except LookupError:
        return content_type
    if in_file == in_header or in_file.startswith(("utf-16", "utf-32")):
        return content_type
    if in_header == "utf-8" and _decodes(body, "utf-8"):
        # A body that is valid UTF-8 is hardly ever so by accident: the server is right.
        return content_type
    if not _decodes(body, in_file) and _decodes(body, in_header):
        return content_type
    return f"{content_type[: charset.start()]}; charset={in_file}{content_type[charset.end() :]}"


def _decodes(body: bytes, encoding: str) -> bool:
    try:
        body.decode(encoding)
    except UnicodeDecodeError:
        return False
    return True


def _made_up_links(parsed, body: bytes, content_type: str) -> set[int]:
    """The positions of the entries whose link feedparser made up: an id (a <guid> without
    isPermaLink="false", an Atom id) taken as the link of an entry without one, when the id is
    no absolute http(s) address and became one only relative to the feed's address.

    feedparser resolves that id against the feed's address too, so the feed is read again
    without it, only when some entry's link came from its id."""
    suspects = [
        index
        for index, item in enumerate(parsed.entries)
        # A link element of its own would be in `links`.
        if item.get("guidislink") and item.get("link") and not item.get("links")
    ]
    if not suspects:
        return set()
    try:
        unresolved = feedparser.parse(io.BytesIO(body), response_headers={"content-type": content_type}).entries
    except Exception:  # read the first time, so not expected; then no link from an id is shown
        return set(suspects)
    if len(unresolved) != len(parsed.entries):
        return set(suspects)
    return {index for index in suspects if not _safe_link(unresolved[index].get("id") or "")}


def _entry(item, *, link_is_made_up: bool = False) -> _Entry:
    title = _text(item, "title")
    dated = item.get("published") or item.get("updated") or ""
    identity = (item.get("id") or "").strip() or (item.get("link") or "").strip()
    old_key = ""
    if not identity and dated:
        identity = _sha256(f"{title}\n{dated}")
    elif not identity:
        identity = _sha256(f"{title}\n\n{_sha256(_raw_text(item))}")
        old_key = _sha256(_sha256(f"{title}\n"))
    return _Entry(
        key=_sha256(identity),
        published_at=_published_at(item),
        link="" if link_is_made_up else _safe_link(item.get("link") or ""),
        note=_note(title, item),
        old_key=old_key,
    )


def _sha256(text: str) -> str:
    # surrogatepass: a lone surrogate (none should be left) must not make a post unreadable.
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def _text(item, field: str) -> str:
    """A text field as plain text on one line (Atom allows HTML in titles). Part of the key of a
    post without id and link: kept as it was, so that such posts keep their keys."""
    value = item.get(field) or ""
    if "html" in (item.get(f"{field}_detail") or {}).get("type", ""):
        value = html.unescape(strip_tags(value))
    return " ".join(value.split())


def _raw_text(item) -> str:
    """The entry's summary and content as the feed gives them: what tells apart two posts
    without id, link and date."""
    parts = [item.get("summary") or ""]
    parts.extend(content.get("value") or "" for content in item.get("content") or [])
    return "\n".join(parts)


def _note(title: str, item) -> str:
    """The title, else the beginning of the entry's text (a Mastodon post has no title), as
    plain text on one line without control characters, shortened to fit the note."""
    note = _one_line(title)
    if not note:
        detail = item.get("summary_detail") or {}
        text, kind = item.get("summary") or "", detail.get("type", "")
        if not text.strip() and item.get("content"):
            text, kind = item.content[0].get("value") or "", item.content[0].get("type", "")
        if "html" in kind:
            text = html.unescape(strip_tags(BREAKING_TAG.sub(" ", text)))
        note = _one_line(text)
    return _shorten(note, NOTE_LENGTH)


def _one_line(text: str) -> str:
    return " ".join(CONTROL.sub("", text).split())


def _shorten(text: str, length: int) -> str:
    """`text` cut to `length` characters with an ellipsis, at a space where one is near the end."""
    if len(text) <= length:
        return text
    cut = text[: length - 1]
    space = cut.rfind(" ")
    if space >= length * 3 // 4:
        cut = cut[:space]
    return cut.rstrip() + "…"


def _published_at(item) -> datetime.datetime | None:
    """When the post was published (UTC): its published date, else updated, else created, each
    read by `_moment`, or as feedparser read it when `_moment` cannot; None without any."""
    for field in ("published", "updated", "created"):
        text = item.get(field)
        if not text:
            continue
        moment = _moment(text) or _from_feedparser(item.get(f"{field}_parsed"))
        if moment is not None:
            return moment
    return None


def _from_feedparser(parsed) -> datetime.datetime | None:
    if not parsed:
        return None
    try:
        return datetime.datetime.fromtimestamp(calendar.timegm(parsed), tz=datetime.UTC)
    except (OverflowError, OSError, ValueError):
        return None


# Zone names and their offsets from UTC in minutes: the universal ones and those of Swedish (and
# neighbouring) publishers. feedparser knows the North American ones; it reads all the others
# as UTC, which is why these are read here.
ZONES = {
    "ut": 0,
    "utc": 0,
    "gmt": 0,
    "z": 0,
    "wet": 0,
    "west": 60,
    "bst": 60,
    "cet": 60,
    "met": 60,
    "mez": 60,
    "cest": 120,
    "mest": 120,
    "mesz": 120,
    "cedt": 120,
    "eet": 120,
    "eest": 180,
}
# English month names, and the Swedish ones that begin otherwise.
MONTHS = {"jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "maj": 5, "jun": 6, "jul": 7, "aug": 8, "sep": 9}
MONTHS |= {"oct": 10, "okt": 10, "nov": 11, "dec": 12}
ISO_DATE = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,]\d+)?)?)?"
    r"\s*(?:([Zz])|([+-])(\d{2}):?(\d{2}))?"
)
RFC822_DATE = re.compile(
    r"(?:[^\W\d_]+\.?,?\s*)?(\d{1,2})\s+([^\W\d_]+)\.?,?\s+(\d{4}|\d{2}),?"
    r"(?:\s+(\d{1,2}):(\d{2})(?::(\d{2}))?)?"
    r"(?:\s*(?:([+-])(\d{2}):?(\d{2})|([A-Za-z]+)))?"
)


def _moment(text: str) -> datetime.datetime | None:
    """An RFC 822 (RSS) or ISO 8601 (Atom) date as an aware UTC datetime; a time without a zone
    is Swedish time. None for another form, or a zone name not in ZONES."""
    text = text.strip()
    if match := ISO_DATE.fullmatch(text):
        year, month, day, hour, minute, second, utc, sign, zone_hours, zone_minutes = match.groups()
        offset = 0 if utc else None
    elif match := RFC822_DATE.fullmatch(text):
        day, month_name, year, hour, minute, second, sign, zone_hours, zone_minutes, zone = match.groups()
        month = MONTHS.get(month_name[:3].lower())
        if month is None:
            return None
        if len(year) == 2:  # as feedparser: 90–99 are the 1990s, the others this century
            year = int(year) + (1900 if int(year) >= 90 else 2000)
        offset = None
        if zone:
            offset = ZONES.get(zone.lower())
            if offset is None:
                return None
    else:
        return None
    if sign:
        offset = (int(zone_hours) * 60 + int(zone_minutes)) * (-1 if sign == "-" else 1)
    try:
        wall = datetime.datetime(int(year), int(month), int(day), int(hour or 0), int(minute or 0), int(second or 0))
        if offset is None:
            moment = timezone.make_aware(wall, timezone.get_default_timezone())
        else:
            moment = wall.replace(tzinfo=datetime.timezone(datetime.timedelta(minutes=offset)))
        return moment.astimezone(datetime.UTC)
    except (OverflowError, ValueError):
        return None


def _safe_link(link: str) -> str:
    """Only http(s) addresses with a host are kept (the channel page shows them as links); one
    with a space or a control character is no address, and one longer than the field is
    dropped rather than cut into a broken address."""
    link = link.strip()
    if len(link) > LINK_LENGTH or CONTROL.search(link) or any(char.isspace() for char in link):
        return ""
    try:
        parts = urlsplit(link)
        host = parts.hostname
    except ValueError:
        return ""
    if parts.scheme.lower() not in ("http", "https") or not host:
        return ""
    return link


# --- Storing ---------------------------------------------------------------------------------


def _store_new(channel: Channel, entries: list[_Entry], *, now: datetime.datetime, first_read: bool) -> tuple[int, int]:
    """Insert the entries whose key the channel has not logged yet, dated and marked by the
    module's rules; return how many were logged and how many the database refused."""
    keys = [entry.key for entry in entries] + [entry.old_key for entry in entries if entry.old_key]
    known = set()
    for start in range(0, len(keys), KEY_BATCH):
        known.update(
            ChannelUpdate.objects.filter(channel=channel, entry_key__in=keys[start : start + KEY_BATCH]).values_list(
                "entry_key", flat=True
            )
        )
    rekeyed = set()
    new = []
    for entry in entries:
        if entry.key in known:
            continue
        published_at, not_counted = _when(entry, now=now, first_read=first_read)
        if entry.old_key in known:
            if entry.old_key not in rekeyed:
                # The row logged under the old key is this post's: it takes the new key.
                ChannelUpdate.objects.filter(channel=channel, entry_key=entry.old_key).update(entry_key=entry.key)
                rekeyed.add(entry.old_key)
                continue
            # Another post of that title, which the old key had taken for the same one: history.
            published_at, not_counted = now, NotCounted.UNDATED
        new.append(
            ChannelUpdate(
                channel=channel,
                source=UpdateSource.FEED,
                entry_key=entry.key,
                published_at=published_at,
                link=entry.link,
                note=entry.note,
                not_counted=not_counted,
            )
        )
    refused = _insert(channel, new)
    return len(new) - refused, refused


def _when(entry: _Entry, *, now: datetime.datetime, first_read: bool) -> tuple[datetime.datetime, str]:
    """When the entry counts as published, and why it is not counted ("" when it is)."""
    if entry.published_at is None:
        return now, NotCounted.UNDATED if first_read else ""
    if entry.published_at > now + FUTURE_GRACE:
        return entry.published_at, NotCounted.FUTURE
    return min(entry.published_at, now), ""


# What a database says when it refuses a row's values (PostgreSQL: NUL in text, a value too
# long; a trigger; a constraint). Not OperationalError: a lost connection is not the entry's fault.
REFUSED = (DataError, IntegrityError, InternalError)


def _insert(channel: Channel, rows: list[ChannelUpdate]) -> int:
    """Insert `rows`, all together, else one at a time (each in a savepoint, so that a refused
    one leaves the transaction usable); return how many the database refused."""
    if not rows:
        return 0
    try:
        # ignore_conflicts: on SQLite the row lock above is a no-op, so a simultaneous read
        # may still insert the same post first; the unique key keeps it once.
        with transaction.atomic():
            ChannelUpdate.objects.bulk_create(rows, ignore_conflicts=True, batch_size=KEY_BATCH)
        return 0
    except REFUSED:
        logger.warning("Feed of channel %s: the new entries were refused together; one at a time", channel.pk)
    refused = 0
    for row in rows:
        try:
            with transaction.atomic():
                ChannelUpdate.objects.bulk_create([row], ignore_conflicts=True)
        except REFUSED as exc:
            refused += 1
            logger.warning(
                "Feed of channel %s: entry %r (key %s) not stored: %s", channel.pk, row.note, row.entry_key, exc
            )
    return refused
