"""How long a session lives.

- Idle: a session ends SESSION_COOKIE_AGE (30 minutes) after the person's last request. The
  expiry is pushed forward by saving the session, at most once per SESSION_REFRESH_SECONDS
  (a minute; `IdleSessionMiddleware`), not on every request: a write per page view (a write
  transaction, on SQLite a lock on the whole database) cost a signed-in page four times an
  anonymous one. So a session ends between 29 and 30 minutes after the last request.
- Absolute: however active, a person signs in again after SESSION_ABSOLUTE_SECONDS (12 hours
  unless configured; `AbsoluteSessionLifetimeMiddleware`).
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import SESSION_KEY, logout
from django.contrib.auth.views import redirect_to_login
from django.contrib.sessions.middleware import SessionMiddleware
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import ngettext

from .signals import REFRESHED_AT, SIGNED_IN_AT


class IdleSessionMiddleware(SessionMiddleware):
    """Django's session middleware, with the idle expiry refreshed at most once a minute.

    Django saves a session when it was changed (or on every request, with
    SESSION_SAVE_EVERY_REQUEST, which this replaces). Here a session in use is also saved when
    its last save is SESSION_REFRESH_SECONDS old or older; a saved session's expiry is
    SESSION_COOKIE_AGE from then. A session that was changed anyway records the time too.
    """

    def process_response(self, request, response):
        session = getattr(request, "session", None)
        if session is not None and session.accessed and not session.is_empty():
            now = int(timezone.now().timestamp())
            refreshed_at = session.get(REFRESHED_AT)
            stale = not isinstance(refreshed_at, int) or now - refreshed_at >= settings.SESSION_REFRESH_SECONDS
            if session.modified or stale:
                session[REFRESHED_AT] = now
        return super().process_response(request, response)


def signed_in_too_long(session) -> bool:
    """A signed-in session past its lifetime, or one without a sign-in time (made before the
    limit existed, so its age is unknown)."""
    if SESSION_KEY not in session:
        return False
    signed_in_at = session.get(SIGNED_IN_AT)
    if not isinstance(signed_in_at, int):
        return True
    return timezone.now().timestamp() - signed_in_at > settings.SESSION_ABSOLUTE_SECONDS


class AbsoluteSessionLifetimeMiddleware:
    """Sign the person out and send them to the login page with a note saying why.

    Sits after MessageMiddleware (for the note). A GET comes back to its page after sign-in;
    anything else goes to the plain login page (its address only takes a POST), and is not
    carried out.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not signed_in_too_long(request.session):
            return self.get_response(request)
        logout(request)
        hours = max(1, round(settings.SESSION_ABSOLUTE_SECONDS / 3600))
        messages.info(
            request,
            ngettext(
                "You have been signed in for %(hours)d hour. Please sign in again.",
                "You have been signed in for %(hours)d hours. Please sign in again.",
                hours,
            )
            % {"hours": hours},
        )
        if request.method in ("GET", "HEAD"):
            return redirect_to_login(request.get_full_path())
        return redirect(settings.LOGIN_URL)
