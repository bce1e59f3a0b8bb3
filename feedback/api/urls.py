from django.urls import path

from feedback.api.views import AgreementView, AnnotationCreateView, FeedbackListCreateView, FeedbackNextView

urlpatterns = [
    path("feedback/", FeedbackListCreateView.as_view(), name="feedback-list"),
    path("feedback/next/", FeedbackNextView.as_view(), name="feedback-next"),
    path("feedback/agreement/", AgreementView.as_view(), name="feedback-agreement"),
    path("feedback/<int:pk>/annotations/", AnnotationCreateView.as_view(), name="feedback-annotations"),
]
