from django.urls import path

from feedback.api.views import (
    AgreementView,
    AnnotationCreateView,
    AnnotationProgressView,
    ExportCreateView,
    ExportDetailView,
    ExportDownloadView,
    FeedbackListCreateView,
    FeedbackNextView,
    FeedbackSkipView,
    PromoteView,
    TrainingQualityView,
)

urlpatterns = [
    path("exports/", ExportCreateView.as_view(), name="training-export-list"),
    path("exports/<int:pk>/", ExportDetailView.as_view(), name="training-export-detail"),
    path("exports/<int:pk>/download/", ExportDownloadView.as_view(), name="training-export-download"),
    path("feedback/", FeedbackListCreateView.as_view(), name="feedback-list"),
    path("feedback/next/", FeedbackNextView.as_view(), name="feedback-next"),
    path("feedback/<int:pk>/skip/", FeedbackSkipView.as_view(), name="feedback-skip"),
    path("feedback/<int:pk>/promote/", PromoteView.as_view(), name="feedback-promote"),
    path("feedback/agreement/", AgreementView.as_view(), name="feedback-agreement"),
    path("feedback/<int:pk>/annotations/", AnnotationCreateView.as_view(), name="feedback-annotations"),
    # The feedback app's metrics (its own views), beside the metrics app's under the same prefix.
    path("metrics/annotation-progress/", AnnotationProgressView.as_view(), name="metrics-annotation-progress"),
    path("metrics/training-quality/", TrainingQualityView.as_view(), name="metrics-training-quality"),
]
