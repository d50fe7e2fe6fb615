"""aktywujMus: the activation of the unit's integration."""

from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response

from api.idempotency import idempotent
from api.views.unit.common import (
    FORBIDDEN,
    UnitOperation,
)
from training import services


class IntegrationSerializer(serializers.Serializer):
    active = serializers.BooleanField(label=gettext_lazy("integracja aktywna"))
    activated_at = serializers.DateTimeField(allow_null=True, label=gettext_lazy("aktywna od"))
    activated_by = serializers.CharField(label=gettext_lazy("aktywował(a)"))
    missing = serializers.ListField(
        child=serializers.CharField(), label=gettext_lazy("czego brakuje do aktywacji")
    )


class ActivationRefusedSerializer(serializers.Serializer):
    detail = serializers.CharField(label=gettext_lazy("opis błędu"))
    missing = serializers.ListField(
        child=serializers.CharField(), label=gettext_lazy("czego brakuje do aktywacji")
    )


def integration_data(unit) -> dict:
    status_ = services.integration_status(unit.pk)
    return {
        "active": status_.is_active,
        "activated_at": status_.activated_at,
        "activated_by": status_.activated_by,
        "missing": list(status_.missing),
    }


class IntegrationView(UnitOperation):
    serializer_class = IntegrationSerializer

    @extend_schema(
        summary=gettext_lazy("Stan integracji jednostki"),
        responses={200: IntegrationSerializer, 403: FORBIDDEN},
    )
    def get(self, request):
        return Response(IntegrationSerializer(integration_data(self.unit())).data)


class ActivationView(UnitOperation):
    serializer_class = IntegrationSerializer

    @extend_schema(
        summary=gettext_lazy("aktywujMus — aktywacja integracji"),
        description=gettext_lazy(
            "Integracja staje się aktywna, gdy jednostka przekazała swoje dane i harmonogram "
            "(z co najmniej jednym terminem od dziś); aktywna pozostaje aktywna. Od aktywacji "
            "system jednostki może zapisywać miejsca oferowane i decydować o skierowaniach; "
            "urząd widzi, od kiedy jednostka jest zintegrowana."
        ),
        request=None,
        responses={
            200: IntegrationSerializer,
            403: FORBIDDEN,
            409: OpenApiResponse(
                ActivationRefusedSerializer,
                description=gettext_lazy("Brakuje danych jednostki albo harmonogramu."),
            ),
        },
    )
    @idempotent
    def post(self, request):
        unit = self.unit()
        try:
            services.activate(unit.pk, user=None, profile=request.profile)
        except services.TrainingError as error:
            return Response(
                {
                    "detail": error.message,
                    "missing": list(services.integration_status(unit.pk).missing),
                },
                status=status.HTTP_409_CONFLICT,
            )
        return Response(IntegrationSerializer(integration_data(unit)).data)
