"""Klienci API: the institution's staff see their API clients, their scopes and last use
(the administrator creates and changes them in the admin), and each client's webhook
endpoints with their latest deliveries and failures."""

from django.db.models import Count, Prefetch, Q
from django.urls import path
from django.views.generic import ListView

from accounts.models import Role
from accounts.permissions import RoleRequiredMixin
from api.models import ApiClient, DeliveryStatus, WebhookDelivery, WebhookEndpoint
from smk.scoping import scoped

#: How many of each endpoint's latest deliveries the page lists.
RECENT_DELIVERIES = 5
FAILED = DeliveryStatus.FAILED


class ClientListView(RoleRequiredMixin, ListView):
    roles = (Role.UNIT_STAFF, Role.UW, Role.WOJEWODA)
    template_name = "api/client_list.html"
    context_object_name = "clients"

    def get_queryset(self):
        recent = WebhookDelivery.objects.order_by("-created_at", "-pk")[:RECENT_DELIVERIES]
        endpoints = (
            WebhookEndpoint.objects.live()
            .annotate(failed=Count("deliveries", filter=Q(deliveries__status=FAILED)))
            .prefetch_related(Prefetch("deliveries", queryset=recent, to_attr="recent"))
        )
        return (
            scoped(ApiClient, self.request)
            .select_related("application", "unit", "voivodeship")
            .prefetch_related(
                Prefetch("webhook_endpoints", queryset=endpoints, to_attr="endpoints")
            )
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["has_endpoints"] = any(client.endpoints for client in context["clients"])
        return context


app_name = "api_pages"

urlpatterns = [path("", ClientListView.as_view(), name="client_list")]
