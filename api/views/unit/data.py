"""zapiszDaneMus: the unit's data."""

from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response

from api.idempotency import idempotent
from api.serializers import ErrorSerializer, StrictSerializer, UnitRegistrySerializer
from api.views.unit.common import (
    FORBIDDEN,
    UnitOperation,
)
from reference.models import TrainingUnit
from training import services
from training.models import (
    MAX_NOTIFICATION_EMAILS,
    UnitContact,
)


class UnitDataSerializer(StrictSerializer):
    id = serializers.IntegerField(read_only=True, label=gettext_lazy("id jednostki"))
    name = serializers.CharField(read_only=True, label=gettext_lazy("nazwa"))
    address = serializers.CharField(read_only=True, label=gettext_lazy("adres"))
    voivodeship = serializers.CharField(read_only=True, label=gettext_lazy("województwo"))
    nip = serializers.CharField(read_only=True, label=gettext_lazy("NIP"))
    regon = serializers.CharField(read_only=True, label=gettext_lazy("REGON"))
    registry = UnitRegistrySerializer(read_only=True, label=gettext_lazy("dane rejestrowe"))
    contact_person = serializers.CharField(max_length=200, label=gettext_lazy("osoba do kontaktu"))
    phone = serializers.CharField(max_length=32, label=gettext_lazy("telefon"))
    email = serializers.EmailField(label=gettext_lazy("e-mail do kontaktu"))
    notification_emails = serializers.ListField(
        child=serializers.EmailField(),
        max_length=MAX_NOTIFICATION_EMAILS,
        required=False,
        label=gettext_lazy("adresy e-mail do powiadomień"),
        help_text=gettext_lazy(
            "Na te adresy przychodzą wiadomości o skierowaniach wysłanych do jednostki i "
            "wycofanych; pusta lista — na konta pracowników jednostki."
        ),
    )
    updated_at = serializers.DateTimeField(
        read_only=True, allow_null=True, label=gettext_lazy("ostatnia zmiana")
    )


class UnitDataAnswerSerializer(UnitDataSerializer):
    """What the unit's data reads as: before the first ``zapiszDaneMus`` the contact fields
    are empty, the e-mail too (no address yet to check the format of)."""

    email = serializers.CharField(
        label=gettext_lazy("e-mail do kontaktu"),
        help_text=gettext_lazy("Pusty, dopóki jednostka nie podała swoich danych."),
    )


def unit_data(unit: TrainingUnit) -> dict:
    contact = UnitContact.objects.filter(unit=unit).first()
    return {
        "id": unit.pk,
        "name": unit.name,
        "address": unit.address,
        "voivodeship": unit.voivodeship.name,
        "nip": unit.nip,
        "regon": unit.regon,
        "registry": unit,
        "contact_person": contact.contact_person if contact else "",
        "phone": contact.phone if contact else "",
        "email": contact.email if contact else "",
        "notification_emails": contact.notification_emails if contact else [],
        "updated_at": contact.updated_at if contact else None,
    }


class UnitDataView(UnitOperation):
    serializer_class = UnitDataSerializer

    @extend_schema(
        summary=gettext_lazy("Dane jednostki"),
        description=gettext_lazy(
            "Dane z katalogu (nazwa, adres, NIP, REGON — prowadzi je administrator) i dane "
            "kontaktowe, które podała jednostka."
        ),
        responses={200: UnitDataAnswerSerializer, 403: FORBIDDEN},
    )
    def get(self, request):
        return Response(UnitDataAnswerSerializer(unit_data(self.unit())).data)

    @extend_schema(
        summary=gettext_lazy("zapiszDaneMus — dane jednostki"),
        description=gettext_lazy(
            "Dane kontaktowe jednostki i adresy e-mail do powiadomień (zastępują poprzednie)."
        ),
        request=UnitDataSerializer,
        responses={200: UnitDataAnswerSerializer, 400: ErrorSerializer, 403: FORBIDDEN},
    )
    @idempotent
    def put(self, request):
        data = self.parsed(UnitDataSerializer)
        self.write(
            services.save_contact,
            contact_person=data["contact_person"],
            phone=data["phone"],
            email=data["email"],
            notification_emails=data.get("notification_emails", []),
        )
        return Response(UnitDataAnswerSerializer(unit_data(self.unit())).data)
