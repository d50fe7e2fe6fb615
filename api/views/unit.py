"""The training unit's own data, for the unit's system (the seed 004 operations): its data
(``zapiszDaneMus``), its schedule (``zapiszHarmonogram``), the trainees already in training
(``zasilInicjalnie``), the places it offers (``zapiszSloty``) and the activation of its
integration (``aktywujMus``).

Thin views over :mod:`training.services`, the same functions as the "Szkolenie w jednostce"
screens, so the same rules, locks and history (which names the API client). Every operation
needs ``unit:write`` (reads too: the system that keeps the data reads it back;
``referrals:read`` is for referrals only). Writes take ``Idempotency-Key``.

Which writes need an active integration: the steps that lead to the activation — data,
schedule, initial load — and the activation itself are open to an inactive unit; the offered
places (what the office plans with) and the decisions on referrals
(:mod:`api.views.referrals`) answer 403 with the reason until it is active
(:class:`api.permissions.IntegrationActive`).
"""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import CursorPagination
from rest_framework.response import Response

from api import scopes
from api.etag import ETagMixin
from api.idempotency import idempotent
from api.permissions import ClientHasScope, IntegrationActive
from api.serializers import ErrorSerializer, StrictSerializer
from reference.models import TrainingUnit
from smk.scoping import get_scoped_object_or_404, scoped
from training import capacity, services
from training.models import (
    MAX_NOTIFICATION_EMAILS,
    OfferedPlaces,
    ScheduledStart,
    Trainee,
    UnitContact,
)

# ---- what every unit operation shares ------------------------------------------------------


class RowErrorSerializer(serializers.Serializer):
    row = serializers.IntegerField(label=gettext_lazy("numer wiersza (od 1)"))
    field = serializers.CharField(label=gettext_lazy("pole"))
    message = serializers.CharField(label=gettext_lazy("opis błędu"))


class RowsRefusedSerializer(serializers.Serializer):
    """400 of a list of rows: nothing was written; every row's problem is named."""

    detail = serializers.CharField(label=gettext_lazy("opis błędu"))
    errors = RowErrorSerializer(many=True, label=gettext_lazy("błędy w wierszach"))


ROWS_REFUSED = OpenApiResponse(
    RowsRefusedSerializer,
    description=gettext_lazy("Błędy w wierszach (z numerami) — nic nie zostało zapisane."),
)
FORBIDDEN = OpenApiResponse(
    ErrorSerializer,
    description=gettext_lazy("Brak uprawnienia unit:write albo klient nie należy do jednostki."),
)
INACTIVE = OpenApiResponse(
    ErrorSerializer,
    description=gettext_lazy(
        "Brak uprawnienia albo integracja jednostki nie jest aktywna (powód w „detail”)."
    ),
)


class UnitOperation(ETagMixin, generics.GenericAPIView):
    institution = "unit"
    required_scope = scopes.UNIT_WRITE

    def handle_exception(self, exc):
        if isinstance(exc, RowsRefused):
            return Response(exc.body, status=status.HTTP_400_BAD_REQUEST)
        return super().handle_exception(exc)

    def unit(self) -> TrainingUnit:
        return get_scoped_object_or_404(
            TrainingUnit.objects.select_related("voivodeship"),
            self.request,
            pk=self.request.api_client.unit_id,
        )

    def parsed(self, serializer_class, rows_name=None) -> dict:
        """The body, parsed; a bad row of ``rows_name`` is told by its number (1, 2, …)."""
        serializer = serializer_class(data=self.request.data)
        if serializer.is_valid():
            return serializer.validated_data
        errors = serializer.errors
        by_row = errors.get(rows_name) if rows_name else None
        # DRF gives a list's item errors as {"index": {field: [...]}} (or a list of them).
        if isinstance(by_row, list) and all(isinstance(e, dict) for e in by_row):
            by_row = dict(enumerate(by_row))
        if isinstance(by_row, dict) and all(isinstance(e, dict) for e in by_row.values()):
            raise RowsRefused(
                [
                    services.RowError(int(index) + 1, name, str(message))
                    for index, fields in sorted(by_row.items(), key=lambda item: int(item[0]))
                    for name, messages in fields.items()
                    for message in messages
                ]
            )
        raise ValidationError(errors)

    def write(self, service, *args, **kwargs):
        """Call the service for the client's unit, as the client (the history names it)."""
        try:
            return service(self.unit().pk, *args, **kwargs, user=None, profile=self.request.profile)
        except services.TrainingError as error:
            if error.row_errors:
                raise RowsRefused(error.row_errors) from None
            if error.field_errors:
                raise ValidationError(error.field_errors) from None
            raise ValidationError({"detail": error.message}) from None


class RowsRefused(Exception):
    """400 with every bad row named (:class:`RowsRefusedSerializer`): row numbers stay
    numbers, which DRF's ``ValidationError`` would turn into strings."""

    def __init__(self, row_errors):
        super().__init__()
        self.body = {
            "detail": _("Nic nie zostało zapisane: popraw wiersze z błędami i wyślij całość."),
            "errors": [
                {"row": e.row, "field": e.field, "message": str(e.message)} for e in row_errors
            ],
        }


# ---- zapiszDaneMus -------------------------------------------------------------------------


class UnitDataSerializer(StrictSerializer):
    id = serializers.IntegerField(read_only=True, label=gettext_lazy("id jednostki"))
    name = serializers.CharField(read_only=True, label=gettext_lazy("nazwa"))
    address = serializers.CharField(read_only=True, label=gettext_lazy("adres"))
    voivodeship = serializers.CharField(read_only=True, label=gettext_lazy("województwo"))
    nip = serializers.CharField(read_only=True, label=gettext_lazy("NIP"))
    regon = serializers.CharField(read_only=True, label=gettext_lazy("REGON"))
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


def unit_data(unit: TrainingUnit) -> dict:
    contact = UnitContact.objects.filter(unit=unit).first()
    return {
        "id": unit.pk,
        "name": unit.name,
        "address": unit.address,
        "voivodeship": unit.voivodeship.name,
        "nip": unit.nip,
        "regon": unit.regon,
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
        responses={200: UnitDataSerializer, 403: FORBIDDEN},
    )
    def get(self, request):
        return Response(UnitDataSerializer(unit_data(self.unit())).data)

    @extend_schema(
        summary=gettext_lazy("zapiszDaneMus — dane jednostki"),
        description=gettext_lazy(
            "Dane kontaktowe jednostki i adresy e-mail do powiadomień (zastępują poprzednie)."
        ),
        request=UnitDataSerializer,
        responses={200: UnitDataSerializer, 400: ErrorSerializer, 403: FORBIDDEN},
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
        unit = self.unit()
        return Response(UnitDataSerializer(unit_data(unit)).data)


# ---- zapiszHarmonogram ---------------------------------------------------------------------


class StartSerializer(StrictSerializer):
    field = serializers.CharField(max_length=64, label=gettext_lazy("kod dziedziny"))
    field_name = serializers.CharField(read_only=True, label=gettext_lazy("dziedzina"))
    date = serializers.DateField(label=gettext_lazy("data rozpoczęcia szkolenia"))
    places = serializers.IntegerField(
        min_value=1, max_value=9999, label=gettext_lazy("liczba miejsc tego terminu")
    )


class ScheduleSerializer(StrictSerializer):
    starts = StartSerializer(
        many=True,
        max_length=services.MAX_SCHEDULED_STARTS,
        label=gettext_lazy("terminy rozpoczęcia szkolenia"),
    )


def schedule_data(unit) -> dict:
    return {
        "starts": [
            {
                "field": s.field.code,
                "field_name": s.field.name,
                "date": s.starts_on,
                "places": s.places,
            }
            for s in ScheduledStart.objects.filter(unit=unit).select_related("field")
        ]
    }


class ScheduleView(UnitOperation):
    serializer_class = ScheduleSerializer

    @extend_schema(
        summary=gettext_lazy("Harmonogram rozpoczęć"),
        responses={200: ScheduleSerializer, 403: FORBIDDEN},
    )
    def get(self, request):
        return Response(ScheduleSerializer(schedule_data(self.unit())).data)

    @extend_schema(
        summary=gettext_lazy("zapiszHarmonogram — harmonogram rozpoczęć"),
        description=gettext_lazy(
            "Cały harmonogram (zastępuje poprzedni): dla każdej akredytowanej dziedziny daty, "
            "od których jednostka może rozpocząć szkolenie, i liczba miejsc każdego terminu "
            "(najwyżej tyle, ile miejsc ma akredytacja)."
        ),
        request=ScheduleSerializer,
        responses={200: ScheduleSerializer, 400: ROWS_REFUSED, 403: FORBIDDEN},
    )
    @idempotent
    def put(self, request):
        data = self.parsed(ScheduleSerializer, "starts")
        rows = [
            services.StartRow(i, s["field"], s["date"], s["places"])
            for i, s in enumerate(data["starts"], 1)
        ]
        self.write(services.save_schedule, rows)
        return Response(ScheduleSerializer(schedule_data(self.unit())).data)


# ---- zasilInicjalnie -----------------------------------------------------------------------


class TraineeRowSerializer(StrictSerializer):
    pesel = serializers.CharField(max_length=11, label=gettext_lazy("PESEL"))
    field = serializers.CharField(max_length=64, label=gettext_lazy("kod dziedziny"))
    start_date = serializers.DateField(label=gettext_lazy("data rozpoczęcia szkolenia"))
    end_date = serializers.DateField(
        required=False,
        allow_null=True,
        label=gettext_lazy("data zakończenia szkolenia"),
        help_text=gettext_lazy("Tylko gdy szkolenie się zakończyło: osoba zwalnia wtedy miejsce."),
    )


class TraineeLoadSerializer(StrictSerializer):
    trainees = TraineeRowSerializer(
        many=True,
        allow_empty=False,
        max_length=services.MAX_TRAINEE_ROWS,
        label=gettext_lazy("osoby w trakcie szkolenia"),
    )


class LoadResultSerializer(serializers.Serializer):
    created = serializers.IntegerField(label=gettext_lazy("nowych osób"))
    updated = serializers.IntegerField(label=gettext_lazy("zmienionych"))
    unchanged = serializers.IntegerField(label=gettext_lazy("bez zmian"))


class TraineeSerializer(serializers.ModelSerializer):
    field = serializers.CharField(source="field.code", label=gettext_lazy("kod dziedziny"))
    field_name = serializers.CharField(source="field.name", label=gettext_lazy("dziedzina"))
    start_date = serializers.DateField(source="started_on", label=gettext_lazy("data rozpoczęcia"))
    end_date = serializers.DateField(
        source="ended_on", allow_null=True, label=gettext_lazy("data zakończenia")
    )
    in_training = serializers.BooleanField(label=gettext_lazy("w trakcie szkolenia"))

    class Meta:
        model = Trainee
        fields = [
            "id",
            "pesel",
            "field",
            "field_name",
            "start_date",
            "end_date",
            "in_training",
            "updated_at",
        ]
        read_only_fields = fields


class TraineeCursor(CursorPagination):
    ordering = ("id",)
    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = 1000


class TraineesView(UnitOperation, generics.ListAPIView):
    serializer_class = TraineeSerializer
    pagination_class = TraineeCursor

    def get_queryset(self):
        return scoped(Trainee.objects.select_related("field"), self.request)

    @extend_schema(summary=gettext_lazy("Osoby w trakcie szkolenia"))
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        summary=gettext_lazy("zasilInicjalnie — osoby w trakcie szkolenia"),
        description=gettext_lazy(
            "Zasilenie inicjalne: osoby, które już odbywają szkolenie w jednostce (PESEL, "
            "dziedzina, data rozpoczęcia), do 5000 wierszy w jednym żądaniu. Wszystkie wiersze "
            "albo żaden: błędy wracają z numerami wierszy (od 1). Ta sama osoba w tej samej "
            "dziedzinie nie jest dodawana drugi raz (wysłanie tego samego zasilenia ponownie "
            "niczego nie zmienia). Osoby w trakcie szkolenia zajmują miejsca akredytacji."
        ),
        request=TraineeLoadSerializer,
        responses={
            200: LoadResultSerializer,
            400: ROWS_REFUSED,
            403: FORBIDDEN,
            413: OpenApiResponse(ErrorSerializer, description=gettext_lazy("Treść za duża.")),
        },
    )
    @idempotent
    def post(self, request):
        data = self.parsed(TraineeLoadSerializer, "trainees")
        rows = [
            services.TraineeRow(
                i, t["pesel"].strip(), t["field"].strip(), t["start_date"], t.get("end_date")
            )
            for i, t in enumerate(data["trainees"], 1)
        ]
        result = self.write(services.load_trainees, rows)
        return Response(LoadResultSerializer(vars(result)).data)


# ---- zapiszSloty ---------------------------------------------------------------------------


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


# ---- aktywujMus ----------------------------------------------------------------------------


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
