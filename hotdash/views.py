from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from django.views.defaults import page_not_found

from hotdash.health import health_report


@never_cache
@require_GET
def healthz(request):  # noqa: ARG001 - a view's signature
    healthy, report = health_report()
    return JsonResponse(report, status=200 if healthy else 503)


def not_found(request, exception):
    """A path under /api/ that matches no endpoint (`/approvals/abc/`) is a JSON refusal like any other API 404."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "No API endpoint at this path."}, status=404)
    return page_not_found(request, exception)
