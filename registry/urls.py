from django.urls import path

from registry import views

app_name = "registry"

urlpatterns = [
    path("", views.EntryListView.as_view(), name="entry_list"),
    path("eksport.csv", views.EntryCsvView.as_view(), name="entry_list_csv"),
    path("<int:pk>/", views.EntryDetailView.as_view(), name="entry_detail"),
    path("eks/<int:pk>/", views.EKSDetailView.as_view(), name="eks_detail"),
]
