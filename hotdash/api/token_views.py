"""simplejwt's token views, with the refusals they can answer written into the schema."""

from drf_spectacular.utils import extend_schema
from rest_framework_simplejwt.serializers import TokenObtainPairSerializer, TokenRefreshSerializer
from rest_framework_simplejwt.views import TokenObtainPairView, TokenRefreshView

from hotdash.api.schema import refusal

# Wrong credentials or a bad refresh token are a 401. A request that also carries a bearer token acts as that
# token's database role (DbContextMiddleware), and a machine role may not read users: 403.
REFUSALS = {code: refusal(code) for code in (400, 401, 403, 413)}


@extend_schema(responses={200: TokenObtainPairSerializer, **REFUSALS})
class TokenObtainView(TokenObtainPairView):
    """POST /auth/token/: a console user's access and refresh tokens (TOKEN_OBTAIN_SERIALIZER)."""


@extend_schema(responses={200: TokenRefreshSerializer, **REFUSALS})
class TokenRefreshView(TokenRefreshView):
    """POST /auth/token/refresh/: a new access token for a refresh token."""
