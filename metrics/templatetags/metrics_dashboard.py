from django import template

from metrics.dashboard import dashboard_tiles

register = template.Library()


@register.inclusion_tag("admin/metrics/dashboard.html", takes_context=True)
def metrics_dashboard(context):
    """The dashboard's tiles for the viewing staff member (none when their role reads no metrics)."""
    request = context["request"]
    return {"tiles": dashboard_tiles(request) if request.user.is_staff else []}
