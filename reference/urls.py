from django.urls import path

from reference import views

app_name = "reference"

urlpatterns = [
    path("", views.TrainingUnitListView.as_view(), name="unit_list"),
    path("<int:pk>/", views.TrainingUnitDetailView.as_view(), name="unit_detail"),
]
