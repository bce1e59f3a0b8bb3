from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from django.views.defaults import page_not_found

from hotdash.groups import MONITORING
from hotdash.health import health_details, web_healthy


@never_cache
@require_GET
def healthz(request):  # noqa: ARG001 - a view's signature
    """For load balancers: this node serves or it does not, and nothing more for strangers to read."""
    healthy = web_healthy()
    return JsonResponse({"status": "ok" if healthy else "unavailable"}, status=200 if healthy else 503)


@never_cache
@require_GET
def healthz_details(request):
    """Every check, the workers that answered and the errors: staff of the Monitoring group and superusers."""
    user = request.user
    if not user.is_authenticated:
        return redirect_to_login(request.get_full_path(), "admin:login")
    allowed = user.is_active and user.is_staff and (user.is_superuser or user.groups.filter(name=MONITORING).exists())
    if not allowed:
        raise PermissionDenied("The health details are for the Monitoring group.")
    return JsonResponse(health_details())


def not_found(request, exception):
    """A path under /api/ that matches no endpoint (`/approvals/abc/`) is a JSON refusal like any other API 404."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "No API endpoint at this path."}, status=404)
    return page_not_found(request, exception)
