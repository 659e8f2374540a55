"""The public register's rows and its lookup, cached: the same for every visitor, read by anyone,
often.

The register changes only when a channel or a unit's name does, so its rows (and the HTML page's
table, a template fragment) are kept in the cache for `PUBLIC_REGISTER_SECONDS`, the five minutes
its JSON and CSV answers already promise to every cache on the way, and forgotten at once
whenever a channel is saved or deleted or a unit is renamed (`forget`, connected in
apps.ChannelRegisterConfig.ready). Never staler than the five minutes: a request that read the old
rows while the change's transaction was still open may keep them until then; so may another server
process with the default per-process cache (with a shared cache, `CACHE_URL` on Redis, it forgets
at once).

Labels are looked up once per language, not once per row (`Channel.get_platform_display`
rebuilds the choices every time).

The lookup (`look_up`, issue 20) reads what a citizen typed as the address keys it could mean
(addresses.read_query) and asks for them in one indexed query; its answer is cached under the
register's *generation*, a token that `forget` replaces, so every cached answer is forgotten with
the register at once however many there are. Nothing about who asked is kept: the cache key is
the keys asked for and the language, and the answer is the same for everyone.
"""

import hashlib
import uuid
from collections.abc import Callable, Iterable

from django.conf import settings
from django.core.cache import cache
from django.core.cache.utils import make_template_fragment_key
from django.urls import reverse
from django.utils import timezone, translation

from .addresses import Query, Unreadable, read_query
from .enums import ChannelStatus, Platform
from .queries import OFFICIAL_STATUSES, channels_at_addresses, public_channels

PUBLIC_REGISTER_SECONDS = 300
# The HTML page's table ({% cache %} in templates/register/public.html), per language.
TABLE_FRAGMENT = "public_register_table"


def _rows_key(language: str) -> str:
    return f"public-register:rows:{language}"


# The JSON and CSV answers' bodies (always in the default language).
BODIES = ("json", "csv")


def _body_key(form: str) -> str:
    return f"public-register:body:{form}"


def _keys() -> list[str]:
    languages = [code for code, _name in settings.LANGUAGES]
    return (
        [_rows_key(code) for code in languages]
        + [make_template_fragment_key(TABLE_FRAGMENT, [code]) for code in languages]
        + [_body_key(form) for form in BODIES]
    )


def _local_day(moment) -> str | None:
    return timezone.localdate(moment, timezone.get_default_timezone()).isoformat() if moment else None


def _rows(channels: Iterable) -> list[dict]:
    """The public fields of `channels`, labels in the active language. `active_since` and
    `closed_on` are local days (ISO); `register_url` is the channel's row in the HTML register."""
    platforms = {value: str(label) for value, label in Platform.choices}
    statuses = {value: str(label) for value, label in ChannelStatus.choices}
    register = reverse("public_register")
    return [
        {
            "id": channel.pk,
            "platform": channel.platform,
            "platform_label": platforms.get(channel.platform, channel.platform),
            "name": channel.name,
            "url": channel.url,
            "unit": channel.unit.name,
            "status": channel.status,
            "status_label": statuses.get(channel.status, channel.status),
            "official": channel.status in OFFICIAL_STATUSES,
            "active_since": _local_day(channel.activated_at),
            "closed_on": _local_day(channel.closed_at) if channel.status == ChannelStatus.AVSLUTAD else None,
            "register_url": f"{register}#kanal-{channel.pk}",
        }
        for channel in channels
    ]


def register_rows() -> list[dict]:
    """The register as plain data, exactly the public fields, labels in the active language:
    the official channels, then the formerly official ones (queries.public_channels)."""
    language = translation.get_language() or settings.LANGUAGE_CODE
    key = _rows_key(language)
    rows = cache.get(key)
    if rows is None:
        rows = _rows(public_channels())
        cache.set(key, rows, PUBLIC_REGISTER_SECONDS)
    return rows


def register_body(form: str, build: Callable[[list[dict]], bytes]) -> bytes:
    """The JSON or CSV answer's body, `build` from the rows (in the default language) only when
    it is not in the cache: serialising 1,600 rows per request cost more than reading them."""
    key = _body_key(form)
    body = cache.get(key)
    if body is None:
        with translation.override(settings.LANGUAGE_CODE):
            body = build(register_rows())
        cache.set(key, body, PUBLIC_REGISTER_SECONDS)
    return body


def forget(**_signal) -> None:
    """Drop the cached register, and with its generation every cached lookup."""
    cache.delete_many([*_keys(), GENERATION_KEY])


# --- The lookup ----------------------------------------------------------------------------------

GENERATION_KEY = "public-register:generation"

# The answers, for the page and for the JSON's `answer`.
OFFICIAL = "official"
FORMERLY_OFFICIAL = "formerly_official"
NOT_REGISTERED = "not_registered"
UNREADABLE = "unreadable"


def _generation() -> str:
    token = cache.get(GENERATION_KEY)
    if token is None:
        cache.add(GENERATION_KEY, uuid.uuid4().hex, None)
        token = cache.get(GENERATION_KEY) or ""
    return token


def look_up(text: str) -> dict:
    """What the register says of the address or handle `text`:

    `answer`: OFFICIAL (a channel at that address is in use), FORMERLY_OFFICIAL (only closed
    ones: whoever runs the account now does not run it for us), NOT_REGISTERED, or UNREADABLE
    with `reason` (addresses.Unreadable); `channels`: the register's rows found, official ones
    first; `handle`: the text was a handle without a platform, looked up on every platform.

    A closed channel at the same address as an official one is left out: the address is ours.
    One query, none when the answer is cached; an unreadable text, none."""
    try:
        query = read_query(text)
    except Unreadable as exc:
        return {"answer": UNREADABLE, "reason": exc.reason, "handle": False, "channels": []}
    language = translation.get_language() or settings.LANGUAGE_CODE
    asked = "\n".join([language, str(query.handle), *sorted(query.keys)])
    key = f"public-register:lookup:{_generation()}:{hashlib.sha256(asked.encode()).hexdigest()}"
    answer = cache.get(key)
    if answer is None:
        answer = _answer(query)
        cache.set(key, answer, PUBLIC_REGISTER_SECONDS)
    return answer


def _answer(query: Query) -> dict:
    channels = list(channels_at_addresses(query.keys))
    official_keys = {channel.canonical_address for channel in channels if channel.status in OFFICIAL_STATUSES}
    channels = [
        channel
        for channel in channels
        if channel.status in OFFICIAL_STATUSES or channel.canonical_address not in official_keys
    ]
    if official_keys:
        answer = OFFICIAL
    elif channels:
        answer = FORMERLY_OFFICIAL
    else:
        answer = NOT_REGISTERED
    return {"answer": answer, "reason": "", "handle": query.handle, "channels": _rows(channels)}
