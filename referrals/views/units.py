"""Jednostki szkoleniowe: the units in the profile's scope with their accreditations and free
places (the catalogue's data, with the places that :mod:`referrals.places` counts), and
whether each unit's integration is active and since when (:mod:`training`)."""

from django.db.models import Prefetch
from django.urls import path
from django.views.generic import DetailView
from django_filters.views import FilterView

from accounts.models import Role
from accounts.permissions import RoleRequiredMixin
from reference.filters import TrainingUnitFilter
from reference.models import Accreditation, TrainingUnit
from referrals import places
from smk.scoping import get_scoped_object_or_404, scoped

UNIT_READERS = (Role.UW, Role.WOJEWODA, Role.UNIT_STAFF, Role.ADMINISTRATOR)


def _accreditations_with_places():
    return places.with_free_places(Accreditation.objects.select_related("field")).order_by(
        "field__name"
    )


class TrainingUnitListView(RoleRequiredMixin, FilterView):
    """Training units in the profile's scope with their active accreditations and free places."""

    roles = UNIT_READERS
    filterset_class = TrainingUnitFilter
    template_name = "referrals/units/unit_list.html"
    paginate_by = 25

    def get_queryset(self):
        return (
            scoped(TrainingUnit, self.request)
            .select_related("voivodeship", "integration")
            .prefetch_related(
                Prefetch(
                    "accreditations",
                    queryset=_accreditations_with_places().active(),
                    to_attr="active_accreditations",
                )
            )
            .order_by("name", "pk")
        )

    def get_filterset_kwargs(self, filterset_class):
        kwargs = super().get_filterset_kwargs(filterset_class)
        kwargs["request"] = self.request
        return kwargs


class TrainingUnitDetailView(RoleRequiredMixin, DetailView):
    roles = UNIT_READERS
    template_name = "referrals/units/unit_detail.html"
    context_object_name = "unit"

    def get_object(self, queryset=None):
        return get_scoped_object_or_404(
            TrainingUnit.objects.select_related("voivodeship", "integration", "contact"),
            self.request,
            pk=self.kwargs["pk"],
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["accreditations"] = _accreditations_with_places().filter(unit=self.object)
        return context


app_name = "units"

urlpatterns = [
    path("", TrainingUnitListView.as_view(), name="unit_list"),
    path("<int:pk>/", TrainingUnitDetailView.as_view(), name="unit_detail"),
]
