"""The kinds of notice, named by the apps that send them (each registers its own in its
AppConfig.ready): what the preferences page lists, and which kinds always mail whatever the
person chose (an escalation to a chef: DOMAIN.md, "escalations to a chef always mail")."""

from dataclasses import dataclass

from django.utils.functional import Promise

DIGEST = "digest"  # the daily digest itself (domain.send_digests): never listed, never chosen


@dataclass(frozen=True)
class NoticeKind:
    name: str
    label: str | Promise
    always_mail: bool = False


_kinds: dict[str, NoticeKind] = {}


def register(name: str, label, *, always_mail: bool = False) -> None:
    kind = NoticeKind(name, label, always_mail)
    if _kinds.get(name, kind) != kind:
        raise ValueError(f"notice kind {name!r} is registered twice, differently")
    _kinds[name] = kind


def kinds() -> list[NoticeKind]:
    """Every registered kind, in the order registered (grouped by the app that sends them)."""
    return list(_kinds.values())


def always_mails(name: str) -> bool:
    kind = _kinds.get(name)
    return kind is not None and kind.always_mail
