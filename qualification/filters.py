"""Search forms of the qualification screens (django-filter)."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from qualification.models import Application, FormalEvaluation, Procedure, Session
from reference.models import Field, Mode
from smk.filters import FilterSet
from smk.scoping import scoped

NOT_EVALUATED = "brak"
YES, NO = "tak", "nie"
YES_NO = [(YES, _("tak")), (NO, _("nie"))]


def _procedures_of(request):
    """Only the profile's own procedures: another voivodeship's id is not a valid choice."""
    if request is None:
        return Procedure.objects.none()
    return scoped(Procedure, request).select_related("session", "voivodeship")


class ApplicationFilter(FilterSet):
    procedure = django_filters.ModelChoiceFilter(
        label=_("Postępowanie"),
        queryset=_procedures_of,
        method="filter_procedure",
        empty_label=_("wszystkie"),
    )
    session = django_filters.ModelChoiceFilter(
        label=_("Sesja"), queryset=Session.objects.all(), empty_label=_("wszystkie")
    )
    number = django_filters.CharFilter(
        label=_("Numer wniosku"), field_name="number", lookup_expr="icontains"
    )
    name = django_filters.CharFilter(label=_("Imię lub nazwisko"), method="filter_name")
    pesel = django_filters.CharFilter(label=_("PESEL"), method="filter_pesel")
    field = django_filters.ModelChoiceFilter(
        label=_("Dziedzina"), queryset=Field.objects.all(), empty_label=_("wszystkie")
    )
    mode = django_filters.ModelChoiceFilter(
        label=_("Tryb"), queryset=Mode.objects.all(), empty_label=_("wszystkie")
    )
    formal_evaluation = django_filters.ChoiceFilter(
        label=_("Ocena formalna"),
        choices=[*FormalEvaluation.choices, (NOT_EVALUATED, _("brak oceny"))],
        method="filter_formal_evaluation",
        empty_label=_("wszystkie"),
    )
    points_entered = django_filters.ChoiceFilter(
        label=_("Wprowadzona punktacja"),
        choices=YES_NO,
        method="filter_points_entered",
        empty_label=_("wszystkie"),
    )
    qualified = django_filters.ChoiceFilter(
        label=_("Zakwalifikowany"),
        choices=YES_NO,
        method="filter_qualified",
        empty_label=_("wszystkie"),
    )

    limited_licence = django_filters.ChoiceFilter(
        label=_("Ograniczone prawo wykonywania zawodu"),
        choices=YES_NO,
        method="filter_yes_no",
        empty_label=_("wszystkie"),
    )
    repeat_residency = django_filters.ChoiceFilter(
        label=_("Ponowny wniosek o rezydenturę"),
        choices=YES_NO,
        method="filter_yes_no",
        empty_label=_("wszystkie"),
    )

    class Meta:
        model = Application
        fields = [
            "procedure",
            "session",
            "number",
            "name",
            "pesel",
            "field",
            "mode",
            "formal_evaluation",
            "points_entered",
            "qualified",
            "limited_licence",
            "repeat_residency",
        ]

    def filter_procedure(self, queryset, name, procedure):
        return queryset.filter(
            session_id=procedure.session_id, voivodeship_id=procedure.voivodeship_id
        )

    def filter_name(self, queryset, name, value):
        for word in value.split():
            queryset = queryset.filter(Q(first_name__icontains=word) | Q(last_name__icontains=word))
        return queryset

    def filter_pesel(self, queryset, name, value):
        digits = "".join(ch for ch in value if ch.isdigit())
        return queryset.filter(pesel__startswith=digits) if digits else queryset.none()

    def filter_formal_evaluation(self, queryset, name, value):
        return queryset.filter(formal_evaluation="" if value == NOT_EVALUATED else value)

    def filter_points_entered(self, queryset, name, value):
        return queryset.filter(points__isnull=value == NO)

    def filter_yes_no(self, queryset, name, value):
        return queryset.filter(**{name: value == YES})

    def filter_qualified(self, queryset, name, value):
        return queryset.filter(qualified=value == YES)
