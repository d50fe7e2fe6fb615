"""``/api/v1/webhooks/``: a client registers the addresses SMK posts signed events to.

A client sees and removes only its own endpoints (another client's, even of the same
institution, answers 404). The signing secret is in the answer to the registration only.
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import (
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from api import scopes, webhooks
from api.idempotency import idempotent
from api.models import (
    OFFICE_WEBHOOK_EVENTS,
    UNIT_WEBHOOK_EVENTS,
    WebhookDelivery,
    WebhookEndpoint,
    validate_webhook_url,
)
from api.serializers import ErrorSerializer, FieldErrorsSerializer, StrictSerializer

#: How many of an endpoint's latest deliveries its detail shows.
RECENT_DELIVERIES = 10


class DeliverySerializer(serializers.ModelSerializer):
    status_label = serializers.CharField(source="get_status_display", label=gettext_lazy("status"))

    class Meta:
        model = WebhookDelivery
        fields = [
            "id",
            "event_id",
            "event_type",
            "status",
            "status_label",
            "attempts",
            "last_status_code",
            "last_response",
            "next_attempt_at",
            "created_at",
            "last_attempt_at",
            "delivered_at",
        ]
        read_only_fields = fields


class EndpointSerializer(serializers.ModelSerializer):
    class Meta:
        model = WebhookEndpoint
        fields = ["id", "url", "event_types", "is_active", "created_at"]
        read_only_fields = fields


class EndpointDetailSerializer(EndpointSerializer):
    recent_deliveries = serializers.SerializerMethodField(
        label=gettext_lazy("ostatnie doręczenia (najnowsze najpierw)")
    )

    class Meta(EndpointSerializer.Meta):
        fields = [*EndpointSerializer.Meta.fields, "recent_deliveries"]
        read_only_fields = fields

    @extend_schema_field(DeliverySerializer(many=True))
    def get_recent_deliveries(self, endpoint) -> list[dict]:
        rows = endpoint.deliveries.order_by("-created_at", "-pk")[:RECENT_DELIVERIES]
        return DeliverySerializer(rows, many=True).data


class RegisteredEndpointSerializer(EndpointSerializer):
    secret = serializers.CharField(
        label=gettext_lazy("sekret podpisu (whsec_…)"),
        help_text=gettext_lazy("Pokazywany tylko w tej odpowiedzi — zapisz go teraz."),
    )

    class Meta(EndpointSerializer.Meta):
        fields = [*EndpointSerializer.Meta.fields, "secret"]
        read_only_fields = fields


class RegistrationSerializer(StrictSerializer):
    url = serializers.URLField(
        max_length=500,
        validators=[validate_webhook_url],
        label=gettext_lazy("adres powiadomień (URL)"),
        help_text=gettext_lazy("https://…; http:// tylko do 127.0.0.1, ::1 albo localhost."),
    )
    event_types = serializers.ListField(
        child=serializers.ChoiceField(choices=[*UNIT_WEBHOOK_EVENTS, *OFFICE_WEBHOOK_EVENTS]),
        required=False,
        allow_empty=False,
        max_length=10,
        label=gettext_lazy("zdarzenia"),
        help_text=gettext_lazy(
            "Jednostka: referral.sent, referral.withdrawn; urząd: referral.accepted, "
            "referral.rejected, referral.unit_not_started. Bez pola — wszystkie dostępne."
        ),
    )


NOT_FOUND = OpenApiResponse(ErrorSerializer, description=gettext_lazy("Nie ma takiego adresu."))


@extend_schema_view(
    list=extend_schema(summary=gettext_lazy("Adresy powiadomień klienta")),
    retrieve=extend_schema(
        summary=gettext_lazy("Adres powiadomień i jego ostatnie doręczenia"),
        responses={200: EndpointDetailSerializer, 404: NOT_FOUND},
    ),
    destroy=extend_schema(
        summary=gettext_lazy("Usuń adres powiadomień"),
        description=gettext_lazy("Adres przestaje dostawać zdarzenia."),
        responses={204: None, 404: NOT_FOUND},
    ),
)
class WebhookEndpointViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = EndpointSerializer
    pagination_class = None
    required_scope = scopes.WEBHOOKS
    institution = "any"

    def get_queryset(self):
        # The client's own endpoints, not its institution's: each system keeps its secrets.
        client = getattr(self.request, "api_client", None)  # none while the schema is made
        return WebhookEndpoint.objects.live().filter(client=client)

    def get_serializer_class(self):
        return EndpointDetailSerializer if self.action == "retrieve" else EndpointSerializer

    @extend_schema(
        summary=gettext_lazy("Zarejestruj adres powiadomień"),
        description=gettext_lazy(
            "SMK wysyła na ten adres podpisane zdarzenia (Standard Webhooks: nagłówki "
            "webhook-id, webhook-timestamp, webhook-signature). Odpowiedź zawiera sekret "
            "podpisu — jedyny raz."
        ),
        request=RegistrationSerializer,
        responses={201: RegisteredEndpointSerializer, 400: FieldErrorsSerializer},
    )
    @idempotent
    def create(self, request):
        serializer = RegistrationSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        endpoint = WebhookEndpoint(client=request.api_client, **serializer.validated_data)
        try:
            secret = webhooks.create_endpoint(endpoint, profile=request.profile)
        except DjangoValidationError as error:
            return Response(error.message_dict, status=status.HTTP_400_BAD_REQUEST)
        data = {**EndpointSerializer(endpoint).data, "secret": secret}
        return Response(data, status=status.HTTP_201_CREATED)

    def perform_destroy(self, instance):
        webhooks.remove_endpoint(instance, profile=self.request.profile)

    @extend_schema(
        summary=gettext_lazy("Wyślij zdarzenie próbne"),
        description=gettext_lazy(
            "Zdarzenie webhook.ping na ten adres, podpisane jak każde inne — do sprawdzenia "
            "weryfikacji podpisu po stronie odbiorcy."
        ),
        request=None,
        responses={202: DeliverySerializer, 404: NOT_FOUND},
    )
    @action(detail=True, methods=["post"])
    @idempotent
    def test(self, request, pk=None):
        delivery = webhooks.ping(self.get_object())
        delivery.refresh_from_db()  # an immediate queue has already tried it
        return Response(DeliverySerializer(delivery).data, status=status.HTTP_202_ACCEPTED)
