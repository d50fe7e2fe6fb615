"""The office's application screens (SPEC §3 and §5, seed 000 §5.3): the list, "Podgląd
wniosku", "Ocena formalna", "Punktacja" (one application or a CSV file), "Historia wniosku".

One module past 400 lines: the office's screens of one application share its scoped lookup
and the way back to the list with its filters.
"""

import csv
import io
import re
from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.core.exceptions import FieldDoesNotExist
from django.db.models import Prefetch
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.formats import number_format
from django.utils.http import urlencode
from django.utils.text import capfirst, slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views import View
from django.views.decorators.http import require_GET, require_http_methods
from django_filters.views import FilterView

from accounts.models import Role
from accounts.permissions import RoleRequiredMixin, role_required
from qualification.filters import ApplicationFilter
from qualification.forms.applications import (
    CSV_HEADER,
    FormalEvaluationForm,
    PointsForm,
    PointsImportForm,
)
from qualification.models import Application, FormalEvaluation, PreferredUnit, Procedure
from qualification.services.closing import applications_of
from qualification.services.evaluation import (
    POINTS_INPUT_FIELDS,
    EvaluationError,
    PointsImportError,
    enter_points,
    evaluate_application,
    evaluation_refusal,
    import_points,
    points_refusal,
    points_stage_refusal,
    procedure_for,
)
from smk import redirects
from smk.audit import describe, history
from smk.pagination import DeferredJoinPaginator
from smk.scoping import get_scoped_object_or_404, scoped

OFFICE_ROLES = (Role.UW, Role.WOJEWODA)


# --- helpers ---------------------------------------------------------------------------------


def _with_next(url: str, next_url: str) -> str:
    return f"{url}?{urlencode({'next': next_url})}" if next_url else url


def _applications():
    return Application.objects.select_related(
        "session", "voivodeship", "field", "mode", "evaluated_by", "preferred_mode"
    )


def _application(request, pk: int) -> Application:
    return get_scoped_object_or_404(_applications(), request, pk=pk)


def _procedure(request, pk: int) -> Procedure:
    return get_scoped_object_or_404(
        Procedure.objects.select_related("session", "voivodeship"), request, pk=pk
    )


def _application_url(name: str, application, next_url="") -> str:
    return _with_next(reverse(f"qualification:{name}", args=[application.pk]), next_url)


def _detail_url(application, next_url="") -> str:
    return _application_url("application_detail", application, next_url)


# --- list ------------------------------------------------------------------------------------


class ApplicationListView(RoleRequiredMixin, FilterView):
    """Approved applications of the profile's voivodeship, searchable and paginated."""

    roles = OFFICE_ROLES
    filterset_class = ApplicationFilter
    template_name = "qualification/applications/list.html"
    context_object_name = "applications"
    paginate_by = 25
    paginator_class = DeferredJoinPaginator

    def get_queryset(self):
        return (
            scoped(Application, self.request)
            .select_related("session", "field", "mode")
            .order_by("-session__applications_from", "number", "pk")
        )

    def get_filterset_kwargs(self, filterset_class):
        kwargs = super().get_filterset_kwargs(filterset_class)
        kwargs["request"] = self.request
        return kwargs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = self.filterset.form
        context["procedure"] = (
            form.cleaned_data.get("procedure") if self.filterset.is_valid() else None
        )
        context["list_url"] = self.request.get_full_path()
        return context


# --- Podgląd wniosku -------------------------------------------------------------------------


@require_GET
@role_required(*OFFICE_ROLES)
def application_detail(request, pk):
    application = get_scoped_object_or_404(
        _applications().prefetch_related(
            Prefetch(
                "preferred_units",
                queryset=PreferredUnit.objects.select_related("unit").order_by("position"),
            )
        ),
        request,
        pk=pk,
    )
    procedure = procedure_for(application)
    next_url = redirects.next_url(request)
    return render(
        request,
        "qualification/applications/detail.html",
        {
            "application": application,
            "procedure": procedure,
            "evaluate_url": (
                ""
                if evaluation_refusal(procedure)
                else _application_url("application_evaluate", application, next_url)
            ),
            "points_url": (
                ""
                if points_refusal(application, procedure)
                else _application_url("application_points", application, next_url)
            ),
            "history_url": _application_url("application_history", application, next_url),
            "back_url": next_url or reverse("qualification:application_list"),
        },
    )


# --- Ocena formalna and Punktacja: one application, a versioned form ------------------------


class ApplicationEditView(RoleRequiredMixin, View):
    """GET shows the form (or why it is not offered now), POST calls the service.

    The service decides under its locks; a refusal or a stale version becomes a message and
    changes nothing. The ``next`` address of the preview is kept on the way there and back.
    """

    roles = OFFICE_ROLES
    http_method_names = ["get", "post"]
    form_class: type
    template_name: str

    def refusal(self, application, procedure) -> str:
        raise NotImplementedError

    def initial(self, application) -> dict:
        raise NotImplementedError

    def save(self, application, data) -> str:
        """Call the service; return the success message."""
        raise NotImplementedError

    def prepare(self, pk):
        self.application = _application(self.request, pk)
        self.refused = self.refusal(self.application, procedure_for(self.application))
        self.next_url = redirects.next_url(self.request)
        self.detail_url = _detail_url(self.application, self.next_url)

    def get(self, request, pk):
        self.prepare(pk)
        initial = {**self.initial(self.application), "version": self.application.version}
        return self.render(self.form_class(initial=initial))

    def post(self, request, pk):
        self.prepare(pk)
        if self.refused:
            messages.error(request, self.refused)
            return redirect(self.detail_url)
        form = self.form_class(request.POST)
        if not form.is_valid():
            return self.render(form)
        try:
            message = self.save(self.application, form.cleaned_data)
        except EvaluationError as error:
            messages.error(request, str(error))
            return redirect(request.get_full_path())
        messages.success(request, message)
        return redirect(self.detail_url)

    def render(self, form):
        return render(
            self.request,
            self.template_name,
            {
                "application": self.application,
                "form": None if self.refused else form,
                "refusal": self.refused,
                "detail_url": self.detail_url,
            },
        )


class ApplicationEvaluateView(ApplicationEditView):
    """ "Ocena formalna": only while the procedure is at the formal evaluation stage."""

    form_class = FormalEvaluationForm
    template_name = "qualification/applications/evaluate.html"

    def refusal(self, application, procedure):
        return evaluation_refusal(procedure)

    def initial(self, application):
        return {
            "formal_evaluation": application.formal_evaluation or None,
            "formal_reason": application.formal_reason,
        }

    def save(self, application, data):
        evaluate_application(
            application.pk,
            evaluation=data["formal_evaluation"],
            reason=data["formal_reason"],
            version=data["version"],
            user=self.request.user,
            profile=self.request.profile,
        )
        return _("Zapisano ocenę formalną wniosku %(number)s.") % {"number": application.number}


class ApplicationPointsView(ApplicationEditView):
    """ "Punktacja": formally positive applications, at evaluation or competition stage."""

    form_class = PointsForm
    template_name = "qualification/applications/points.html"

    def refusal(self, application, procedure):
        return points_refusal(application, procedure)

    def initial(self, application):
        return {name: getattr(application, name) for name in POINTS_INPUT_FIELDS}

    def save(self, application, data):
        saved = enter_points(
            application.pk,
            **{name: data[name] for name in POINTS_INPUT_FIELDS},
            version=data["version"],
            user=self.request.user,
            profile=self.request.profile,
        )
        return _("Zapisano punktację wniosku %(number)s: razem %(points)s pkt.") % {
            "number": saved.number,
            "points": number_format(saved.points),
        }


# --- Punktacja z pliku CSV -------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@role_required(*OFFICE_ROLES)
def application_points_import(request, pk):
    procedure = _procedure(request, pk)
    refusal = points_stage_refusal(procedure)
    list_url = _with_procedure(reverse("qualification:application_list"), procedure)
    if request.method == "POST":
        if refusal:
            messages.error(request, refusal)
            return redirect(request.path)
        form = PointsImportForm(request.POST, request.FILES, procedure=procedure)
        if form.is_valid():
            try:
                count = import_points(
                    procedure.pk, form.rows, user=request.user, profile=request.profile
                )
            except PointsImportError as error:
                form.add_error("file", error.errors)
            else:
                messages.success(
                    request,
                    ngettext(
                        "Zaimportowano punktację %(n)d wniosku.",
                        "Zaimportowano punktację %(n)d wniosków.",
                        count,
                    )
                    % {"n": count},
                )
                return redirect(list_url)
    else:
        form = PointsImportForm(procedure=procedure)
    return render(
        request,
        "qualification/applications/points_import.html",
        {
            "procedure": procedure,
            "form": None if refusal else form,
            "refusal": refusal,
            "header": ";".join(CSV_HEADER),
            "list_url": list_url,
        },
    )


def _with_procedure(url: str, procedure) -> str:
    return f"{url}?{urlencode({'procedure': procedure.pk})}"


def _csv_decimal(value) -> str:
    return "" if value is None else str(value).replace(".", ",")


@require_GET
@role_required(*OFFICE_ROLES)
def application_points_template(request, pk):
    """The points file to fill in: the procedure's formally positive applications."""
    procedure = _procedure(request, pk)
    rows = (
        applications_of(procedure)
        .filter(formal_evaluation=FormalEvaluation.POSITIVE)
        .order_by("number")
        .values_list("number", *POINTS_INPUT_FIELDS)
    )
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    for number, years, publications, courses, other in rows.iterator():
        writer.writerow(
            [
                number,
                "" if years is None else years,
                _csv_decimal(publications),
                _csv_decimal(courses),
                _csv_decimal(other),
            ]
        )
    name = f"punktacja-{slugify(procedure.session.name)}-{procedure.voivodeship.teryt}"
    response = HttpResponse("\ufeff" + buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    return response


# --- Historia wniosku ------------------------------------------------------------------------

_NUMBER = re.compile(r"^-?\d+(\.\d+)?$")


def _field_label(name: str) -> str:
    try:
        return capfirst(Application._meta.get_field(name).verbose_name)
    except FieldDoesNotExist:  # an event may name something that is not a model field
        return name


def _shown(name: str, value) -> str:
    if value in (None, ""):
        return "—"
    value = str(value)
    if name == "formal_evaluation" and value in FormalEvaluation.values:
        return str(FormalEvaluation(value).label)
    if _NUMBER.match(value):
        try:
            return number_format(Decimal(value))
        except InvalidOperation:
            return value
    return value


def _changes_of(event) -> list[dict]:
    """An event's ``{field: [old, new]}`` data as rows to show; other keys as plain values."""
    rows = []
    for name, value in (event.data or {}).items():
        if isinstance(value, list | tuple) and len(value) == 2:
            rows.append(
                {
                    "label": _field_label(name),
                    "old": _shown(name, value[0]),
                    "new": _shown(name, value[1]),
                }
            )
        else:
            rows.append({"label": _field_label(name), "old": None, "new": _shown(name, value)})
    return rows


@require_GET
@role_required(*OFFICE_ROLES)
def application_history(request, pk):
    application = _application(request, pk)
    events = [
        {
            "event": event,
            "description": describe(event),
            "changes": _changes_of(event),
        }
        for event in history(application)
    ]
    next_url = redirects.next_url(request)
    return render(
        request,
        "qualification/applications/history.html",
        {
            "application": application,
            "events": events,
            "detail_url": _detail_url(application, next_url),
        },
    )


urlpatterns = [
    path("wnioski/", ApplicationListView.as_view(), name="application_list"),
    path("wnioski/<int:pk>/", application_detail, name="application_detail"),
    path(
        "wnioski/<int:pk>/ocena-formalna/",
        ApplicationEvaluateView.as_view(),
        name="application_evaluate",
    ),
    path("wnioski/<int:pk>/punktacja/", ApplicationPointsView.as_view(), name="application_points"),
    path("wnioski/<int:pk>/historia/", application_history, name="application_history"),
    path(
        "wnioski/postepowanie/<int:pk>/import-punktacji/",
        application_points_import,
        name="application_points_import",
    ),
    path(
        "wnioski/postepowanie/<int:pk>/szablon-punktacji.csv",
        application_points_template,
        name="application_points_template",
    ),
]
