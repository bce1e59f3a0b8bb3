from django.urls import path
from rest_framework.routers import SimpleRouter

from metrics.api import views

router = SimpleRouter()
router.register("facts", views.FactViewSet, basename="fact")
router.register("decision-sync-events", views.DecisionSyncEventViewSet, basename="decision-sync-event")
router.register("metrics/agent-performance", views.AgentPerformanceViewSet, basename="agent-performance")
router.register("metrics/agent-accuracy", views.AgentAccuracyViewSet, basename="agent-accuracy")
router.register("metrics/approval-queue", views.ApprovalQueueViewSet, basename="approval-queue")
router.register("metrics/approval-queue-depth", views.ApprovalQueueDepthViewSet, basename="approval-queue-depth")
router.register("metrics/agent-kpis", views.AgentKpisViewSet, basename="agent-kpis")
router.register("metrics/data-quality", views.DataQualityViewSet, basename="data-quality")

urlpatterns = [
    path("queries/", views.AgentQueryIngestView.as_view(), name="query-ingest"),
    path("logs/", views.ObservabilityLogIngestView.as_view(), name="log-ingest"),
    *router.urls,
]
