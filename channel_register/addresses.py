"""The canonical form of a channel's address: what the citizen's lookup compares (issue 20).

A channel's address is written many ways: with or without `www.`, from a phone (`m.facebook.com`),
with a trailing slash, a tracking query (`?igsh=…`) or a fragment, in other letter case, or as a
handle (`@kulturochbildning`, Mastodon's `@user@server`). Each account a platform knows is given one
*key*, `<platform>:<account>`, and each channel stores the key of its address when it is saved
(`Channel.canonical_address`, indexed). A lookup turns what the citizen pasted into the keys it could
mean and asks for them in one indexed query.

The keys, by platform:

- Facebook `facebook:<name>`: the first path segment in lower case and without dots (Facebook
  ignores both in a username); a numeric page (`/profile.php?id=N`, `/pages/Name/N`,
  `/people/Name/N`) is `facebook:id:N`.
- Instagram, X (and twitter.com), TikTok, Threads (threads.net and threads.com), Bluesky
  (`/profile/<handle>`), Flickr (`/photos/<name>`, `/people/<name>`): `<platform>:<name>`, lower case.
- YouTube: `youtube:@handle`, `youtube:c:<name>` (also the bare `/<name>` form, which YouTube
  redirects to it) and `youtube:user:<name>`, lower case; `youtube:channel:<ID>` keeps its case,
  because channel ids are case-sensitive.
- LinkedIn: `linkedin:company:<name>` (also `showcase` and `school` pages), lower case, any
  country host (`se.linkedin.com`).
- Mastodon, on any server: `mastodon:<user>@<server>` from `https://server/@user`,
  `https://server/users/user` or `@user@server`, lower case.
- Any other web address (a blog): `web:<host>/<path>`, lower case, without `www.`, the trailing
  slash, the query and the fragment. A lookup also asks for the folders above it, so a post on a
  registered blog is found as the blog.

Only the address matters, not the platform a channel was registered under: a "Blogg" whose
address is a Facebook page is found as that Facebook page.

A handle without a platform (`@kultur`, `kultur`) may be any of the platforms that use handles, so it
is looked up as each of them (HANDLE_PLATFORMS); the answer names the platform of what it found.
A link to one post or video (`instagram.com/p/…`, `youtube.com/watch?v=…`) is no account and has no
key: the lookup says so instead of "not in the register".

This module reads no database and knows no model: it is the rule, for the model's save and the
lookup alike.
"""

import re
from dataclasses import dataclass
from urllib.parse import parse_qs, unquote, urlsplit

# Longer than any real address (the register's own are at most 500 characters): refused unread.
MAX_QUERY_LENGTH = 500

# How many folders above a web address a lookup asks for (a blog's address is rarely deeper).
MAX_PARENTS = 6

# Host prefixes that name the same site: the web, phone, touch and old mobile hosts, and the
# locale hosts of Facebook (sv-se.facebook.com) and LinkedIn (se.linkedin.com).
_SAME_SITE_PREFIXES = ("www.", "m.", "mobile.", "touch.", "web.", "mbasic.", "business.")
_LOCALE_PREFIX = re.compile(r"^[a-z]{2}(?:-[a-z]{2})?\.")

_FACEBOOK = {"facebook.com", "fb.com"}
_INSTAGRAM = {"instagram.com", "instagr.am"}
_X = {"x.com", "twitter.com"}
_TIKTOK = {"tiktok.com"}
_THREADS = {"threads.net", "threads.com"}
_YOUTUBE = {"youtube.com", "music.youtube.com"}
_LINKEDIN = {"linkedin.com"}
_BLUESKY = {"bsky.app"}
_FLICKR = {"flickr.com"}
# Hosts of a platform whose links are to single posts or videos only.
_POST_HOSTS = {"youtu.be", "vm.tiktok.com", "vt.tiktok.com", "t.co", "fb.watch"}
KNOWN_HOSTS = _FACEBOOK | _INSTAGRAM | _X | _TIKTOK | _THREADS | _YOUTUBE | _LINKEDIN | _BLUESKY | _FLICKR | _POST_HOSTS

# First path segments that are a platform's own pages, not an account.
_FACEBOOK_RESERVED = {
    "watch",
    "groups",
    "events",
    "photo",
    "photo.php",
    "story.php",
    "permalink.php",
    "share",
    "sharer",
    "sharer.php",
    "login",
    "login.php",
    "help",
    "marketplace",
    "gaming",
    "hashtag",
    "search",
    "reel",
    "reels",
}
_INSTAGRAM_POSTS = {"p", "reel", "reels", "tv", "explore", "accounts", "direct", "about", "legal"}
_X_RESERVED = {"i", "home", "search", "intent", "share", "hashtag", "explore", "settings", "messages", "login"}
_YOUTUBE_RESERVED = {
    "watch",
    "playlist",
    "shorts",
    "results",
    "feed",
    "embed",
    "live",
    "hashtag",
    "premium",
    "account",
    "redirect",
    "gaming",
}
_LINKEDIN_PAGES = {"company", "showcase", "school"}

# The platforms a bare handle is looked up on (they name accounts by a handle of their own).
HANDLE_PLATFORMS = ("facebook", "instagram", "x", "tiktok", "threads", "bluesky")

_HANDLE = re.compile(r"@?([\w][\w.\-]{0,99})")
_MASTODON_HANDLE = re.compile(r"@?([\w][\w.\-]{0,99})@([a-z0-9.\-]+\.[a-z]{2,})", re.IGNORECASE)
_FACEBOOK_NUMBERED = re.compile(r".+-(\d{6,})")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_HOSTNAME = re.compile(r"(?:[a-z0-9](?:[a-z0-9\-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}", re.IGNORECASE)


class Unreadable(ValueError):
    """What was typed cannot be looked up. `reason`: "empty", "too_long", "not_an_address",
    "post" (a link to a single post or video, not to an account) or "platform_page" (a platform's
    own page, such as its start page)."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Query:
    """The keys a typed text could mean, and whether it was read as a handle without a platform."""

    keys: frozenset[str]
    handle: bool = False


def address_key(url: str) -> str:
    """The key of a stored address, or "" when it has none (empty, not a web address, or a link
    to a single post)."""
    try:
        return _url_key(url.strip()) if url else ""
    except Unreadable:
        return ""


def read_query(text: str) -> Query:
    """The keys `text` (an address or a handle, as a citizen pastes it) could mean.

    Raises Unreadable when it cannot mean any."""
    text = (text or "").strip()
    if not text:
        raise Unreadable("empty")
    if len(text) > MAX_QUERY_LENGTH:
        raise Unreadable("too_long")
    if any(character.isspace() for character in text) or any(ord(character) < 32 for character in text):
        raise Unreadable("not_an_address")
    if "://" in text:
        return Query(frozenset(_with_parents(_url_key(text))))
    mastodon = _MASTODON_HANDLE.fullmatch(text)
    if mastodon:
        return Query(frozenset({_mastodon_key(mastodon[1], mastodon[2])}))
    keys = set()
    host = text.split("/", 1)[0]
    looks_like_address = "/" in text or (not text.startswith("@") and _HOSTNAME.fullmatch(host))
    if looks_like_address and _HOSTNAME.fullmatch(host.split(":", 1)[0]):
        keys.update(_with_parents(_url_key(f"https://{text}")))
    handle = _HANDLE.fullmatch(text)
    if handle and "/" not in text:
        keys.update(handle_keys(handle[1]))
        return Query(frozenset(keys), handle=True)
    if not keys:
        raise Unreadable("not_an_address")
    return Query(frozenset(keys))


def _with_parents(key: str) -> set[str]:
    """A web address's key and those of the folders above it: a post on a registered blog
    (`blogg.example.se/kultur/2026/10/ett-inlagg`) is found as the blog (`…/kultur`). Only for
    plain web addresses; on a platform every account is its own."""
    if not key.startswith("web:"):
        return {key}
    site, _slash, path = key.removeprefix("web:").partition("/")
    segments = path.split("/") if path else []
    parents = {f"web:{site}/{'/'.join(segments[:n])}" for n in range(1, min(len(segments), MAX_PARENTS) + 1)}
    return {key, f"web:{site}"} | parents


def handle_keys(handle: str) -> set[str]:
    """The keys of a handle on each platform that names accounts by handle, and on YouTube."""
    name = handle.lower()
    keys = {f"{platform}:{name}" for platform in HANDLE_PLATFORMS if platform != "facebook"}
    keys.add(f"facebook:{name.replace('.', '')}")
    keys.update({f"youtube:@{name}", f"youtube:c:{name}"})
    return keys


def _site(host: str) -> str:
    """The host without the prefixes that name the same site: `www.` on any host; the phone,
    touch and locale hosts (m., mobile., sv-se. …) only of a platform known to use them, since on
    another server `m.example.se` may be a different site from `example.se`."""
    host = host.lower().rstrip(".")
    if host.startswith("www.") and host.count(".") > 1:
        host = host[4:]
    for prefix in _SAME_SITE_PREFIXES:
        if host.startswith(prefix) and host[len(prefix) :] in KNOWN_HOSTS:
            return host[len(prefix) :]
    locale = _LOCALE_PREFIX.match(host)
    if locale and host[locale.end() :] in (_FACEBOOK | _LINKEDIN):
        return host[locale.end() :]
    return host


def _url_key(url: str) -> str:
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
    except ValueError:
        raise Unreadable("not_an_address") from None
    if parts.scheme.lower() not in ("http", "https") or not _HOSTNAME.fullmatch(host):
        raise Unreadable("not_an_address")
    site = _site(host)
    segments = [unquote(segment) for segment in parts.path.split("/") if segment]
    if any(_CONTROL.search(segment) for segment in [*segments, unquote(parts.fragment)]):
        # `%00` and its like: no account's name, and no database stores a NUL in text.
        raise Unreadable("not_an_address")
    first = segments[0].lower() if segments else ""
    if site in _POST_HOSTS:
        raise Unreadable("post")
    if site in _FACEBOOK:
        return _facebook_key(segments, parts.query)
    if site in _INSTAGRAM:
        if first == "stories" and len(segments) > 1:
            return f"instagram:{segments[1].lower()}"
        return _account(
            "instagram", first if first not in _INSTAGRAM_POSTS else "", post=bool(first) or bool(parts.query)
        )
    if site in _X:
        if not segments and parts.fragment.startswith("!/"):  # the old twitter.com/#!/name
            first = parts.fragment[2:].split("/", 1)[0].lower()
        if first.startswith("@"):
            first = first[1:]
        return _account("x", first if first not in _X_RESERVED else "", post=bool(first))
    if site in _TIKTOK or site in _THREADS:
        platform = "tiktok" if site in _TIKTOK else "threads"
        return _account(platform, first[1:] if first.startswith("@") and len(first) > 1 else "", post=bool(first))
    if site in _YOUTUBE:
        return _youtube_key(segments, post=bool(first) or bool(parts.query))
    if site in _LINKEDIN:
        if first in _LINKEDIN_PAGES and len(segments) > 1:
            return f"linkedin:{first}:{segments[1].lower()}"
        raise Unreadable("post" if first else "platform_page")
    if site in _BLUESKY:
        if first == "profile" and len(segments) > 1:
            return f"bluesky:{segments[1].lower().lstrip('@')}"
        raise Unreadable("post" if first else "platform_page")
    if site in _FLICKR:
        if first in ("photos", "people") and len(segments) > 1:
            return f"flickr:{segments[1].lower()}"
        raise Unreadable("post" if first else "platform_page")
    # Mastodon (and the other fediverse servers that use its addresses), on any server.
    if first.startswith("@") and len(first) > 1 and "@" not in first[1:]:
        return _mastodon_key(first[1:], site)
    if first == "users" and len(segments) > 1:
        return _mastodon_key(segments[1], site)
    path = "/".join(segment.lower() for segment in segments)
    return f"web:{site}/{path}" if path else f"web:{site}"


def _account(platform: str, name: str, *, post: bool) -> str:
    """`<platform>:<name>`; without a name, a link to a post (`post`) or the platform's own page."""
    if name:
        return f"{platform}:{name}"
    raise Unreadable("post" if post else "platform_page")


def _facebook_key(segments: list[str], query: str) -> str:
    first = segments[0].lower() if segments else ""
    if first == "profile.php":
        page_id = parse_qs(query).get("id", [""])[0]
        if page_id.isdigit():
            return f"facebook:id:{page_id}"
    if first in ("pages", "people", "p") and len(segments) > 2 and segments[2].isdigit():
        return f"facebook:id:{segments[2]}"
    if first == "pg" and len(segments) > 1:
        first = segments[1].lower()
    if first.isdigit():
        return f"facebook:id:{first}"
    numbered = _FACEBOOK_NUMBERED.fullmatch(first)
    if numbered and len(segments) == 1:
        # The form Facebook gives a page without a username: /Name-123456789.
        return f"facebook:id:{numbered[1]}"
    name = first.replace(".", "")
    return _account("facebook", name if first not in _FACEBOOK_RESERVED else "", post=bool(first) or bool(query))


def _youtube_key(segments: list[str], *, post: bool) -> str:
    first = segments[0] if segments else ""
    lowered = first.lower()
    if lowered.startswith("@") and len(first) > 1:
        return f"youtube:{lowered}"
    if lowered == "channel" and len(segments) > 1:
        return f"youtube:channel:{segments[1]}"
    if lowered in ("c", "user") and len(segments) > 1:
        return f"youtube:{lowered}:{segments[1].lower()}"
    return _account("youtube", f"c:{lowered}" if lowered and lowered not in _YOUTUBE_RESERVED else "", post=post)


def _mastodon_key(user: str, server: str) -> str:
    return f"mastodon:{user.lower()}@{server.lower().rstrip('.')}"
