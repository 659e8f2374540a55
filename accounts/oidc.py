"""Sign-in with the Region's identity provider (OpenID Connect), through mozilla-django-oidc: the
authorization code flow with PKCE, state and nonce (the package's), an ID token checked for its
signature (the provider's published keys), issuer, audience and expiry (here), and the person
found by the provider's stable subject claim, never by e-mail alone.

The provider's endpoints come from its discovery document (`metadata`), read at the first sign-in
and kept for an hour, not at start: a provider that is down must not stop the app, only its own
sign-in, with a page that says so (`CallbackView`, `AuthenticationRequestView`).

At every sign-in the person's roles and unit follow the groups claim through the administrator's
table (GroupMapping): a group that maps to a role gives it, and a role the groups no longer give is
taken away (`apply_groups`), so a person removed from a group loses the role at the next sign-in.
"""

import logging

import jwt
import requests
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.core.exceptions import SuspiciousOperation
from django.db import transaction
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.crypto import get_random_string
from django.utils.http import urlencode
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from .enums import Role
from .models import GroupMapping, User

logger = logging.getLogger(__name__)
METADATA_CACHE_SECONDS = 3600
# The roles a group can give; the Systemadministratör is given locally only (an administrator's
# account must not depend on the directory).
MAPPED_ROLES = [role for role in Role if role != Role.SYSTEMADMINISTRATOR]


class ProviderUnavailable(Exception):
    """The identity provider did not answer, or answered with something that is not OpenID."""


def enabled() -> bool:
    return bool(settings.OIDC_ISSUER)


def metadata() -> dict:
    """The provider's discovery document, cached for an hour."""
    key = f"oidc-metadata:{settings.OIDC_ISSUER}"
    found = cache.get(key)
    if found is None:
        try:
            response = requests.get(
                f"{settings.OIDC_ISSUER}/.well-known/openid-configuration", timeout=settings.OIDC_TIMEOUT
            )
            response.raise_for_status()
            found = response.json()
        except (requests.RequestException, ValueError) as exc:
            raise ProviderUnavailable(str(exc)) from exc
        if found.get("issuer", "").rstrip("/") != settings.OIDC_ISSUER:
            raise ProviderUnavailable("the discovery document names another issuer")
        cache.set(key, found, METADATA_CACHE_SECONDS)
    return found


def apply_groups(user: User, groups: list[str]) -> None:
    """Give `user` the roles and the unit that their `groups` map to, and take away the mapped
    roles they no longer give (the Systemadministratör role is never touched here)."""
    mappings = list(GroupMapping.objects.filter(group__in=groups).select_related("unit").order_by("group"))
    wanted = {mapping.role for mapping in mappings if mapping.role}
    units = [mapping.unit for mapping in mappings if mapping.unit_id]
    with transaction.atomic():
        for role in MAPPED_ROLES:
            group, _created = Group.objects.get_or_create(name=role.value)
            if role.value in wanted:
                user.groups.add(group)
            else:
                user.groups.remove(group)
        if units and user.unit_id != units[0].pk:
            user.unit = units[0]
            user.save(update_fields=["unit"])


class RegionBackend(OIDCAuthenticationBackend):
    """The provider's person as ours: found by the subject claim; on the first sign-in an account
    without a subject and with the same verified e-mail is taken over (people who had a local
    account), else a new account is made; name, e-mail, roles and unit follow the claims."""

    def __init__(self, *args, **kwargs):
        # The package reads its endpoints from the settings at construction; ours come from discovery.
        self.OIDC_OP_TOKEN_ENDPOINT = self.OIDC_OP_USER_ENDPOINT = self.OIDC_OP_JWKS_ENDPOINT = None
        self.OIDC_RP_CLIENT_ID = settings.OIDC_RP_CLIENT_ID
        self.OIDC_RP_CLIENT_SECRET = settings.OIDC_RP_CLIENT_SECRET
        self.OIDC_RP_SIGN_ALGO = settings.OIDC_RP_SIGN_ALGO
        self.OIDC_RP_IDP_SIGN_KEY = None
        self.UserModel = User

    def authenticate(self, request, **kwargs):
        if not enabled() or request is None or "code" not in request.GET:
            return None  # a password sign-in: the other backends' business
        found = metadata()
        self.OIDC_OP_TOKEN_ENDPOINT = found["token_endpoint"]
        self.OIDC_OP_USER_ENDPOINT = found.get("userinfo_endpoint")
        self.OIDC_OP_JWKS_ENDPOINT = found["jwks_uri"]
        return super().authenticate(request, **kwargs)

    def _verify_jws(self, payload, key):
        """The signature (as the package does), and the issuer, audience and expiry, which it
        leaves out; every refusal is a SuspiciousOperation, shown as a failed sign-in."""
        try:
            header = jwt.get_unverified_header(payload)
            if header.get("alg") != self.OIDC_RP_SIGN_ALGO:
                raise SuspiciousOperation("The ID token is not signed with the expected algorithm.")
            return jwt.decode(
                payload,
                key,
                algorithms=[self.OIDC_RP_SIGN_ALGO],
                audience=self.OIDC_RP_CLIENT_ID,
                issuer=settings.OIDC_ISSUER,
                options={"require": ["exp", "iat", "iss", "aud", "sub"]},
            )
        except jwt.InvalidTokenError as exc:
            raise SuspiciousOperation(f"ID token refused: {exc}") from exc

    def get_userinfo(self, access_token, id_token, payload):
        """The ID token's claims, completed by the userinfo endpoint where the provider has one."""
        claims = dict(payload)
        if self.OIDC_OP_USER_ENDPOINT:
            claims.update(super().get_userinfo(access_token, id_token, payload))
        if claims.get("sub") != payload.get("sub"):
            raise SuspiciousOperation("The userinfo names another person than the ID token.")
        return claims

    def verify_claims(self, claims):
        return bool(claims.get(settings.OIDC_SUBJECT_CLAIM))

    def filter_users_by_claims(self, claims):
        subject = str(claims[settings.OIDC_SUBJECT_CLAIM])
        found = User.objects.filter(oidc_subject=subject)
        if found.exists():
            return found
        email = claims.get("email")
        if email and claims.get("email_verified", True):
            return User.objects.filter(oidc_subject__isnull=True, email__iexact=email)
        return User.objects.none()

    def create_user(self, claims):
        base = (claims.get("preferred_username") or claims.get("email") or "person").split("@")[0][:120]
        username = base
        while User.objects.filter(username=username).exists():
            username = f"{base}-{get_random_string(4).lower()}"
        email = claims.get("email", "")
        if email and User.objects.filter(email__iexact=email).exists():
            # Another account, already linked to another identity, has the address: never merge.
            raise SuspiciousOperation("The e-mail address belongs to another account.")
        user = User(username=username, email=email, full_name=claims.get("name", username)[:150])
        user.set_unusable_password()
        user.save()
        return self.update_user(user, claims)

    def update_user(self, user, claims):
        if not user.is_active:
            raise SuspiciousOperation("The account has been ended.")
        user.oidc_subject = str(claims[settings.OIDC_SUBJECT_CLAIM])
        user.full_name = (claims.get("name") or user.full_name)[:150]
        user.email = claims.get("email") or user.email
        user.save(update_fields=["oidc_subject", "full_name", "email"])
        groups = claims.get(settings.OIDC_GROUPS_CLAIM) or []
        apply_groups(user, [str(group) for group in groups] if isinstance(groups, list) else [])
        return user


def _failed(request, reason: str, status: int):
    logger.warning("Sign-in through the identity provider failed: %s", reason)
    return render(request, "registration/oidc_failed.html", {"unavailable": status == 503}, status=status)


class AuthenticationRequestView(OIDCAuthenticationRequestView):
    """Off to the provider, with state, nonce and a PKCE challenge (the package's)."""

    def __init__(self, *args, **kwargs):
        self.OIDC_RP_CLIENT_ID = settings.OIDC_RP_CLIENT_ID

    def get(self, request):
        if not enabled():
            raise Http404
        try:
            self.OIDC_OP_AUTH_ENDPOINT = metadata()["authorization_endpoint"]
        except (ProviderUnavailable, KeyError) as exc:
            return _failed(request, str(exc), 503)
        return super().get(request)


class CallbackView(OIDCAuthenticationCallbackView):
    """Back from the provider: a refused token, a state that does not match, or a provider that
    does not answer is a page that says so (400 or 503), never an error page."""

    def get(self, request):
        if not enabled():
            raise Http404
        try:
            return super().get(request)
        except ProviderUnavailable as exc:
            return _failed(request, str(exc), 503)
        except requests.RequestException as exc:
            return _failed(request, f"{type(exc).__name__}: {exc}", 503)
        except SuspiciousOperation as exc:
            return _failed(request, str(exc), 400)

    def login_failure(self):
        return _failed(self.request, "the provider's answer was refused", 400)


def provider_logout_url(request) -> str:
    """Where signing out leads when the person signed in through the provider: its end-session
    endpoint, which ends the provider's session too, and back to our sign-in page."""
    id_token = request.session.get("oidc_id_token")
    try:
        end_session = metadata().get("end_session_endpoint")
    except ProviderUnavailable:
        end_session = None
    if not (enabled() and id_token and end_session):
        return ""
    back = request.build_absolute_uri(reverse("login"))
    return f"{end_session}?{urlencode({'id_token_hint': id_token, 'post_logout_redirect_uri': back})}"
