"""The referrals addressed to a training unit, for the unit's own system (seed 000 §12).

List (filters, cursor pagination, ETag), one referral, its PDF, and the unit's decisions
"Akceptuj" and "Odrzuć" — the same services as the unit's screens, so the same rules, locks,
e-mails and history (the history names the API client). A referral no longer open to the
decision answers 409 with its current status; ``Idempotency-Key`` makes a retry safe.
"""

import django_filters
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_filters.rest_framework import DjangoFilterBackend
from django_fsm import ConcurrentTransition
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from api import scopes
from api.filters import DateTimeFilter, StrictFilterSet
from api.idempotency import idempotent
from api.pagination import ChangesCursor
from api.permissions import ClientHasScope, IntegrationActive
from api.serializers import ErrorSerializer, FieldErrorsSerializer, StrictSerializer
from api.views.base import ReadViewSet, RowListMixin
from referrals import services
from referrals.models import DecidedBy, DecisionKind, Referral, ReferralStatus
from referrals.pdf import is_issued, is_issued_document, referral_pdf_response


class ApplicantSerializer(serializers.Serializer):
    first_name = serializers.CharField(label=gettext_lazy("imię"))
    last_name = serializers.CharField(label=gettext_lazy("nazwisko"))
    pesel = serializers.CharField(label=gettext_lazy("PESEL"))
    licence_number = serializers.CharField(
        label=gettext_lazy("numer wpisu na listę diagnostów laboratoryjnych")
    )
    email = serializers.EmailField(label=gettext_lazy("adres e-mail"))
    phone = serializers.CharField(label=gettext_lazy("telefon"))


APPLICANT_FIELDS = tuple(ApplicantSerializer._declared_fields)


def as_text(value):
    """What DRF's CharField makes of a value: ``None`` stays, anything else is a string."""
    return None if value is None else str(value)


class ReferralSerializer(serializers.ModelSerializer):
    status_label = serializers.CharField(source="get_status_display", label=gettext_lazy("status"))
    session = serializers.CharField(source="session.name", label=gettext_lazy("sesja"))
    voivodeship = serializers.CharField(
        source="voivodeship.name", label=gettext_lazy("województwo (wystawił)")
    )
    field = serializers.CharField(source="field.code", label=gettext_lazy("kod dziedziny"))
    field_name = serializers.CharField(source="field.name", label=gettext_lazy("dziedzina"))
    mode = serializers.CharField(source="mode.code", label=gettext_lazy("kod trybu"))
    mode_name = serializers.CharField(source="mode.name", label=gettext_lazy("tryb"))
    programme = serializers.CharField(
        source="programme.name", allow_null=True, label=gettext_lazy("program specjalizacji")
    )
    application_number = serializers.CharField(
        source="application.number", label=gettext_lazy("numer wniosku")
    )
    applicant = ApplicantSerializer(source="application", label=gettext_lazy("Diagnosta"))
    # Blank until decided: said in the schema (a read-only model field would drop the blank).
    decision = serializers.ChoiceField(
        choices=DecisionKind.choices, allow_blank=True, label=gettext_lazy("kod decyzji")
    )
    decision_label = serializers.CharField(
        source="get_decision_display", label=gettext_lazy("decyzja")
    )
    decided_by_kind = serializers.ChoiceField(
        choices=DecidedBy.choices, allow_blank=True, label=gettext_lazy("decyzję wprowadził")
    )
    pdf_url = serializers.SerializerMethodField(label=gettext_lazy("adres PDF skierowania"))

    class Meta:
        model = Referral
        fields = [
            "id",
            "number",
            "status",
            "status_label",
            "session",
            "voivodeship",
            "field",
            "field_name",
            "mode",
            "mode_name",
            "unit_id",
            "programme",
            "planned_start",
            "planned_end",
            "application_number",
            "applicant",
            "sent_at",
            "decision",
            "decision_label",
            "decided_by_kind",
            "decision_justification",
            "decided_at",
            "version",
            "updated_at",
            "pdf_url",
        ]
        read_only_fields = fields

    #: What a row of the list is read from, as ``QuerySet.values()`` names it: the list reads
    #: no model instances (building seven of them a row, with django-fsm's bookkeeping, was
    #: most of a page's time); one referral (detail, decisions) is read the same way.
    row_columns = (
        "id",
        "number",
        "status",
        "session__name",
        "voivodeship__name",
        "field__code",
        "field__name",
        "mode__code",
        "mode__name",
        "unit_id",
        "programme__name",
        "planned_start",
        "planned_end",
        "application__number",
        *(f"application__{name}" for name in APPLICANT_FIELDS),
        "sent_at",
        "decision",
        "decided_by_kind",
        "decision_justification",
        "decided_at",
        "version",
        "updated_at",
    )

    def to_representation(self, referral):
        """The fields declared above, from a row of :attr:`row_columns` or a referral.

        DRF's generic path looks every field's source up through ``get_attribute`` and
        ``get_FIELD_display``. The result is the same, field for field
        (tests/api/test_unit_referrals.py compares the two for referrals in several statuses),
        and the schema still comes from the declared fields.
        """
        row = self.as_row(referral)
        fields = self.fields
        labels = self._labels()

        def formatted(name):
            value = row[name]
            return None if value is None else fields[name].to_representation(value)

        status, decision = row["status"], row["decision"]
        return {
            "id": row["id"],
            "number": as_text(row["number"]),
            "status": status,
            "status_label": labels["status"].get(status, status),
            "session": as_text(row["session__name"]),
            "voivodeship": as_text(row["voivodeship__name"]),
            "field": as_text(row["field__code"]),
            "field_name": as_text(row["field__name"]),
            "mode": as_text(row["mode__code"]),
            "mode_name": as_text(row["mode__name"]),
            "unit_id": row["unit_id"],
            "programme": as_text(row["programme__name"]),
            "planned_start": formatted("planned_start"),
            "planned_end": formatted("planned_end"),
            "application_number": as_text(row["application__number"]),
            "applicant": {name: as_text(row[f"application__{name}"]) for name in APPLICANT_FIELDS},
            "sent_at": formatted("sent_at"),
            "decision": decision,
            "decision_label": labels["decision"].get(decision, decision),
            "decided_by_kind": row["decided_by_kind"],
            "decision_justification": as_text(row["decision_justification"]),
            "decided_at": formatted("decided_at"),
            "version": row["version"],
            "updated_at": formatted("updated_at"),
            "pdf_url": self.pdf_address(row),
        }

    def as_row(self, referral) -> dict:
        """A row of the list as it is, or the row of a referral (detail, decisions)."""
        return referral if isinstance(referral, dict) else self.row_of(referral)

    @classmethod
    def row_of(cls, referral) -> dict:
        """A referral's :attr:`row_columns`, followed through its related objects."""
        row = {}
        for column in cls.row_columns:
            value = referral
            for name in column.split("__"):
                value = None if value is None else getattr(value, name)
            row[column] = value
        return row

    def _labels(self) -> dict:
        """The statuses' and decisions' names in the request's language, once a page."""
        if not hasattr(self, "_label_cache"):
            self._label_cache = {
                "status": {value: str(label) for value, label in ReferralStatus.choices},
                "decision": {value: str(label) for value, label in DecisionKind.choices},
            }
        return self._label_cache

    def get_pdf_url(self, referral) -> str | None:
        return self.pdf_address(self.row_of(referral))

    def pdf_address(self, row) -> str | None:
        if not is_issued(row["status"], row["sent_at"], row["decided_by_kind"]):
            return None
        request = self.context["request"]
        return request.build_absolute_uri(f"/api/v1/referrals/{row['id']}/pdf/")


class ReferralFilter(StrictFilterSet):
    status = django_filters.MultipleChoiceFilter(
        choices=ReferralStatus.choices, label=gettext_lazy("status (można podać kilka)")
    )
    field = django_filters.CharFilter(field_name="field__code", label=gettext_lazy("kod dziedziny"))
    changed_since = DateTimeFilter(
        field_name="updated_at",
        lookup_expr="gte",
        label=gettext_lazy("zmienione od (ISO 8601, np. 2026-12-01T00:00:00+01:00)"),
    )

    class Meta:
        model = Referral
        fields = ["status", "field", "changed_since"]


class DecisionSerializer(StrictSerializer):
    version = serializers.IntegerField(
        required=False,
        min_value=1,
        label=gettext_lazy("wersja skierowania"),
        help_text=gettext_lazy(
            "Wersja, którą system jednostki widział; inna niż bieżąca — odpowiedź 409."
        ),
    )


class RejectionSerializer(DecisionSerializer):
    justification = serializers.CharField(
        max_length=4000, label=gettext_lazy("uzasadnienie decyzji")
    )


class ConflictSerializer(serializers.Serializer):
    detail = serializers.CharField(label=gettext_lazy("opis błędu"))
    status = serializers.CharField(label=gettext_lazy("kod bieżącego statusu"))
    status_label = serializers.CharField(label=gettext_lazy("bieżący status"))
    version = serializers.IntegerField(label=gettext_lazy("bieżąca wersja"))


DECISION_RESPONSES = {
    200: ReferralSerializer,
    400: FieldErrorsSerializer,
    403: OpenApiResponse(
        ErrorSerializer,
        description=gettext_lazy(
            "Brak uprawnienia referrals:decide albo integracja jednostki nie jest aktywna "
            "(powód w „detail”)."
        ),
    ),
    404: OpenApiResponse(ErrorSerializer, description=gettext_lazy("Nie ma takiego skierowania.")),
    409: OpenApiResponse(
        ConflictSerializer,
        description=gettext_lazy("Skierowanie już zdecydowane albo zmienione w międzyczasie."),
    ),
}


@extend_schema_view(
    list=extend_schema(
        summary=gettext_lazy("Skierowania do jednostki"),
        description=gettext_lazy(
            "Skierowania wysłane do jednostki klienta, od najdawniej zmienionego; filtr "
            "changed_since zwraca tylko zmienione od podanej chwili."
        ),
    ),
    retrieve=extend_schema(summary=gettext_lazy("Skierowanie")),
)
class UnitReferralViewSet(RowListMixin, ReadViewSet):
    serializer_class = ReferralSerializer
    pagination_class = ChangesCursor
    filter_backends = [DjangoFilterBackend]
    filterset_class = ReferralFilter
    institution = "unit"
    # Deciding through the API waits for the unit's integration (api/views/unit.py says why).
    permission_classes = [ClientHasScope, IntegrationActive]
    needs_active_integration = ("accept", "reject")
    required_scopes = {
        "list": scopes.REFERRALS_READ,
        "retrieve": scopes.REFERRALS_READ,
        "pdf": scopes.REFERRALS_READ,
        "accept": scopes.REFERRALS_DECIDE,
        "reject": scopes.REFERRALS_DECIDE,
    }

    def base_queryset(self):
        return Referral.objects.select_related(
            "session", "voivodeship", "field", "mode", "programme", "application"
        )

    @extend_schema(
        summary=gettext_lazy("PDF skierowania"),
        responses={
            (200, "application/pdf"): OpenApiTypes.BINARY,
            404: OpenApiResponse(ErrorSerializer),
        },
    )
    @action(detail=True, methods=["get"])
    def pdf(self, request, pk=None):
        referral = self.get_object()
        if not is_issued_document(referral):
            return Response(
                {"detail": _("Skierowanie w tym statusie nie ma dokumentu PDF.")},
                status=status.HTTP_404_NOT_FOUND,
            )
        return referral_pdf_response(referral, request=request._request)

    @extend_schema(
        summary=gettext_lazy("Akceptuj"),
        description=gettext_lazy(
            "Potwierdzenie rozpoczęcia szkolenia: status „Specjalizacja rozpoczęta”, EKS i "
            "wpis w rejestrze — jak przycisk „Akceptuj”."
        ),
        request=DecisionSerializer,
        responses=DECISION_RESPONSES,
    )
    @action(detail=True, methods=["post"])
    @idempotent
    def accept(self, request, pk=None):
        referral = self.get_object()  # another unit's referral: 404 before the body is read
        return self._decide(referral, services.accept, self._valid(DecisionSerializer))

    @extend_schema(
        summary=gettext_lazy("Odrzuć"),
        description=gettext_lazy(
            "Odrzucenie skierowania z uzasadnieniem: miejsce zostaje zwolnione, urząd "
            "otrzymuje nowe skierowanie do wystawienia — jak przycisk „Odrzuć”."
        ),
        request=RejectionSerializer,
        responses=DECISION_RESPONSES,
    )
    @action(detail=True, methods=["post"])
    @idempotent
    def reject(self, request, pk=None):
        referral = self.get_object()
        return self._decide(referral, services.reject, self._valid(RejectionSerializer))

    def _valid(self, serializer_class) -> dict:
        serializer = serializer_class(data=self.request.data)
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)

    def _decide(self, referral, service, data):
        version = data.pop("version", None)
        try:
            service(referral.pk, version=version, user=None, profile=self.request.profile, **data)
        except (services.StaleReferral, ConcurrentTransition):
            return self._conflict(referral.pk, str(services.STALE_MESSAGE))
        except services.ReferralError as error:
            if error.field_errors:
                return Response(
                    {name: [str(m)] for name, m in error.field_errors.items()},
                    status=status.HTTP_400_BAD_REQUEST,
                )
            return self._conflict(referral.pk, str(error))
        fresh = self.get_object()
        return Response(self.get_serializer(fresh).data)

    def _conflict(self, pk, message):
        current = Referral.objects.only("status", "version").get(pk=pk)
        return Response(
            {
                "detail": message,
                "status": current.status,
                "status_label": current.get_status_display(),
                "version": current.version,
            },
            status=status.HTTP_409_CONFLICT,
        )
