from django.urls import path

from feedback.api.views import AnnotationCreateView, FeedbackListCreateView, FeedbackNextView

urlpatterns = [
    path("feedback/", FeedbackListCreateView.as_view(), name="feedback-list"),
    path("feedback/next/", FeedbackNextView.as_view(), name="feedback-next"),
    path("feedback/<int:pk>/annotations/", AnnotationCreateView.as_view(), name="feedback-annotations"),
]
