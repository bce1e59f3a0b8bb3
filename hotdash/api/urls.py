"""Everything under /api/v1/."""

from django.urls import include, path
from rest_framework_simplejwt.views import TokenObtainPairView, TokenRefreshView

from hotdash.api.throttling import AuthTokenThrottle

urlpatterns = [
    path("auth/token/", TokenObtainPairView.as_view(throttle_classes=[AuthTokenThrottle]), name="token-obtain"),
    path(
        "auth/token/refresh/", TokenRefreshView.as_view(throttle_classes=[AuthTokenThrottle]), name="token-refresh"
    ),
    path("", include("approvals.api.urls")),
    path("", include("metrics.api.urls")),
    path("", include("feedback.api.urls")),
]
