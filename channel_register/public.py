"""The public register's rows, cached: the same for every visitor, read by anyone, often.

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
"""

from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.core.cache.utils import make_template_fragment_key
from django.utils import translation

from .enums import Platform
from .queries import public_channels

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


def register_rows() -> list[dict]:
    """The register as plain data, exactly the public fields, labels in the active language."""
    language = translation.get_language() or settings.LANGUAGE_CODE
    key = _rows_key(language)
    rows = cache.get(key)
    if rows is None:
        labels = {value: str(label) for value, label in Platform.choices}
        rows = [
            {
                "platform": channel.platform,
                "platform_label": labels.get(channel.platform, channel.platform),
                "name": channel.name,
                "url": channel.url,
                "unit": channel.unit.name,
            }
            for channel in public_channels()
        ]
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
    """Drop the cached register."""
    cache.delete_many(_keys())
