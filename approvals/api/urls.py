from django.urls import path

from approvals.api.views import ApprovalDecideView, ApprovalDetailView, ApprovalListCreateView
from approvals.models import DecisionOutcome

urlpatterns = [
    path("approvals/", ApprovalListCreateView.as_view(), name="approval-list"),
    path("approvals/<int:pk>/", ApprovalDetailView.as_view(), name="approval-detail"),
    path(
        "approvals/<int:pk>/approve/",
        ApprovalDecideView.as_view(outcome=DecisionOutcome.APPROVED),
        name="approval-approve",
    ),
    path(
        "approvals/<int:pk>/reject/",
        ApprovalDecideView.as_view(outcome=DecisionOutcome.REJECTED),
        name="approval-reject",
    ),
]
