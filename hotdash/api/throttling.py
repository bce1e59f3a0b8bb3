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
