"""The administrator creates, suspends, reactivates and revokes API clients here; the secret
is shown once, on the page after it is made. Webhook endpoints too, and the deliveries' call
log, read-only, with "Ponów"."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from api import services, webhooks
from api.models import (
    ApiClient,
    ClientStatus,
    WebhookDelivery,
    WebhookEndpoint,
    WebhookEventType,
)
from api.scopes import OFFICE_SCOPES, SCOPES, UNIT_SCOPES


class ApiClientForm(forms.ModelForm):
    scopes = forms.MultipleChoiceField(
        label=gettext_lazy("uprawnienia (zakresy)"),
        choices=[(name, f"{name} — {text}") for name, text in SCOPES.items()],
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = ApiClient
        fields = ["name", "unit", "voivodeship", "scopes"]

    def clean(self):
        cleaned = super().clean()
        unit, voivodeship = cleaned.get("unit"), cleaned.get("voivodeship")
        if bool(unit) == bool(voivodeship):
            raise ValidationError(
                _("Wskaż jedną instytucję: jednostkę szkoleniową albo urząd wojewódzki.")
            )
        allowed = UNIT_SCOPES if unit else OFFICE_SCOPES
        wrong = [name for name in cleaned.get("scopes", []) if name not in allowed]
        if wrong:
            self.add_error(
                "scopes",
                _("Te zakresy nie są dostępne dla tej instytucji: %(scopes)s.")
                % {"scopes": ", ".join(wrong)},
            )
        return cleaned


def _change_status(status, done):
    def act(modeladmin, request, queryset):
        for client in queryset.exclude(status=ClientStatus.REVOKED):
            services.set_status(
                client, status, reason=_("Zmiana w panelu administracyjnym"), user=request.user
            )
        modeladmin.message_user(request, done, messages.SUCCESS)

    return act


@admin.register(ApiClient)
class ApiClientAdmin(admin.ModelAdmin):
    form = ApiClientForm
    list_display = ["name", "institution", "client_id_display", "status", "last_used_at"]
    list_filter = ["status"]
    search_fields = ["name", "unit__name", "application__client_id"]
    list_select_related = ["unit", "voivodeship", "application"]
    autocomplete_fields = ["unit"]
    readonly_fields = [
        "client_id_display",
        "status",
        "status_changed_at",
        "last_used_at",
        "created_at",
    ]
    actions = ["suspend", "reactivate", "revoke", "rotate_secret"]

    @admin.display(description=gettext_lazy("instytucja"))
    def institution(self, obj):
        return obj.institution_name

    @admin.display(description=gettext_lazy("identyfikator klienta (client_id)"))
    def client_id_display(self, obj):
        return obj.application.client_id if obj.application_id else "—"

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        return [*fields, "unit", "voivodeship"] if obj is not None else fields

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        secret = services.create_client(obj, user=request.user)
        messages.warning(
            request,
            format_html(
                _(
                    "Klient API utworzony. client_id: <code>{}</code>, client_secret: "
                    "<code>{}</code> — zapisz sekret teraz: nie zostanie pokazany ponownie."
                ),
                obj.application.client_id,
                secret,
            ),
        )

    def has_delete_permission(self, request, obj=None):
        return False  # revoke instead: the history keeps naming the client

    @admin.action(description=gettext_lazy("Zawieś wybranych klientów"))
    def suspend(self, request, queryset):
        _change_status(ClientStatus.SUSPENDED, _("Klienci zawieszeni."))(self, request, queryset)

    @admin.action(description=gettext_lazy("Przywróć wybranych klientów"))
    def reactivate(self, request, queryset):
        _change_status(ClientStatus.ACTIVE, _("Klienci przywróceni."))(
            self, request, queryset.filter(status=ClientStatus.SUSPENDED)
        )

    @admin.action(description=gettext_lazy("Odwołaj wybranych klientów (nieodwracalne)"))
    def revoke(self, request, queryset):
        _change_status(ClientStatus.REVOKED, _("Klienci odwołani."))(self, request, queryset)

    @admin.action(description=gettext_lazy("Nadaj nowy sekret"))
    def rotate_secret(self, request, queryset):
        for client in queryset.filter(status=ClientStatus.ACTIVE).select_related("application"):
            secret = services.rotate_secret(client, user=request.user)
            messages.warning(
                request,
                format_html(
                    _("{}: nowy client_secret <code>{}</code> — zapisz go teraz."),
                    client.name,
                    secret,
                ),
            )


# ---- Webhooks ------------------------------------------------------------------------------


class WebhookEndpointForm(forms.ModelForm):
    event_types = forms.MultipleChoiceField(
        label=gettext_lazy("zdarzenia"),
        choices=[
            (name, f"{name} — {label}")
            for name, label in WebhookEventType.choices
            if name != WebhookEventType.PING
        ],
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=gettext_lazy("Bez zaznaczenia — wszystkie dostępne dla instytucji klienta."),
    )

    class Meta:
        model = WebhookEndpoint
        fields = ["client", "url", "event_types", "is_active"]


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(admin.ModelAdmin):
    form = WebhookEndpointForm
    list_display = ["url", "client", "is_active", "removed_at", "created_at"]
    list_filter = ["is_active"]
    search_fields = ["url", "client__name"]
    list_select_related = ["client"]
    autocomplete_fields = ["client"]
    readonly_fields = ["created_at", "removed_at"]

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        return [*fields, "client"] if obj is not None else fields

    def save_model(self, request, obj, form, change):
        if change:
            obj.event_types = obj.event_types or list(obj.allowed_events())
            super().save_model(request, obj, form, change)
            return
        secret = webhooks.create_endpoint(obj, user=request.user)
        messages.warning(
            request,
            format_html(
                _(
                    "Adres powiadomień zapisany. Sekret podpisu: <code>{}</code> — przekaż go "
                    "klientowi teraz: nie zostanie pokazany ponownie."
                ),
                secret,
            ),
        )

    def has_delete_permission(self, request, obj=None):
        return False  # switch it off instead: its deliveries stay in the call log


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin):
    """The call log: read-only, with "Ponów" for what did not get through."""

    list_display = [
        "created_at",
        "event_type",
        "endpoint",
        "client",
        "status",
        "attempts",
        "last_status_code",
        "next_attempt_at",
    ]
    list_filter = ["status", "event_type"]
    search_fields = ["event_id", "endpoint__url", "endpoint__client__name"]
    list_select_related = ["endpoint__client"]
    date_hierarchy = "created_at"
    actions = ["retry"]

    @admin.display(description=gettext_lazy("klient API"))
    def client(self, obj):
        return obj.endpoint.client

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=gettext_lazy("Ponów"), permissions=["change"])
    def retry(self, request, queryset):
        count = webhooks.retry(queryset)
        self.message_user(
            request, _("Ponowiono doręczenia: %(count)s.") % {"count": count}, messages.SUCCESS
        )
