"""Waiting for a real worker in tests: poll a condition, or until the broker has nothing left."""

import time

import redis


def wait_until(predicate, timeout: float = 60.0, interval: float = 0.1) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return False


def broker_idle(redis_url: str) -> bool:
    """No task waiting in the queue and none delivered but unacknowledged (running, or held
    for a retry's countdown) on the Redis broker."""

    client = redis.Redis.from_url(redis_url)
    return client.llen("celery") == 0 and client.zcard("unacked_index") == 0


def wait_for_idle_broker(redis_url: str, timeout: float = 60.0, settle: float = 0.5) -> bool:
    """Idle twice in a row, `settle` seconds apart: a task being acknowledged while a follow-up
    is being published must not look like the end."""
    return wait_until(
        lambda: broker_idle(redis_url) and (time.sleep(settle) or broker_idle(redis_url)), timeout=timeout
    )
