"""Reading channel feeds (stub: being written)."""

from dataclasses import dataclass

from ..models import Channel


@dataclass(frozen=True)
class FeedResult:
    new_entries: int
    error: str = ""


def channels_with_feeds():
    raise NotImplementedError


def read_channel_feed(channel: Channel) -> FeedResult:
    raise NotImplementedError


def read_all_feeds() -> dict:
    raise NotImplementedError
