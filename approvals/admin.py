"""The operator workbench: the approval queue, the item page, bulk decisions and live queue counts.

Every decision goes through approvals.services; this module only turns requests into service calls and
results into pages.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect, JsonResponse
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html

from approvals import selectors
from approvals.display import (
    HIDDEN_CONTROLS_WARNING,
    action_summary,
    age_text,
    call_summary,
    calls_have_hidden_controls,
    controls_escaped,
)
from approvals.models import AgentApproval, ApprovalDecision, ApprovalStatus, DecisionChannel, DecisionOutcome
from approvals.sdk_state import last_user_message
from approvals.services import (
    approval_decide,
    approval_lease_claim,
    approval_lease_release,
    approval_next_claim,
    approvals_decide_bulk,
)
from hotdash.admin import (
    ConsoleModelAdmin,
    LargeTablePaginator,
    ViewOnlyConsoleModelAdmin,
    json_text,
    service_errors_reported,
    truncated,
)

QUEUE = ApprovalStatus.PENDING
# Most approvals one bulk decision takes. Its confirmation page lists each of them (one form field apiece,
# under Django's 1,000-field limit) for the operator to read; more than this is not read, only clicked.
BULK_LIMIT = 500
TOOL_FILTER_COUNT_UP_TO = 1_000
VERBS = {DecisionOutcome.APPROVED: "approve", DecisionOutcome.REJECTED: "reject"}


class QueueStatusFilter(admin.SimpleListFilter):
    """Status, where no choice means the queue (pending): what an operator opens the page for."""

    title = "status"
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return [(QUEUE, "Pending (the queue)"), *[(value, label) for value, label in ApprovalStatus.choices if value != QUEUE], ("all", "All")]

    def value(self):
        return super().value() or QUEUE

    def choices(self, changelist):
        for lookup, title in self.lookup_choices:
            yield {
                "selected": self.value() == lookup,
                "query_string": changelist.get_query_string({self.parameter_name: lookup}),
                "display": title,
            }

    def queryset(self, request, queryset):
        return queryset if self.value() == "all" else queryset.filter(status=self.value())


class AgentFilter(admin.SimpleListFilter):
    title = "agent"
    parameter_name = "agent"

    def lookups(self, request, model_admin):
        return [(agent, agent) for agent in selectors.approval_pending_choices("agent")]

    def queryset(self, request, queryset):
        return queryset.filter(agent=self.value()) if self.value() else queryset


class ToolFilter(admin.SimpleListFilter):
    title = "tool"
    parameter_name = "tool"

    def lookups(self, request, model_admin):
        return [(tool, tool) for tool in selectors.approval_pending_choices("tool")]

    def queryset(self, request, queryset):
        return queryset.filter(tool_names__contains=[self.value()]) if self.value() else queryset


class SlaFilter(admin.SimpleListFilter):
    title = "SLA"
    parameter_name = "sla"

    def lookups(self, request, model_admin):
        return [("breached", "Breached"), ("within", "Within SLA")]

    def queryset(self, request, queryset):
        if self.value() == "breached":
            return queryset.filter(status=QUEUE, created_at__lt=selectors.sla_deadline())
        if self.value() == "within":
            return queryset.filter(status=QUEUE, created_at__gte=selectors.sla_deadline())
        return queryset


@admin.register(AgentApproval)
class AgentApprovalAdmin(ConsoleModelAdmin):
    list_display = ["number", "age", "agent", "conversation_id", "action", "status_badge"]
    list_display_links = ["number", "action"]
    list_filter = [QueueStatusFilter, SlaFilter, AgentFilter, ToolFilter]
    search_fields = ["=conversation_id", "=call_id"]
    search_help_text = "Exact conversation id or tool call id."
    list_per_page = 50
    # The table holds millions of decided rows: never count all of them for a page, nor per filter choice.
    paginator = LargeTablePaginator
    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER
    actions = ["approve_selected", "reject_selected"]
    change_list_template = "approvals/admin/queue.html"

    class Media:
        css = {"all": ["approvals/workbench.css"]}
        js = ["approvals/workbench.js"]

    # --- the queue -----------------------------------------------------------------------------------

    def get_ordering(self, request):
        # The queue is served oldest first from its partial index; history newest first.
        if request.GET.get("status", QUEUE) == QUEUE:
            return ["created_at", "id"]
        return ["-created_at", "-id"]

    def get_queryset(self, request):
        if request.resolver_match and request.resolver_match.url_name == "approvals_agentapproval_change":
            # The item page shows the run state and the decision: one query for both.
            return selectors.approval_list().select_related("decision")
        # Lists never show the run state (8 kB of JSON a row).
        return selectors.approval_list().defer("serialized")

    def get_paginator(self, request, queryset, per_page, orphans=0, allow_empty_first_page=True):
        # The queue's header has counted the queue (and its breached part) already, exactly, in this request:
        # the page count reuses that instead of counting the same rows again.
        # The tool filter (tool_names @> ARRAY[...]) has no index that counts it in order: counting 10,000 of its
        # rows read 60,000 heap rows (130 ms at 100k pending), so it counts 20 pages' worth (1,000) at most.
        return self.paginator(queryset, per_page, orphans, allow_empty_first_page, known_count=_counted(request),
                              count_up_to=TOOL_FILTER_COUNT_UP_TO if request.GET.get("tool") else None)

    def get_list_display(self, request):
        # The history (any status but the queue's) says who decided and why; the queue has nothing to say there.
        if request.GET.get("status", QUEUE) == QUEUE:
            return self.list_display
        return [*self.list_display, "decided_by", "decision_reason"]

    @admin.display(description="#", ordering="id")
    def number(self, approval):
        return approval.pk

    @admin.display(description="Age", ordering="created_at")
    def age(self, approval):
        now = timezone.now()
        if approval.status != QUEUE and approval.decided_at is not None:
            # History: when it was decided, not how long it would have been waiting by now.
            return format_html(
                '<span class="decided" title="{} UTC">{} {} ago</span>',
                f"{approval.decided_at:%Y-%m-%d %H:%M:%S}",
                approval.get_status_display().lower(),
                age_text(approval.decided_at, now),
            )
        text = age_text(approval.created_at, now)
        if approval.status == QUEUE and approval.created_at < selectors.sla_deadline():
            return format_html('<span class="sla-breached" title="Past the SLA">{}</span>', text)
        return format_html('<span class="sla-ok">{}</span>', text)

    @admin.display(description="Decided by", ordering="approved_by")
    def decided_by(self, approval):
        if approval.status == ApprovalStatus.EXPIRED:
            return "nobody (expired)"
        return approval.approved_by or "—"

    @admin.display(description="Reason")
    def decision_reason(self, approval):
        return truncated(approval.reason, 80) if approval.reason else "—"

    @admin.display(description="Wants to")
    def action(self, approval):
        summary = action_summary(approval.last_interruptions)
        if calls_have_hidden_controls(approval.last_interruptions):
            return format_html('<span class="hidden-controls" title="{}">⚠</span> {}', HIDDEN_CONTROLS_WARNING, summary)
        return summary

    @admin.display(description="Status", ordering="status")
    def status_badge(self, approval):
        return format_html('<span class="status status-{}">{}</span>', approval.status, approval.get_status_display())

    def changelist_view(self, request, extra_context=None):
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        request.queue_stats = selectors.approval_queue_stats()
        extra_context = {
            **(extra_context or {}),
            "queue_stats": request.queue_stats,
            "queue_stats_url": reverse("admin:approvals_agentapproval_queue_stats"),
            "next_url": reverse("admin:approvals_agentapproval_next"),
            "sla_minutes": settings.HOTDASH_APPROVAL_SLA_SECONDS // 60,
        }
        return super().changelist_view(request, extra_context)

    # --- what nobody does here -----------------------------------------------------------------------

    def has_add_permission(self, request):
        return False  # approvals come from agents, through the API

    def has_delete_permission(self, request, obj=None):
        return False  # an approval is an audit record; retention removes old ones

    # --- the item page -------------------------------------------------------------------------------

    def get_urls(self):
        own = [
            path("queue-stats/", self.admin_site.admin_view(self.queue_stats_view), name="approvals_agentapproval_queue_stats"),
            path("next/", self.admin_site.admin_view(self.next_view), name="approvals_agentapproval_next"),
            path("<int:pk>/decide/", self.admin_site.admin_view(self.decide_view), name="approvals_agentapproval_decide"),
        ]
        return own + super().get_urls()

    def change_view(self, request, object_id, form_url="", extra_context=None):
        approval = self.get_object(request, object_id)
        if approval is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        can_decide = approval.status == QUEUE and self.has_change_permission(request, approval)
        lease = approval_lease_claim(approval_id=approval.pk, holder=request.user.get_username()) if can_decide else None
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": f"Approval #{approval.pk}",
            "approval": approval,
            "calls": [
                {
                    **call,
                    "summary": call_summary(call),
                    "arguments_json": controls_escaped(json_text(call.get("arguments") or {})),
                    "hidden_controls": calls_have_hidden_controls([call]),
                }
                for call in approval.last_interruptions
            ],
            "hidden_controls_warning": HIDDEN_CONTROLS_WARNING,
            "user_message": last_user_message(approval.serialized or {}),
            "raw_state": controls_escaped(json_text(approval.serialized)),
            "age": age_text(approval.created_at, timezone.now()),
            "decided_ago": age_text(approval.decided_at, timezone.now()) if approval.decided_at else None,
            "decided_after": age_text(approval.created_at, approval.decided_at) if approval.decided_at else None,
            "breached": approval.status == QUEUE and approval.created_at < selectors.sla_deadline(),
            "sla_minutes": settings.HOTDASH_APPROVAL_SLA_SECONDS // 60,
            "can_decide": can_decide,
            "someone_else": lease if lease and lease.holder != request.user.get_username() else None,
            "decision": selectors.approval_decision_of(approval),
            "decide_url": reverse("admin:approvals_agentapproval_decide", args=[approval.pk]),
            "next_url": reverse("admin:approvals_agentapproval_next") + f"?skip={approval.pk}",
            "queue_url": reverse("admin:approvals_agentapproval_changelist"),
            **(extra_context or {}),
        }
        return TemplateResponse(request, "approvals/admin/item.html", context)

    def decide_view(self, request, pk: int):
        if request.method != "POST":
            return HttpResponseRedirect(reverse("admin:approvals_agentapproval_change", args=[pk]))
        return _decide(self, request, pk)


    def next_view(self, request):
        if not self.has_change_permission(request):
            raise PermissionDenied
        skip = request.GET.get("skip", "")
        exclude = [int(skip)] if skip.isdigit() else []
        if exclude:
            approval_lease_release(approval_id=exclude[0], holder=request.user.get_username())
        return _redirect_to_next(request, exclude)

    def queue_stats_view(self, request):
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        stats = selectors.approval_queue_stats()
        oldest = stats.oldest_created_at
        return JsonResponse(
            {
                "pending": stats.pending,
                "breached": stats.breached,
                "oldest_age_seconds": int((timezone.now() - oldest).total_seconds()) if oldest else None,
            },
            headers={"Cache-Control": "no-store"},
        )

    # --- bulk decisions ------------------------------------------------------------------------------

    @admin.action(description="Approve selected approvals…", permissions=["change"])
    def approve_selected(self, request, queryset):
        return self._bulk(request, queryset, DecisionOutcome.APPROVED, "approve_selected")

    @admin.action(description="Reject selected approvals…", permissions=["change"])
    def reject_selected(self, request, queryset):
        return self._bulk(request, queryset, DecisionOutcome.REJECTED, "reject_selected")

    def _bulk(self, request, queryset, outcome: str, action: str):
        approvals = list(queryset.order_by("created_at", "id")[: BULK_LIMIT + 1])
        if len(approvals) > BULK_LIMIT:
            self.message_user(
                request,
                f"Nothing was decided: one bulk decision takes at most {BULK_LIMIT} approvals, and more are "
                "selected. Narrow the list with a filter and decide it in parts.",
                messages.ERROR,
            )
            return None
        reason = request.POST.get("reason", "")
        if request.POST.get("confirmed") == "yes":
            with service_errors_reported(request, failed="Nothing was decided") as call:
                result = approvals_decide_bulk(
                    approval_ids=[a.pk for a in approvals],
                    outcome=outcome,
                    decided_by=request.user.get_username(),
                    reason=reason,
                    request_id=request.request_id,
                    client_request_id=request.client_request_id,
                )
            if not call.failed:
                self.message_user(request, f"{outcome.capitalize()} {len(result.decided)} approval(s).", messages.SUCCESS)
                if result.skipped:
                    skipped = ", ".join(f"#{pk} ({status})" for pk, status in result.skipped.items())
                    self.message_user(request, f"Already decided, left as they were: {skipped}.", messages.WARNING)
                return None
        return TemplateResponse(
            request,
            "approvals/admin/bulk_confirm.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.opts,
                "title": f"{VERBS[outcome].capitalize()} {len(approvals)} approval(s)?",
                "outcome": outcome,
                "verb": VERBS[outcome],
                "action": action,
                "reason": reason,
                "rows": [
                    {
                        "approval": a,
                        "calls": [call_summary(call, whole=True) for call in a.last_interruptions],
                        "hidden_controls": calls_have_hidden_controls(a.last_interruptions),
                        "age": age_text(a.created_at, timezone.now()),
                    }
                    for a in approvals
                ],
                "hidden_controls_warning": HIDDEN_CONTROLS_WARNING,
                "pending_count": sum(a.status == QUEUE for a in approvals),
                "action_checkbox_name": ACTION_CHECKBOX_NAME,
            },
        )


# The queue page's query strings whose list is exactly what the header counts: nothing but the status
# (pending, the default), the page and the order, and at most the SLA filter.
_COUNTED_PARAMETERS = {"status", "p", "o", "sla"}


def _counted(request) -> int | None:
    stats = getattr(request, "queue_stats", None)
    if stats is None or not set(request.GET) <= _COUNTED_PARAMETERS or request.GET.get("status", QUEUE) != QUEUE:
        return None
    return {None: stats.pending, "breached": stats.breached, "within": stats.pending - stats.breached}.get(
        request.GET.get("sla")
    )


def _decide(model_admin: AgentApprovalAdmin, request, pk: int):
    if not model_admin.has_change_permission(request):
        raise PermissionDenied
    outcome = request.POST.get("outcome")
    here = reverse("admin:approvals_agentapproval_change", args=[pk])
    with service_errors_reported(request, failed="Not decided") as call:
        approval = approval_decide(
            approval_id=pk,
            outcome=outcome,
            decided_by=request.user.get_username(),
            reason=request.POST.get("reason"),
            via=DecisionChannel.ADMIN,
            request_id=request.request_id,
            client_request_id=request.client_request_id,
        )
    if call.failed:
        return HttpResponseRedirect(here)
    messages.success(request, f"Approval #{pk} {approval.status}.")
    if request.POST.get("then") == "next":
        return _redirect_to_next(request, [pk])
    return HttpResponseRedirect(here)


def _redirect_to_next(request, exclude: list[int]):
    following = approval_next_claim(holder=request.user.get_username(), exclude=exclude)
    if following is None:
        messages.info(request, "The queue is clear: no pending approval that someone else does not have open.")
        return HttpResponseRedirect(reverse("admin:approvals_agentapproval_changelist"))
    return HttpResponseRedirect(reverse("admin:approvals_agentapproval_change", args=[following.pk]))



@admin.register(ApprovalDecision)
class ApprovalDecisionAdmin(ViewOnlyConsoleModelAdmin):
    """The decision audit trail: every decision and expiry, who made it and through what. Append-only."""

    list_display = ["created_at", "approval_link", "outcome", "decided_by", "via", "reason"]
    list_filter = ["outcome", "via"]
    search_fields = ["=decided_by", "=approval__id"]
    paginator = LargeTablePaginator
    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER

    @admin.display(description="Approval", ordering="approval_id")
    def approval_link(self, decision):
        url = reverse("admin:approvals_agentapproval_change", args=[decision.approval_id])
        return format_html('<a href="{}">#{}</a>', url, decision.approval_id)
