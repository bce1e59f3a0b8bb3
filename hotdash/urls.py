from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularSwaggerSplitView

from hotdash.api.schema_view import SchemaView
from hotdash.views import healthz, healthz_details

urlpatterns = [
    # The console is the admin; "/" (and the admin's "View site" link) lead there.
    path("", RedirectView.as_view(url="/admin/", permanent=False)),
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
    path("healthz/details", healthz_details, name="healthz-details"),
    path("api/v1/", include("hotdash.api.urls")),
    path("api/schema/", SchemaView.as_view(), name="api-schema"),
    # The split view serves Swagger UI's start-up script as a file of its own: the CSP allows no inline script.
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
]

handler404 = "hotdash.views.not_found"
