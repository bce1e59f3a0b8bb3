"""Rate limits of the token endpoints, counted per client address in the default cache (Redis)."""

from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle


class AuthTokenThrottle(SimpleRateThrottle):
    """HOTDASH_AUTH_TOKEN_RATE requests per address to /auth/token/ and /auth/token/refresh/ together.

    django-axes locks a username out after failed passwords; this bounds how fast one address can try at all
    (many usernames, or refresh tokens).
    """

    scope = "auth-token"

    def get_rate(self) -> str:
        # Read per request, not once at import as DRF's class attribute would: the rate is a setting.
        return api_settings.DEFAULT_THROTTLE_RATES[self.scope]

    def get_cache_key(self, request, view) -> str:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class TieredRateThrottle(SimpleRateThrottle):
    """Requests per minute by tier: anonymous callers by address, console users and machine clients by subject.

    Rates are HOTDASH_API_RATE_ANON / _USER / _MACHINE (DRF rates, default 10, 100 and 1000 a minute); a machine
    client is a token from `issue_token` (its subject is `<role>:<client>`). Over the rate DRF answers 429 with
    Retry-After. Counted in Redis; when Redis does not answer the request goes through (fail open): a cache
    outage must not take the API down with it.
    """

    def __init__(self):
        """The rate depends on the request's tier: chosen in allow_request."""

    def allow_request(self, request, view) -> bool:
        tier, ident = self._tier(request)
        self.scope = f"api-{tier}"
        self.rate = api_settings.DEFAULT_THROTTLE_RATES[self.scope]
        self.num_requests, self.duration = self.parse_rate(self.rate)
        self.ident = ident
        try:
            return super().allow_request(request, view)
        except Exception:
            return True

    def get_cache_key(self, request, view) -> str:
        return self.cache_format % {"scope": self.scope, "ident": self.ident}

    def _tier(self, request) -> tuple[str, str]:
        if request.user is None or not request.user.is_authenticated:
            return "anon", self.get_ident(request)
        subject = str(request.auth.get("user_id", "")) if hasattr(request.auth, "get") else ""
        context = getattr(request._request, "db_context", None)
        if context is not None and subject.startswith(f"{context.role.short}:"):
            return "machine", subject
        return "user", subject or str(request.user.pk)
