"""Klienci API: the institution's staff see their API clients, their scopes and last use
(the administrator creates and changes them in the admin)."""

from django.urls import path
from django.views.generic import ListView

from accounts.models import Role
from accounts.permissions import RoleRequiredMixin
from api.models import ApiClient
from smk.scoping import scoped


class ClientListView(RoleRequiredMixin, ListView):
    roles = (Role.UNIT_STAFF, Role.UW, Role.WOJEWODA)
    template_name = "api/client_list.html"
    context_object_name = "clients"

    def get_queryset(self):
        return scoped(ApiClient, self.request).select_related("application", "unit", "voivodeship")


app_name = "api_pages"

urlpatterns = [path("", ClientListView.as_view(), name="client_list")]
