"""Skierowania na specjalizację: the office's referral list and its CSV export (seed 000 §5.1)."""

from django.shortcuts import render
from django.urls import path
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django.views.generic import View
from django_filters.views import FilterMixin, FilterView

from accounts.models import VOIVODESHIP_ROLES
from accounts.permissions import RoleRequiredMixin
from referrals import list_cache
from referrals.filters import ReferralFilter
from referrals.models import LIST_ORDER, Referral
from smk.csv_export import csv_response
from smk.pagination import DeferredJoinPaginator
from smk.scoping import scoped

#: The list's columns (seed 000 §5.1), also the start of the CSV header.
COLUMNS = (
    _("Numer skierowania"),
    _("Numer wniosku"),
    _("Imię i nazwisko Diagnosty"),
    _("Dziedzina medycyny laboratoryjnej"),
    _("Tryb"),
    _("Jednostka szkoleniowa"),
    _("Status"),
)

#: Where the list keeps its URL with the search criteria, for the referral form's way back.
LIST_URL_SESSION_KEY = "referral_list_url"


#: What a row of the list shows (the CSV has more: the session, the points).
LIST_COLUMNS = (
    "number",
    "status",
    "applicant_name",
    "application__number",
    "field__name",
    "mode__name",
    "unit__name",
)


class ReferralSearchMixin(RoleRequiredMixin, FilterMixin):
    """The office's referrals, searched by :class:`ReferralFilter`, in ranking order."""

    roles = tuple(VOIVODESHIP_ROLES)
    filterset_class = ReferralFilter

    #: The related rows read with each referral, and its columns (None: every column).
    related = ("application", "field", "mode", "unit", "session")
    columns = None

    def get_queryset(self):
        referrals = (
            scoped(Referral, self.request).select_related(*self.related).order_by(*LIST_ORDER)
        )
        return referrals.only(*self.columns) if self.columns else referrals

    def get_filterset_kwargs(self, filterset_class):
        kwargs = super().get_filterset_kwargs(filterset_class)
        # Always bound: the filterset fills in the default session when none is asked for.
        kwargs["data"] = self.request.GET
        return kwargs


class ReferralListView(ReferralSearchMixin, FilterView):
    #: The content; the page around it is ``page_template`` (referrals/list_cache.py).
    template_name = "referrals/list/referral_list_content.html"
    page_template = "referrals/list/referral_list.html"
    paginate_by = 25
    context_object_name = "referrals"
    paginator_class = DeferredJoinPaginator
    related = ("application", "field", "mode", "unit")
    columns = LIST_COLUMNS

    def get(self, request, *args, **kwargs):
        # The referral form returns here with the same criteria ("Anuluj", the link at the top).
        # Saved only when it changes: paging through the same list writes nothing.
        if request.session.get(LIST_URL_SESSION_KEY) != request.get_full_path():
            request.session[LIST_URL_SESSION_KEY] = request.get_full_path()
        key = list_cache.cache_key(request)
        content = list_cache.get(key)
        if content is None:
            content = super().get(request, *args, **kwargs).rendered_content
            list_cache.store(key, content)
        return render(request, self.page_template, {"content": mark_safe(content)})  # noqa: S308

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["columns"] = COLUMNS
        context["list_url"] = self.request.get_full_path()
        query = self.request.GET.copy()
        query.pop("page", None)
        context["csv_query"] = query.urlencode()
        return context


def _decimal(value) -> str:
    return "" if value is None else number_format(value, decimal_pos=2)


class ReferralCsvView(ReferralSearchMixin, View):
    """The filtered list, every page of it, as CSV for Polish Excel (UTF-8 with BOM, ';')."""

    def get(self, request, *args, **kwargs):
        filterset = self.get_filterset(self.get_filterset_class())
        referrals = filterset.qs if filterset.is_valid() else filterset.queryset.none()
        return csv_response(
            f"skierowania-{timezone.localdate():%Y-%m-%d}.csv",
            self._header(),
            referrals,
            _csv_row,
        )

    def _header(self):
        return [str(label) for label in (*COLUMNS, _("Sesja"), _("Punkty"), _("Wynik studiów"))]


def _csv_row(referral):
    application = referral.application
    return [
        referral.number,
        application.number,
        application.applicant_name,
        referral.field.name,
        referral.mode.name,
        referral.unit.name if referral.unit else "",
        referral.get_status_display(),
        referral.session.name,
        _decimal(application.points),
        _decimal(application.study_result),
    ]


urlpatterns = [
    path("", ReferralListView.as_view(), name="referral_list"),
    path("eksport.csv", ReferralCsvView.as_view(), name="referral_list_csv"),
]
