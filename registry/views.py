"""Rejestr osób odbywających szkolenie specjalizacyjne and the EKS card (SPEC §6).

Read-only screens: entries are made by the referral services and never changed or deleted.
"""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.generic import DetailView, View
from django_filters.views import FilterMixin, FilterView

from accounts.models import VOIVODESHIP_ROLES, Role
from accounts.permissions import RoleRequiredMixin
from registry.filters import RegisterEntryFilter
from registry.models import EKS, RegisterEntry
from smk.csv_export import csv_response
from smk.scoping import Scope, get_scoped_object_or_404, scoped

REGISTER_READERS = (Role.UW, Role.WOJEWODA, Role.UNIT_STAFF, Role.ADMINISTRATOR)
EKS_READERS = (*REGISTER_READERS, Role.APPLICANT)


def register_entries(request):
    """The entries behind the register's screens, before scoping.

    A unit sees the entries of referrals that were sent to it: an office may record a unit on
    a referral it assigned but never sent, then strike the person off; that unit never knew.
    """
    entries = RegisterEntry.objects.select_related("field", "unit", "referral", "created_by")
    if request.profile.scope[0] == Scope.UNIT:
        entries = entries.filter(referral__sent_at__isnull=False)
    return entries


class ReferralLinksMixin:
    """Tells the template how to link a referral: the office's form or the unit's page."""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        profile = self.request.profile
        context["links_office_form"] = profile.has_role(*VOIVODESHIP_ROLES)
        context["links_unit_page"] = profile.has_role(Role.UNIT_STAFF)
        context["reads_register"] = profile.has_role(*REGISTER_READERS)
        return context


class RegisterSearchMixin(RoleRequiredMixin, FilterMixin):
    roles = REGISTER_READERS
    filterset_class = RegisterEntryFilter

    def get_queryset(self):
        return scoped(register_entries(self.request), self.request)

    def get_filterset_kwargs(self, filterset_class):
        kwargs = super().get_filterset_kwargs(filterset_class)
        # Always bound, so the CSV without criteria is the whole register.
        kwargs["data"] = self.request.GET
        kwargs["request"] = self.request
        return kwargs


class EntryListView(ReferralLinksMixin, RegisterSearchMixin, FilterView):
    template_name = "registry/entry_list.html"
    context_object_name = "entries"
    paginate_by = 25

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["query"] = self.request.GET.urlencode()
        return context


#: The CSV's columns, one per value :func:`_csv_row` gives.
CSV_HEADER = (
    _("Numer wpisu"),
    _("Data wpisu"),
    _("Rodzaj wpisu"),
    _("Imię"),
    _("Nazwisko"),
    _("PESEL"),
    _("Dziedzina medycyny laboratoryjnej"),
    _("Jednostka szkoleniowa"),
    _("Numer skierowania"),
    _("Wpisu dokonał"),
    _("Podstawa wpisu"),
)


def _csv_row(entry) -> list:
    return [
        entry.number,
        entry.entry_date.strftime("%d.%m.%Y"),
        entry.get_kind_display(),
        entry.first_name,
        entry.last_name,
        entry.pesel,
        entry.field.name,
        entry.unit.name if entry.unit else "",
        entry.referral.number,
        entry.created_by.get_full_name() if entry.created_by else "",
        entry.reason,
    ]


class EntryCsvView(RegisterSearchMixin, View):
    """The filtered register, every page of it."""

    def get(self, request, *args, **kwargs):
        filterset = self.get_filterset(self.get_filterset_class())
        entries = filterset.qs if filterset.is_valid() else filterset.queryset.none()
        return csv_response(
            f"rejestr-{timezone.localdate():%Y-%m-%d}.csv", CSV_HEADER, entries, _csv_row
        )


class EntryDetailView(ReferralLinksMixin, RoleRequiredMixin, DetailView):
    roles = REGISTER_READERS
    template_name = "registry/entry_detail.html"
    context_object_name = "entry"

    def get_object(self, queryset=None):
        entries = register_entries(self.request).select_related("voivodeship", "referral__eks")
        return get_scoped_object_or_404(entries, self.request, pk=self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # Whoever sees the entry sees the card: both carry the referral's voivodeship and unit.
        context["eks"] = getattr(self.object.referral, "eks", None)
        return context


class EKSDetailView(ReferralLinksMixin, RoleRequiredMixin, DetailView):
    """Elektroniczna Karta Specjalizacji: read-only, for the office, the unit and the person."""

    roles = EKS_READERS
    template_name = "registry/eks_detail.html"
    context_object_name = "eks"

    def get_object(self, queryset=None):
        cards = EKS.objects.select_related(
            "field", "mode", "programme", "unit", "referral__voivodeship"
        )
        return get_scoped_object_or_404(cards, self.request, pk=self.kwargs["pk"])
