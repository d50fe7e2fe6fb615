"""Ranking lists per field and mode: the index, one list, its PDF and its CSV export."""

from django.shortcuts import get_object_or_404, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Role
from accounts.permissions import role_required
from qualification.models import Procedure
from qualification.services.manual import manual_qualification
from qualification.services.ranking import (
    TIE_BREAK_RULE,
    format_decimal,
    ranking_list,
    ranking_summary,
)
from reference.models import Field, Mode
from smk.csv_export import csv_response
from smk.pdf import pdf_response
from smk.scoping import get_scoped_object_or_404

RANKING_READERS = (Role.UW, Role.WOJEWODA)


def _procedure(request, pk: int) -> Procedure:
    return get_scoped_object_or_404(
        Procedure.objects.select_related("session", "voivodeship"), request, pk=pk
    )


def _ranking(request, pk: int, field_pk: int, mode_pk: int):
    procedure = _procedure(request, pk)
    # Fields and modes are reference data, the same for every voivodeship.
    field = get_object_or_404(Field, pk=field_pk)
    mode = get_object_or_404(Mode, pk=mode_pk)
    return ranking_list(procedure, field, mode)


def _filename(ranking, extension: str) -> str:
    procedure = ranking.procedure
    return (
        f"lista-rankingowa-{procedure.session.year}-{procedure.voivodeship.teryt}-"
        f"{ranking.field.code}-{ranking.mode.code}.{extension}"
    )


def _qualification_label(entry) -> str:
    if entry.qualified is None:
        return ""
    return _("Zakwalifikowany") if entry.qualified else _("Niezakwalifikowany")


@role_required(*RANKING_READERS)
def ranking_index(request, pk):
    summary = ranking_summary(_procedure(request, pk))
    return render(
        request,
        "qualification/rankings/index.html",
        {"procedure": summary.procedure, "summary": summary, "tie_break_rule": TIE_BREAK_RULE},
    )


@role_required(*RANKING_READERS)
def ranking_detail(request, pk, field_pk, mode_pk):
    ranking = _ranking(request, pk, field_pk, mode_pk)
    return render(
        request,
        "qualification/rankings/detail.html",
        {
            "procedure": ranking.procedure,
            "ranking": ranking,
            "tie_break_rule": TIE_BREAK_RULE,
            "manual": manual_qualification(ranking.procedure, field_pk, mode_pk),
        },
    )


@role_required(*RANKING_READERS)
def ranking_pdf(request, pk, field_pk, mode_pk):
    ranking = _ranking(request, pk, field_pk, mode_pk)
    return pdf_response(
        "qualification/rankings/ranking_pdf.html",
        {
            "procedure": ranking.procedure,
            "ranking": ranking,
            "tie_break_rule": TIE_BREAK_RULE,
            "generated_at": timezone.localtime(),
        },
        _filename(ranking, "pdf"),
        request=request,
    )


@role_required(*RANKING_READERS)
def ranking_csv(request, pk, field_pk, mode_pk):
    """The list for Polish Excel: UTF-8 with BOM, ``;`` between columns, a header row."""
    ranking = _ranking(request, pk, field_pk, mode_pk)
    header = [
        _("Pozycja"),
        _("Numer wniosku"),
        _("Nazwisko"),
        _("Imię"),
        _("Punkty"),
        _("Wynik studiów"),
        _("Kwalifikacja"),
    ]

    def row(entry):
        application = entry.application
        return [
            entry.position,
            application.number,
            application.last_name,
            application.first_name,
            format_decimal(application.points),
            format_decimal(application.study_result),
            _qualification_label(entry),
        ]

    return csv_response(_filename(ranking, "csv"), header, ranking.entries, row)


_list = "<int:pk>/rankingi/<int:field_pk>/<int:mode_pk>/"

urlpatterns = [
    path("<int:pk>/rankingi/", ranking_index, name="ranking_index"),
    path(_list, ranking_detail, name="ranking_detail"),
    path(f"{_list}pdf/", ranking_pdf, name="ranking_pdf"),
    path(f"{_list}csv/", ranking_csv, name="ranking_csv"),
]
