"""Who is acting, from where, and the group of the events of one user action.

The middleware opens a context for each request (`request_context`); code outside a request
(a Celery task, a management command) has none, and each top-level audited action there is its
own group. Imports nothing of the app but the standard library and Django."""

import uuid
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field


@dataclass
class Context:
    request: object = None
    address: str | None = None
    group: uuid.UUID = field(default_factory=uuid.uuid4)

    @property
    def actor(self):
        user = getattr(self.request, "user", None)
        return user if user is not None and user.is_authenticated else None


_current: ContextVar[Context | None] = ContextVar("audit_context", default=None)


def current() -> Context | None:
    return _current.get()


@contextmanager
def opened(context: Context):
    token = _current.set(context)
    try:
        yield context
    finally:
        _current.reset(token)
