from django import template
from django.contrib import admin
from django.urls import reverse

from feedback import selectors
from feedback.models import AgentFeedback

register = template.Library()


@register.inclusion_tag("feedback/admin/home_tile.html", takes_context=True)
def annotator_tile(context):
    """The annotator's tile on the admin's home page, where they arrive: "annotate next" and their progress.

    Shown to whoever the drafts' admin lets annotate (the Annotators group, whose database role writes
    annotations); nothing for anyone else, and no query either.
    """
    request = context["request"]
    feedback_admin = admin.site._registry.get(AgentFeedback)
    if feedback_admin is None or not request.user.is_staff or not feedback_admin.has_change_permission(request):
        return {"mine": None}
    return {
        "mine": selectors.progress_mine(request.user.get_username()),
        "progress_url": reverse("admin:feedback_agentfeedback_progress"),
        "next_url": reverse("admin:feedback_agentfeedback_annotate_next"),
    }
