"""Everything under /api/v1/."""

from django.urls import include, path

from hotdash.api.throttling import AuthTokenThrottle
from hotdash.api.token_views import TokenObtainView, TokenRefreshView

urlpatterns = [
    path("auth/token/", TokenObtainView.as_view(throttle_classes=[AuthTokenThrottle]), name="token-obtain"),
    path(
        "auth/token/refresh/", TokenRefreshView.as_view(throttle_classes=[AuthTokenThrottle]), name="token-refresh"
    ),
    path("", include("approvals.api.urls")),
    path("", include("metrics.api.urls")),
    path("", include("feedback.api.urls")),
]
