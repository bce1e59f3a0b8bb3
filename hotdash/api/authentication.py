from rest_framework_simplejwt.authentication import JWTStatelessUserAuthentication
from rest_framework_simplejwt.exceptions import InvalidToken

from hotdash.tokens import token_revoked


class BearerTokenAuthentication(JWTStatelessUserAuthentication):
    """simplejwt's stateless bearer authentication, reusing the token DbContextMiddleware already verified.

    The middleware needs the token's claims before the view runs (they choose the database role); verifying
    the signature a second time here would only cost time. A token the middleware refused is verified again,
    so the client gets simplejwt's own 401 and reason ("Token has been revoked" for a revoked one).
    """

    def authenticate(self, request):
        token = getattr(request._request, "access_token", None)
        if token is None:
            return super().authenticate(request)
        return self.get_user(token), token

    def get_validated_token(self, raw_token):
        token = super().get_validated_token(raw_token)
        if token_revoked(token):
            raise InvalidToken({"detail": "Token has been revoked", "code": "token_not_valid"})
        return token
