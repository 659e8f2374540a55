"""The absolute lifetime of a session: however active, a person signs in again after
SESSION_ABSOLUTE_SECONDS (12 hours unless configured). The idle limit is Django's own
(SESSION_COOKIE_AGE, pushed forward on every request)."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import SESSION_KEY, logout
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import ngettext

from .signals import SIGNED_IN_AT


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
