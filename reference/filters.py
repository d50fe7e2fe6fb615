import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from reference.models import Field, TrainingUnit, Voivodeship
from smk.filters import FilterSet
from smk.scoping import Scope


class TrainingUnitFilter(FilterSet):
    q = django_filters.CharFilter(label=_("Nazwa, miejscowość, NIP lub REGON"), method="search")
    field = django_filters.ModelChoiceFilter(
        label=_("Akredytacja w dziedzinie"),
        queryset=Field.objects.all(),
        field_name="accreditations__field",
        distinct=True,
    )
    voivodeship = django_filters.ModelChoiceFilter(
        label=_("Województwo"), queryset=Voivodeship.objects.all()
    )

    class Meta:
        model = TrainingUnit
        fields = ["q", "field", "voivodeship"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        profile = getattr(self.request, "profile", None)
        # Only a profile that sees the whole country chooses a voivodeship.
        if profile is None or profile.scope[0] != Scope.EVERYTHING:
            del self.filters["voivodeship"]

    def search(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(
            Q(name__icontains=value)
            | Q(city__icontains=value)
            | Q(nip=value.replace("-", ""))
            | Q(regon=value)
        )
