"""API bearer tokens (simplejwt) and the database context their claims stand for.

A token says who acts (`role`) and for which tenant (`project`, `scope`, `conversation`). Console users get
theirs from POST /api/v1/auth/token/ with the role of their groups; machine clients get one from
`manage.py issue_token`. The middleware turns the claims into `acting_as(...)`; the claims are the only
source of tenant identity for an API call, so a client cannot widen its own scope with a query parameter.
"""

from __future__ import annotations

from datetime import timedelta
from functools import lru_cache

from rest_framework_simplejwt.exceptions import TokenError
from rest_framework_simplejwt.serializers import TokenObtainPairSerializer, TokenRefreshSerializer
from rest_framework_simplejwt.tokens import AccessToken, RefreshToken
from rest_framework_simplejwt.utils import aware_utcnow

from hotdash.api.fields import TextField
from hotdash.db_context import DbContext, Role
from hotdash.groups import role_for_user

# Roles a machine client may hold; console roles come from a user's groups instead.
MACHINE_ROLES = (Role.SERVICE, Role.TENANT, Role.MONITORING, Role.AI_READONLY)
MAX_TTL_SECONDS = 365 * 24 * 3600


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
    if role not in MACHINE_ROLES:
        allowed = ", ".join(r.short for r in MACHINE_ROLES)
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
    token["user_id"] = f"{role.short}:{client}"
    token["username"] = f"{role.short}:{client}"
    token["role"] = role.short
    for claim, value in tenant.items():
        if value:
            token[claim] = value
    return str(token)


def access_token_read(raw: str) -> AccessToken | None:
    """The verified token (signature, expiry, type); None when it is not a valid access token.

    A client sends the same token with every call until it expires: its verified form is kept per process
    (keyed by the exact token text), and only the expiry is checked again on each use.
    """
    token = _verified(raw)
    if token is None:
        return None
    try:
        token.check_exp(current_time=aware_utcnow())
    except TokenError:
        return None
    return token


@lru_cache(maxsize=4096)
def _verified(raw: str) -> AccessToken | None:
    try:
        return AccessToken(raw)
    except TokenError:
        return None


def context_from_token(token: AccessToken, *, request_id: str | None = None) -> DbContext | None:
    """The context a verified token stands for; None when its role is not one we know."""
    try:
        role = Role.from_short(str(token.get("role", "")))
    except ValueError:
        return None
    return DbContext(
        role=role,
        project=token.get("project"),
        scope=token.get("scope"),
        conversation_id=token.get("conversation"),
        request_id=request_id,
    )


class ConsoleTokenObtainPairSerializer(TokenObtainPairSerializer):
    """Token pair for a console user: the role of their groups, and their name for decided_by."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Bounded text like every other input (simplejwt's fields take any length and coerce numbers).
        self.fields[self.username_field] = TextField(write_only=True, max_length=150)
        self.fields["password"] = TextField(write_only=True, max_length=4096, style={"input_type": "password"})

    @classmethod
    def get_token(cls, user) -> RefreshToken:
        token = super().get_token(user)
        role = role_for_user(user)
        if role is not None:
            token["role"] = role.short
        token["username"] = user.get_username()
        return token


class ConsoleTokenRefreshSerializer(TokenRefreshSerializer):
    """simplejwt's refresh, its token field bounded text like every other input."""

    refresh = TextField(max_length=4096)
