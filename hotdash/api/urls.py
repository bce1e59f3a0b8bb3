"""Everything under /api/v1/."""

from django.urls import include, path
from rest_framework_simplejwt.views import TokenObtainPairView, TokenRefreshView

urlpatterns = [
    path("auth/token/", TokenObtainPairView.as_view(), name="token-obtain"),
    path("auth/token/refresh/", TokenRefreshView.as_view(), name="token-refresh"),
    path("", include("approvals.api.urls")),
    path("", include("metrics.api.urls")),
    path("", include("feedback.api.urls")),
]
