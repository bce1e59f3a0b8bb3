"""API bearer tokens (simplejwt) and the database context their claims stand for.

A token says who acts (`role`) and for which tenant (`project`, `scope`, `conversation`). Console users get
theirs from POST /api/v1/auth/token/ with the role of their groups; machine clients get one from
`manage.py issue_token`. The middleware turns the claims into `acting_as(...)`; the claims are the only
source of tenant identity for an API call, so a client cannot widen its own scope with a query parameter.

A token's subject (its user_id claim) can be revoked (hotdash/revocations): every token of that subject issued
until then is refused, checked on each use. A refresh reads the user again and refuses one whose role changed.
"""

from __future__ import annotations

from datetime import timedelta
from functools import lru_cache

from django.contrib.auth import get_user_model
from django.db import transaction
from rest_framework_simplejwt.exceptions import AuthenticationFailed, InvalidToken, TokenError
from rest_framework_simplejwt.serializers import TokenObtainPairSerializer, TokenRefreshSerializer
from rest_framework_simplejwt.token_blacklist.models import OutstandingToken
from rest_framework_simplejwt.tokens import AccessToken, RefreshToken, Token
from rest_framework_simplejwt.utils import aware_utcnow

from hotdash.api.fields import TextField
from hotdash.db_context import DbContext, Role
from hotdash.groups import role_for_user
from hotdash.revocations.selectors import revoked_before

# Roles a machine client may hold; console roles come from a user's groups instead.
MACHINE_ROLES = (Role.INGEST, Role.TENANT, Role.MONITORING, Role.AI_READONLY)
# Roles a token may carry at all. The service role sees and changes every row, decisions included: it runs
# scheduled jobs and commands inside the console's own processes and is never handed to a client, so a token
# that names it (forged with a leaked key, or issued before the role split) acts as nobody.
TOKEN_ROLES = frozenset(Role) - {Role.SERVICE}
MAX_TTL_SECONDS = 365 * 24 * 3600


def user_subject(user) -> str:
    """The user_id claim of a console user's tokens (simplejwt writes the primary key as text)."""
    return str(user.pk)


def machine_subject(role: Role, client: str) -> str:
    return f"{role.short}:{client}"


def token_revoked(token: Token) -> bool:
    """True when the token's subject was revoked at or after the second the token was issued."""
    return int(token.get("iat", 0)) <= revoked_before(str(token.get("user_id", "")))


def machine_token_issue(
    *,
    role: Role,
    client: str,
    project: str | None = None,
    scope: str | None = None,
    conversation: str | None = None,
    ttl_seconds: int = 3600,
) -> str:
    """A signed access token for a machine client. Raises ValueError on a request that makes no sense."""
    allowed = ", ".join(r.short for r in MACHINE_ROLES)
    if role is Role.SERVICE:
        raise ValueError(
            f"role 'service' is for scheduled jobs and commands and gets no API token; the agent platform uses "
            f"'ingest' (a machine token takes one of {allowed})"
        )
    if role not in MACHINE_ROLES:
        raise ValueError(f"role {role.short!r} is for console users; a machine token takes one of {allowed}")
    if not 0 < ttl_seconds <= MAX_TTL_SECONDS:
        raise ValueError(f"ttl must be between 1 and {MAX_TTL_SECONDS} seconds, not {ttl_seconds}")
    tenant = {"project": project, "scope": scope, "conversation": conversation}
    if role is Role.TENANT and not any(tenant.values()):
        raise ValueError("a tenant token needs at least one of project, scope or conversation")
    if not client.strip():
        raise ValueError("client must name the machine that holds the token")
    token = AccessToken()
    token.set_exp(lifetime=timedelta(seconds=ttl_seconds))
    token["user_id"] = machine_subject(role, client)
    token["username"] = machine_subject(role, client)
    token["role"] = role.short
    for claim, value in tenant.items():
        if value:
            token[claim] = value
    return str(token)


def access_token_read(raw: str) -> AccessToken | None:
    """The verified token (signature, expiry, type); None when it is not a valid access token or was revoked.

    A client sends the same token with every call until it expires: its verified form is kept per process
    (keyed by the exact token text), and only the expiry and the revocation are checked again on each use, so
    a revocation takes effect on the next call whatever this process verified before.
    """
    token = _verified(raw)
    if token is None:
        return None
    try:
        token.check_exp(current_time=aware_utcnow())
    except TokenError:
        return None
    return None if token_revoked(token) else token


@lru_cache(maxsize=4096)
def _verified(raw: str) -> AccessToken | None:
    try:
        return AccessToken(raw)
    except TokenError:
        return None


def context_from_token(token: AccessToken, *, request_id: str | None = None) -> DbContext | None:
    """The context a verified token stands for; None when its role is not one a token may carry."""
    try:
        role = Role.from_short(str(token.get("role", "")))
    except ValueError:
        return None
    if role not in TOKEN_ROLES:
        return None
    return DbContext(
        role=role,
        project=token.get("project"),
        scope=token.get("scope"),
        conversation_id=token.get("conversation"),
        request_id=request_id,
        # A console user's token names them; a machine token (issue_token) names no person.
        user=token.get("username"),
    )


class ConsoleTokenObtainPairSerializer(TokenObtainPairSerializer):
    """Token pair for a console user: the role of their groups, and their name for decided_by."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Bounded text like every other input (simplejwt's fields take any length and coerce numbers).
        self.fields[self.username_field] = TextField(write_only=True, max_length=150)
        self.fields["password"] = TextField(write_only=True, max_length=4096, style={"input_type": "password"})

    def validate(self, attrs: dict) -> dict:
        # django-axes marks a locked-out login on the request authenticate() is given, and its middleware reads
        # Django's request: hand it that one, not DRF's wrapper, so a lockout answers 429 here as in the admin.
        request = self.context.get("request")
        if request is not None:
            self.context["request"] = getattr(request, "_request", request)
        return super().validate(attrs)

    @classmethod
    def get_token(cls, user) -> RefreshToken:
        token = super().get_token(user)
        role = role_for_user(user)
        if role is not None:
            token["role"] = role.short
        token["username"] = user.get_username()
        return token


class ConsoleTokenRefreshSerializer(TokenRefreshSerializer):
    """Refresh for a console user, who may have been deactivated, moved to another group or revoked since.

    The user is read again: a refresh token of an inactive or missing user, of a revoked subject, or carrying a
    role the user no longer has is refused (log in again). The given refresh token is blacklisted and a new one
    returned (settings: ROTATE_REFRESH_TOKENS); its row is locked first, so two refreshes racing with one token
    cannot both succeed.
    """

    # Bounded text like every other input.
    refresh = TextField(max_length=4096)

    def validate(self, attrs: dict) -> dict:
        refresh = self.token_class(attrs["refresh"])
        if token_revoked(refresh):
            raise InvalidToken("Token has been revoked")
        user = get_user_model().objects.filter(pk=refresh.get("user_id")).first()
        if user is None or not user.is_active:
            raise AuthenticationFailed(self.error_messages["no_active_account"], "no_active_account")
        role = role_for_user(user)
        if refresh.get("role") != (role.short if role is not None else None):
            raise AuthenticationFailed("The user's role has changed: log in again.", "role_changed")
        with transaction.atomic():
            OutstandingToken.objects.select_for_update().filter(jti=refresh["jti"]).first()
            # Verifies again under the lock: a token another request has just rotated is now blacklisted.
            return super().validate(attrs)
