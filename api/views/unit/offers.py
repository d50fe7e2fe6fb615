"""zapiszSloty: the places the unit offers for the coming session."""

from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response

from api.idempotency import idempotent
from api.permissions import ClientHasScope, IntegrationActive
from api.serializers import StrictSerializer
from api.views.unit.common import (
    FORBIDDEN,
    INACTIVE,
    ROWS_REFUSED,
    UnitOperation,
)
from training import capacity, services
from training.models import OfferedPlaces


class OfferSerializer(StrictSerializer):
    field = serializers.CharField(max_length=64, label=gettext_lazy("kod dziedziny"))
    field_name = serializers.CharField(read_only=True, label=gettext_lazy("dziedzina"))
    places = serializers.IntegerField(
        min_value=0, max_value=9999, label=gettext_lazy("oferowane miejsca")
    )
    accreditation_places = serializers.IntegerField(
        read_only=True, label=gettext_lazy("miejsca akredytacji")
    )
    free_places = serializers.IntegerField(
        read_only=True, label=gettext_lazy("wolne miejsca (po odjęciu zajętych)")
    )
    updated_at = serializers.DateTimeField(
        read_only=True, allow_null=True, label=gettext_lazy("ostatnia zmiana")
    )


class OfferedPlacesSerializer(StrictSerializer):
    places = OfferSerializer(
        many=True, max_length=200, label=gettext_lazy("miejsca oferowane według dziedziny")
    )


def offered_data(unit) -> dict:
    offered = {o.field_id: o for o in OfferedPlaces.objects.filter(unit=unit)}
    rows = []
    for accreditation in sorted(
        services.active_accreditations(unit.pk).values(), key=lambda a: a.field.name
    ):
        offer = offered.get(accreditation.field_id)
        rows.append(
            {
                "field": accreditation.field.code,
                "field_name": accreditation.field.name,
                "places": offer.places if offer else 0,
                "accreditation_places": accreditation.places,
                "free_places": capacity.free_places(accreditation),
                "updated_at": offer.updated_at if offer else None,
            }
        )
    return {"places": rows}


class OfferedPlacesView(UnitOperation):
    serializer_class = OfferedPlacesSerializer
    permission_classes = [ClientHasScope, IntegrationActive]
    needs_active_integration = ("put",)

    @extend_schema(
        summary=gettext_lazy("Miejsca oferowane"),
        responses={200: OfferedPlacesSerializer, 403: FORBIDDEN},
    )
    def get(self, request):
        return Response(OfferedPlacesSerializer(offered_data(self.unit())).data)

    @extend_schema(
        summary=gettext_lazy("zapiszSloty — miejsca oferowane"),
        description=gettext_lazy(
            "Ile miejsc akredytacji jednostka oferuje na najbliższą sesję w każdej dziedzinie "
            "(zastępuje poprzednią deklarację; pominięta dziedzina — 0). Nigdy więcej niż "
            "wolnych miejsc: miejsca akredytacji minus zajęte przez skierowania i osoby w "
            "trakcie szkolenia. Wymaga aktywnej integracji."
        ),
        request=OfferedPlacesSerializer,
        responses={200: OfferedPlacesSerializer, 400: ROWS_REFUSED, 403: INACTIVE},
    )
    @idempotent
    def put(self, request):
        data = self.parsed(OfferedPlacesSerializer, "places")
        rows = [
            services.OfferRow(i, o["field"], o["places"]) for i, o in enumerate(data["places"], 1)
        ]
        self.write(services.save_offered_places, rows)
        return Response(OfferedPlacesSerializer(offered_data(self.unit())).data)
