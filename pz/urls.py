from django.urls import path

from pz import views

app_name = "pz"

urlpatterns = [
    path("metadane/", views.metadata, name="metadata"),
    path("zaloguj/", views.login, name="login"),
    path("acs/", views.assertion_consumer, name="acs"),
    path("slo/", views.single_logout, name="slo"),
    path("wylogowanie/<str:key>/", views.logout_continue, name="logout_continue"),
    path("migracja/", views.migration, name="migration"),
    path("konto/", views.account_information, name="account_information"),
    path("aktywuj/", views.activation_pending, name="activation_pending"),
    path("aktywuj/wyslij/", views.resend_activation, name="resend_activation"),
    path("aktywuj/<str:key>/", views.activate, name="activate"),
    path("wymagany/", views.required, name="required"),
]
