"""What a voivodeship office's own systems read: its referrals, the ranking results of its
procedures and its register entries — nothing outside its voivodeship (scoped querysets)."""

import django_filters
from django.utils.translation import gettext_lazy
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers

from api import scopes
from api.filters import DateTimeFilter, IdFilter, StrictFilterSet
from api.pagination import ByIdCursor, ChangesCursor, CreatedCursor
from api.views.base import ReadListView, RowListMixin
from api.views.referrals import ReferralFilter, ReferralSerializer, as_text
from qualification.models import Application
from referrals.models import Referral
from registry.models import EntryKind, RegisterEntry


class OfficeReferralSerializer(ReferralSerializer):
    unit = serializers.CharField(
        source="unit.name", allow_null=True, label=gettext_lazy("jednostka szkoleniowa")
    )
    rank_points = serializers.DecimalField(
        max_digits=6, decimal_places=2, label=gettext_lazy("punkty")
    )

    class Meta(ReferralSerializer.Meta):
        fields = [
            *(name for name in ReferralSerializer.Meta.fields if name != "pdf_url"),
            "unit",
            "rank_points",
        ]
        read_only_fields = fields

    row_columns = (*ReferralSerializer.row_columns, "unit__name", "rank_points")

    def to_representation(self, referral):
        row = self.as_row(referral)
        data = super().to_representation(row)
        del data["pdf_url"]
        data["unit"] = as_text(row["unit__name"])
        data["rank_points"] = self.fields["rank_points"].to_representation(row["rank_points"])
        return data

    def pdf_address(self, row):
        return None  # not in this serializer's fields: no URL to build for each row


class OfficeReferralFilter(ReferralFilter):
    session = IdFilter(field_name="session_id", label=gettext_lazy("id sesji"))

    class Meta(ReferralFilter.Meta):
        fields = [*ReferralFilter.Meta.fields, "session"]


class OfficeView(ReadListView):
    institution = "office"
    required_scope = scopes.OFFICE_READ
    filter_backends = [DjangoFilterBackend]


@extend_schema_view(
    get=extend_schema(
        summary=gettext_lazy("Skierowania urzędu"),
        description=gettext_lazy(
            "Wszystkie skierowania województwa klienta, od najdawniej zmienionego."
        ),
    )
)
class OfficeReferralList(RowListMixin, OfficeView):
    serializer_class = OfficeReferralSerializer
    pagination_class = ChangesCursor
    filterset_class = OfficeReferralFilter

    def base_queryset(self):
        return Referral.objects.select_related(
            "session", "voivodeship", "field", "mode", "programme", "application", "unit"
        )


class RankingSerializer(serializers.ModelSerializer):
    session = serializers.CharField(source="session.name", label=gettext_lazy("sesja"))
    session_id = serializers.IntegerField(label=gettext_lazy("id sesji"))
    field = serializers.CharField(source="field.code", label=gettext_lazy("kod dziedziny"))
    field_name = serializers.CharField(source="field.name", label=gettext_lazy("dziedzina"))
    mode = serializers.CharField(source="mode.code", label=gettext_lazy("kod trybu"))
    formal_evaluation_label = serializers.CharField(
        source="get_formal_evaluation_display", label=gettext_lazy("ocena formalna")
    )

    class Meta:
        model = Application
        fields = [
            "id",
            "number",
            "session",
            "session_id",
            "field",
            "field_name",
            "mode",
            "first_name",
            "last_name",
            "pesel",
            "formal_evaluation",
            "formal_evaluation_label",
            "points",
            "study_result",
            "ranking_position",
            "qualified",
            "qualified_manually",
        ]
        read_only_fields = fields


class RankingFilter(StrictFilterSet):
    session = IdFilter(field_name="session_id", label=gettext_lazy("id sesji"))
    field = django_filters.CharFilter(field_name="field__code", label=gettext_lazy("kod dziedziny"))
    mode = django_filters.CharFilter(field_name="mode__code", label=gettext_lazy("kod trybu"))
    qualified = django_filters.BooleanFilter(label=gettext_lazy("zakwalifikowany"))

    class Meta:
        model = Application
        fields = ["session", "field", "mode", "qualified"]


@extend_schema_view(
    get=extend_schema(
        summary=gettext_lazy("Wyniki list rankingowych"),
        description=gettext_lazy(
            "Wnioski województwa z miejscem na liście rankingowej, punktami i wynikiem "
            "kwalifikacji (po uszeregowaniu)."
        ),
    )
)
class RankingList(OfficeView):
    serializer_class = RankingSerializer
    pagination_class = ByIdCursor
    filterset_class = RankingFilter

    def base_queryset(self):
        return Application.objects.filter(ranking_position__isnull=False).select_related(
            "session", "field", "mode"
        )


class RegisterEntrySerializer(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display", label=gettext_lazy("rodzaj"))
    referral_number = serializers.CharField(
        source="referral.number", label=gettext_lazy("numer skierowania")
    )
    field = serializers.CharField(source="field.code", label=gettext_lazy("kod dziedziny"))
    unit = serializers.CharField(
        source="unit.name", allow_null=True, label=gettext_lazy("jednostka szkoleniowa")
    )

    class Meta:
        model = RegisterEntry
        fields = [
            "id",
            "number",
            "kind",
            "kind_label",
            "entry_date",
            "referral_number",
            "first_name",
            "last_name",
            "pesel",
            "field",
            "unit",
            "reason",
            "created_at",
        ]
        read_only_fields = fields


class RegisterFilter(StrictFilterSet):
    kind = django_filters.ChoiceFilter(choices=EntryKind.choices, label=gettext_lazy("rodzaj"))
    since = DateTimeFilter(
        field_name="created_at", lookup_expr="gte", label=gettext_lazy("wpisane od (ISO 8601)")
    )

    class Meta:
        model = RegisterEntry
        fields = ["kind", "since"]


@extend_schema_view(get=extend_schema(summary=gettext_lazy("Wpisy w rejestrze")))
class RegisterList(OfficeView):
    serializer_class = RegisterEntrySerializer
    pagination_class = CreatedCursor
    filterset_class = RegisterFilter

    def base_queryset(self):
        return RegisterEntry.objects.select_related("referral", "field", "unit")
