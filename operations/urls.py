from django.urls import path

from operations import metrics, readiness

urlpatterns = [
    path("readyz", readiness.readyz, name="readyz"),
    path("metrics", metrics.metrics, name="metrics"),
]
