"""What a locked-out login gets back (django-axes calls it): 429 with the reason, JSON for the API."""

from django.conf import settings
from django.http import HttpResponse, JsonResponse


def lockout_response(request, original_response, credentials) -> HttpResponse:  # noqa: ARG001 - axes' signature
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    message = f"Too many failed logins for this username from this address: try again in {minutes} minutes."
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": message, "code": "locked_out"}, status=429)
    return HttpResponse(message, status=429, content_type="text/plain; charset=utf-8")
