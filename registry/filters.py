"""Wyszukiwarka of the register (SPEC §6)."""

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from reference.models import Field, TrainingUnit
from registry.models import EntryKind, RegisterEntry
from smk.filters import FilterSet
from smk.scoping import scoped

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _units_in_scope(request):
    return scoped(TrainingUnit, request).order_by("name", "pk")


class RegisterEntryFilter(FilterSet):
    number = django_filters.CharFilter(
        label=_("Numer wpisu lub numer skierowania"), method="filter_number"
    )
    kind = django_filters.ChoiceFilter(
        label=_("Rodzaj wpisu"), choices=EntryKind.choices, empty_label=_("wszystkie")
    )
    date_from = django_filters.DateFilter(
        label=_("Data wpisu od"), field_name="entry_date", lookup_expr="gte", widget=DATE_INPUT
    )
    date_to = django_filters.DateFilter(
        label=_("Data wpisu do"), field_name="entry_date", lookup_expr="lte", widget=DATE_INPUT
    )
    name = django_filters.CharFilter(label=_("Imię i nazwisko"), method="filter_name")
    pesel = django_filters.CharFilter(label=_("PESEL"), method="filter_pesel")
    field = django_filters.ModelChoiceFilter(
        label=_("Dziedzina medycyny laboratoryjnej"),
        queryset=Field.objects.order_by("name"),
        empty_label=_("wszystkie"),
    )
    # Only units the profile may see are valid choices.
    unit = django_filters.ModelChoiceFilter(
        label=_("Jednostka szkoleniowa"), queryset=_units_in_scope, empty_label=_("wszystkie")
    )

    class Meta:
        model = RegisterEntry
        fields = ["number", "kind", "date_from", "date_to", "name", "pesel", "field", "unit"]

    def filter_number(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(Q(number__icontains=value) | Q(referral__number__icontains=value))

    def filter_name(self, queryset, name, value):
        # Every word must appear in the first or the last name, in any order.
        for word in value.split():
            queryset = queryset.filter(Q(first_name__icontains=word) | Q(last_name__icontains=word))
        return queryset

    def filter_pesel(self, queryset, name, value):
        return queryset.filter(pesel="".join(value.split()))
