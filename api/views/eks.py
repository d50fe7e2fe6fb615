"""The EKS of the unit's trainees, for the unit's own system (issue 17, item 9): where each
training stands — the card's status, its kierownik, and every element of the programme with
what is confirmed and what waits. Read only: the entries and their confirmations are made
in the card's screens, by the diagnostician and the kierownik themselves."""

import django_filters
from django.utils.translation import gettext_lazy
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers

from api import scopes
from api.filters import StrictFilterSet
from api.pagination import ByIdCursor
from api.views.base import ReadViewSet
from eks.models import Card
from eks.queries import kierownik_of, progress_of, with_progress
from eks.statuses import EntryStatus
from reference.models import ElementKind
from registry.models import EKSStatus


class ElementProgressSerializer(serializers.Serializer):
    module = serializers.CharField(label=gettext_lazy("moduł"))
    element_id = serializers.IntegerField(label=gettext_lazy("id elementu programu"))
    name = serializers.CharField(label=gettext_lazy("element programu"))
    kind = serializers.ChoiceField(choices=ElementKind.choices, label=gettext_lazy("rodzaj"))
    required = serializers.IntegerField(
        label=gettext_lazy("wymagane (kurs: 1, staż: tygodnie, procedura: liczba wykonań)")
    )
    confirmed = serializers.IntegerField(label=gettext_lazy("potwierdzone"))
    waiting = serializers.IntegerField(label=gettext_lazy("czeka na potwierdzenie"))
    done = serializers.BooleanField(label=gettext_lazy("zrealizowany"))
    planned_year = serializers.IntegerField(
        allow_null=True, label=gettext_lazy("rok rocznego planu szkolenia")
    )


class KierownikSerializer(serializers.Serializer):
    name = serializers.CharField(label=gettext_lazy("imię i nazwisko"))
    since = serializers.DateField(label=gettext_lazy("kierownik od"))


class CardSerializer(serializers.ModelSerializer):
    status_label = serializers.CharField(label=gettext_lazy("status"))
    field = serializers.CharField(source="field.code", label=gettext_lazy("kod dziedziny"))
    field_name = serializers.CharField(source="field.name", label=gettext_lazy("dziedzina"))
    mode = serializers.CharField(source="mode.code", label=gettext_lazy("kod trybu"))
    programme = serializers.CharField(
        source="programme.name", label=gettext_lazy("program specjalizacji")
    )
    referral_number = serializers.CharField(
        source="referral.number", label=gettext_lazy("numer skierowania")
    )
    kierownik = serializers.SerializerMethodField(label=gettext_lazy("kierownik specjalizacji"))
    elements_done = serializers.SerializerMethodField(
        label=gettext_lazy("zrealizowane elementy programu")
    )
    elements_total = serializers.SerializerMethodField(label=gettext_lazy("elementy programu"))
    entries_waiting = serializers.SerializerMethodField(
        label=gettext_lazy("wpisy czekające na potwierdzenie")
    )
    elements = serializers.SerializerMethodField(label=gettext_lazy("postęp według elementów"))

    class Meta:
        model = Card
        fields = [
            "id",
            "number",
            "status",
            "status_label",
            "first_name",
            "last_name",
            "pesel",
            "field",
            "field_name",
            "mode",
            "programme",
            "referral_number",
            "start_date",
            "planned_end",
            "kierownik",
            "elements_done",
            "elements_total",
            "entries_waiting",
            "elements",
            "completion_confirmed_at",
            "verified_at",
            "version",
        ]
        read_only_fields = fields

    def get_kierownik(self, card) -> KierownikSerializer(allow_null=True):
        appointment = kierownik_of(card)
        if appointment is None:
            return None
        user = appointment.kierownik.user
        return {"name": user.get_full_name() or user.email, "since": appointment.since}

    def get_elements_done(self, card) -> int:
        return progress_of(card).done_count

    def get_elements_total(self, card) -> int:
        return len(progress_of(card).elements)

    def get_entries_waiting(self, card) -> int:
        return progress_of(card).counts.get(EntryStatus.SUBMITTED, 0)

    def get_elements(self, card) -> ElementProgressSerializer(many=True):
        return [
            {
                "module": module.module.name,
                "element_id": item.element.pk,
                "name": item.element.name,
                "kind": item.element.kind,
                "required": item.required,
                "confirmed": item.confirmed,
                "waiting": item.waiting,
                "done": item.done,
                "planned_year": item.planned_year,
            }
            for module in progress_of(card).modules
            for item in module.elements
        ]


class CardFilter(StrictFilterSet):
    status = django_filters.MultipleChoiceFilter(
        choices=EKSStatus.choices, label=gettext_lazy("status karty (można podać kilka)")
    )
    field = django_filters.CharFilter(field_name="field__code", label=gettext_lazy("kod dziedziny"))

    class Meta:
        model = Card
        fields = ["status", "field"]


@extend_schema_view(
    list=extend_schema(
        summary=gettext_lazy("EKS specjalizantów jednostki"),
        description=gettext_lazy(
            "Elektroniczne Karty Specjalizacji osób szkolących się w jednostce klienta: status "
            "karty, kierownik specjalizacji i postęp według elementów programu."
        ),
    ),
    retrieve=extend_schema(summary=gettext_lazy("EKS specjalizanta")),
)
class UnitCardViewSet(ReadViewSet):
    serializer_class = CardSerializer
    pagination_class = ByIdCursor
    filter_backends = [DjangoFilterBackend]
    filterset_class = CardFilter
    institution = "unit"
    required_scope = scopes.REFERRALS_READ

    def base_queryset(self):
        return with_progress(Card.objects.all())
