from django.urls import path

from ssozi import views

app_name = "ssozi"

urlpatterns = [
    path("", views.legacy_login, name="move"),
    path("podsumowanie/<int:pk>/", views.summary, name="summary"),
]
