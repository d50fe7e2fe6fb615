import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.institutions import REQUESTABLE_KINDS
from accounts.models import Profile, ProfileStatus, Role, RoleRequest, RoleRequestStatus
from reference.models import Voivodeship
from smk.filters import FilterSet

KINDS = [(kind.value, kind.label) for kind in REQUESTABLE_KINDS]


class RoleRequestFilter(FilterSet):
    """The administrator's queue: pending requests first of all, narrowed as needed."""

    q = django_filters.CharFilter(label=_("Numer wniosku, osoba lub jednostka"), method="search")
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=RoleRequestStatus.choices, empty_label=_("wszystkie")
    )
    role = django_filters.ChoiceFilter(
        label=_("Wnioskowana rola"), choices=Role.choices, empty_label=_("wszystkie")
    )
    kind = django_filters.ChoiceFilter(
        label=_("Rodzaj jednostki"),
        choices=KINDS,
        field_name="profile__kind",
        empty_label=_("wszystkie"),
    )
    voivodeship = django_filters.ModelChoiceFilter(
        label=_("Województwo"),
        queryset=Voivodeship.objects.all(),
        method="in_voivodeship",
        empty_label=_("wszystkie"),
    )
    attachment = django_filters.ChoiceFilter(
        label=_("Załącznik"),
        choices=[("tak", _("załączono podpisany wniosek")), ("nie", _("brak załączników"))],
        method="with_attachment",
        empty_label=_("wszystkie"),
    )

    class Meta:
        model = RoleRequest
        fields = ["q", "status", "role", "kind", "voivodeship", "attachment"]

    def search(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(
            Q(number__icontains=value)
            | Q(batch__user__email__icontains=value)
            | Q(batch__user__last_name__icontains=value)
            | Q(profile__unit__name__icontains=value)
        )

    def in_voivodeship(self, queryset, name, value):
        return queryset.filter(Q(profile__voivodeship=value) | Q(profile__unit__voivodeship=value))

    def with_attachment(self, queryset, name, value):
        return queryset.filter(has_safe_attachment=value == "tak")


class ProfileFilter(FilterSet):
    q = django_filters.CharFilter(label=_("Osoba lub jednostka"), method="search")
    status = django_filters.ChoiceFilter(
        label=_("Status profilu"),
        choices=ProfileStatus.choices,
        field_name="derived_status",
        empty_label=_("wszystkie"),
    )
    kind = django_filters.ChoiceFilter(
        label=_("Rodzaj jednostki"), choices=KINDS, empty_label=_("wszystkie")
    )

    class Meta:
        model = Profile
        fields = ["q", "status", "kind"]

    def search(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(
            Q(user__email__icontains=value)
            | Q(user__last_name__icontains=value)
            | Q(unit__name__icontains=value)
            | Q(voivodeship__name__icontains=value)
        )
