from django.urls import path

from feedback.api.views import ExportCreateView, ExportDetailView, ExportDownloadView

urlpatterns = [
    path("exports/", ExportCreateView.as_view(), name="training-export-list"),
    path("exports/<int:pk>/", ExportDetailView.as_view(), name="training-export-detail"),
    path("exports/<int:pk>/download/", ExportDownloadView.as_view(), name="training-export-download"),
]
