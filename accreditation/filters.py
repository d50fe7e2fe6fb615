"""The search forms: the accrediting body's queue of requests and list of accreditations,
and the public "Wykaz jednostek akredytowanych"."""

import django_filters
from django.db.models import Q, TextChoices
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accreditation.models import RequestKind, RequestStatus
from reference.accreditations import AccreditationStatus
from reference.models import Field, Voivodeship
from smk.filters import FilterSet


class RequestFilter(FilterSet):
    """The queue: every submitted request, the oldest waiting first."""

    q = django_filters.CharFilter(label=_("Numer wniosku lub nazwa jednostki"), method="search")
    status = django_filters.ChoiceFilter(
        label=_("Status"),
        choices=[(s.value, s.label) for s in RequestStatus if s != RequestStatus.DRAFT],
        empty_label=_("wszystkie"),
    )
    kind = django_filters.ChoiceFilter(
        label=_("Wniosek dotyczy"), choices=RequestKind.choices, empty_label=_("wszystkie")
    )
    field = django_filters.ModelChoiceFilter(
        label=_("Dziedzina"), queryset=Field.objects.order_by("name"), empty_label=_("wszystkie")
    )
    voivodeship = django_filters.ModelChoiceFilter(
        label=_("Województwo jednostki"),
        field_name="unit__voivodeship",
        queryset=Voivodeship.objects.order_by("name"),
        empty_label=_("wszystkie"),
    )

    def search(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(Q(number__icontains=value) | Q(unit__name__icontains=value))


class AccreditationState(TextChoices):
    IN_FORCE = "w-mocy", _("w mocy")
    EXPIRING = "wygasajace", _("w mocy, wygasają w ciągu 90 dni")
    SUSPENDED = "zawieszone", _("zawieszone")
    WITHDRAWN = "cofniete", _("cofnięte")
    EXPIRED = "wygasle", _("wygasłe")


class UnitSearchFilter(FilterSet):
    """Unit (name or city), voivodeship and field: what the public list and the body's list
    both search by."""

    q = django_filters.CharFilter(label=_("Nazwa jednostki lub miejscowość"), method="search")
    voivodeship = django_filters.ModelChoiceFilter(
        label=_("Województwo"),
        field_name="unit__voivodeship",
        queryset=Voivodeship.objects.order_by("name"),
        empty_label=_("wszystkie"),
    )
    field = django_filters.ModelChoiceFilter(
        label=_("Dziedzina"), queryset=Field.objects.order_by("name"), empty_label=_("wszystkie")
    )

    def search(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(Q(unit__name__icontains=value) | Q(unit__city__icontains=value))


class AccreditationFilter(UnitSearchFilter):
    """The accrediting body's list of every accreditation of a field."""

    state = django_filters.ChoiceFilter(
        label=_("Stan"),
        choices=AccreditationState.choices,
        empty_label=_("wszystkie"),
        method="filter_state",
    )

    def filter_state(self, queryset, name, value):
        today = timezone.localdate()
        if value == AccreditationState.IN_FORCE:
            return queryset.active(today)
        if value == AccreditationState.EXPIRING:
            return queryset.expiring(today)
        if value == AccreditationState.SUSPENDED:
            return queryset.filter(status=AccreditationStatus.SUSPENDED)
        if value == AccreditationState.WITHDRAWN:
            return queryset.filter(status=AccreditationStatus.WITHDRAWN)
        return queryset.filter(valid_to__lt=today)


def _programme_field_filter():
    return django_filters.ModelChoiceFilter(
        label=_("Dziedzina"),
        field_name="internship__module__programme__field",
        queryset=Field.objects.order_by("name"),
        empty_label=_("wszystkie"),
    )


class InternshipSearchFilter(UnitSearchFilter):
    """The same criteria for internships: their field is their programme's."""

    field = _programme_field_filter()


class InternshipAccreditationFilter(AccreditationFilter):
    field = _programme_field_filter()
