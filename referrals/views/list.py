"""Skierowania na specjalizację: the office's referral list and its CSV export (seed 000 §5.1)."""

from collections import namedtuple
from html import escape
from urllib.parse import quote

from django.db import connections
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _
from django.views.generic import View
from django_filters.views import FilterMixin, FilterView

from accounts.models import VOIVODESHIP_ROLES
from accounts.permissions import RoleRequiredMixin
from reference.models import TrainingUnit
from referrals.filters import ReferralFilter
from referrals.models import LIST_ORDER, Referral, ReferralStatus
from smk.csv_export import csv_response
from smk.pagination import CountingPaginator
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


#: What a row of the list shows (the CSV has more: the session, the points): the referral's
#: key, the columns and the application's key for its link. The names of the field and the
#: mode come from the search form's options, read anyway.
ListRow = namedtuple(
    "ListRow",
    "pk number application_id application_number applicant_name field_id mode_id unit_name status",
)


def page_of_rows(referrals, bottom: int, top: int) -> tuple[list[ListRow], int]:
    """The rows ``bottom:top`` of ``referrals`` (scoped, searched, in the list's order) and
    how many referrals there are in all, in one query: the page's keys and the count are the
    ORM's subqueries of ``referrals``, around them the joins for the page's rows only (as
    :class:`smk.pagination.DeferredJoinPaginator` does). Written in SQL because the ORM took
    1.2 ms of CPU to write this query (0.15 ms to send it as SQL; the database runs it in
    0.5 ms), a tenth of the page's time."""
    if referrals.query.is_empty():  # a search the form refused: nothing to read
        return [], 0
    connection = connections[referrals.db]
    quote = connection.ops.quote_name
    application_model = Referral._meta.get_field("application").related_model

    def column(model, name):
        return f"{quote(model._meta.db_table)}.{quote(model._meta.get_field(name).column)}"

    def referral(name):
        return column(Referral, name)

    order = ", ".join(
        f"{referral(name.lstrip('-'))}{' DESC' if name.startswith('-') else ''}"
        for name in referrals.query.order_by
    )
    keys, key_params = referrals.values("pk")[bottom:top].query.sql_with_params()
    counted, count_params = referrals.order_by().values("pk").query.sql_with_params()
    application, unit = (quote(m._meta.db_table) for m in (application_model, TrainingUnit))
    application_key = column(application_model, "id")
    select = ", ".join(
        [
            *(referral(name) for name in ("id", "number", "application", "applicant_name")),
            column(application_model, "number"),
            *(referral(name) for name in ("field", "mode")),
            column(TrainingUnit, "name"),
            referral("status"),
        ]
    )
    sql = (
        f"SELECT {select}, (SELECT COUNT(*) FROM ({counted}) AS counted) "  # noqa: S608
        f"FROM {quote(Referral._meta.db_table)} "
        f"INNER JOIN {application} ON {application_key} = {referral('application')} "
        f"LEFT OUTER JOIN {unit} ON {column(TrainingUnit, 'id')} = {referral('unit')} "
        f"WHERE {referral('id')} IN ({keys}) ORDER BY {order}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, (*count_params, *key_params))
        found = cursor.fetchall()
    rows = [
        ListRow(pk, number, app_id, app_number, name, field_id, mode_id, unit_name, status)
        for pk, number, app_id, name, app_number, field_id, mode_id, unit_name, status, _ in found
    ]
    return rows, found[0][-1] if found else 0


class ReferralSearchMixin(RoleRequiredMixin, FilterMixin):
    """The office's referrals, searched by :class:`ReferralFilter`, in ranking order."""

    roles = tuple(VOIVODESHIP_ROLES)
    filterset_class = ReferralFilter

    #: The related rows read with each referral (the CSV's).
    related = ("application", "field", "mode", "unit", "session")

    def get_queryset(self):
        referrals = scoped(Referral, self.request).order_by(*LIST_ORDER)
        return referrals.select_related(*self.related) if self.related else referrals

    def get_filterset_kwargs(self, filterset_class):
        kwargs = super().get_filterset_kwargs(filterset_class)
        # Always bound: the filterset fills in the default session when none is asked for.
        kwargs["data"] = self.request.GET
        return kwargs


class ReferralListView(ReferralSearchMixin, FilterView):
    template_name = "referrals/list/referral_list.html"
    paginate_by = 25
    context_object_name = "referrals"
    paginator_class = CountingPaginator
    related = ()  # the page's rows are read by page_of_rows()

    def get(self, request, *args, **kwargs):
        # The referral form returns here with the same criteria ("Anuluj", the link at the top).
        # Saved only when it changes: paging through the same list writes nothing.
        if request.session.get(LIST_URL_SESSION_KEY) != request.get_full_path():
            request.session[LIST_URL_SESSION_KEY] = request.get_full_path()
        return super().get(request, *args, **kwargs)

    def get_paginator(self, *args, **kwargs):
        return super().get_paginator(*args, fetch=page_of_rows, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        list_url = self.request.get_full_path()
        context["columns"] = COLUMNS
        form = self.filterset.form
        names = {
            name: {option.pk: option.name for option in form.fields[name].objects}
            for name in ("field", "mode")
        }
        context["rows"] = table_rows(context["referrals"], list_url, names)
        query = self.request.GET.copy()
        query.pop("page", None)
        context["csv_query"] = query.urlencode()
        return context


#: A key no row has, put into a URL and replaced by each row's key (one reverse() per page).
_PK = 9_876_543_210


def _url_of_each(name: str) -> str:
    return reverse(name, args=[_PK]).replace(str(_PK), "{pk}")


def table_rows(referrals, list_url: str, names: dict[str, dict[int, str]]) -> SafeString:
    """The table's rows, written here and not by the template, which resolved a dozen
    variables and two ``{% url %}`` per row; here 25 rows take 0.15 ms. The HTML is the
    same; every value is escaped (``html.escape`` is what Django's ``escape`` calls).
    ``names``: the names of the fields and of the modes by key."""
    form_url = _url_of_each("referrals:referral_form")
    application_url = _url_of_each("qualification:application_detail")
    back = quote(list_url, safe="")
    referral_label, application_label = str(_("Skierowanie")), str(_("Wniosek"))
    no_unit = (
        '<span aria-hidden="true">—</span>'
        f'<span class="visually-hidden">{escape(str(_("nie wybrano")))}</span>'
    )
    status_labels = {status.value: escape(str(status.label)) for status in ReferralStatus}
    fields = {pk: escape(name) for pk, name in names["field"].items()}
    modes = {pk: escape(name) for pk, name in names["mode"].items()}
    rows = []
    for r in referrals:
        number, application_number = escape(r.number), escape(r.application_number)
        unit = escape(r.unit_name) if r.unit_name is not None else no_unit
        rows.append(
            f"<tr>\n<td>{number}</td>\n<td>{application_number}</td>\n"
            f"<td>{escape(r.applicant_name)}</td>\n<td>{fields[r.field_id]}</td>\n"
            f"<td>{modes[r.mode_id]}</td>\n<td>{unit}</td>\n"
            f"<td>{status_labels[r.status]}</td>\n"
            '<td><ul class="plain-list">'
            f'<li><a href="{form_url.format(pk=r.pk)}">{referral_label}'
            f'<span class="visually-hidden"> {number}</span></a></li>'
            f'<li><a href="{application_url.format(pk=r.application_id)}?next={back}">'
            f'{application_label}<span class="visually-hidden"> {application_number}</span>'
            "</a></li></ul></td>\n</tr>"
        )
    return mark_safe("\n".join(rows))  # noqa: S308 - every value above is escaped


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
