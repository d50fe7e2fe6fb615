"""Forms of the office's application screens: formal evaluation, points, the points file."""

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from qualification.models import FormalEvaluation
from qualification.services.evaluation import (
    POINTS_INPUT_FIELDS,
    PointsRow,
    by_line,
    points_import_problems,
    row_error,
)
from smk.csv_import import Unreadable, decoded, read_table
from smk.text import control_characters_message, has_control_characters

MAX_POINTS = Decimal("999.99")
MAX_EMPLOYMENT_YEARS = 60
MAX_UPLOAD_BYTES = 2 * 1024 * 1024
#: At most this many row errors are listed; the rest are counted.
MAX_LISTED_ERRORS = 100

#: Columns of the points file and the form fields they fill.
CSV_COLUMNS = {
    "numer_wniosku": "number",
    "staz_pracy_lata": "employment_years",
    "punkty_publikacje": "points_publications",
    "punkty_kursy": "points_courses",
    "punkty_inne": "points_other",
}
CSV_HEADER = list(CSV_COLUMNS)


class VersionedForm(forms.Form):
    """Carries the row version the form was shown with (stale-form detection)."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class FormalEvaluationForm(VersionedForm):
    formal_evaluation = forms.ChoiceField(
        label=gettext_lazy("Ocena formalna"),
        choices=FormalEvaluation.choices,
        widget=forms.RadioSelect,
        error_messages={"required": gettext_lazy("Wybierz ocenę: pozytywna albo negatywna.")},
    )
    formal_reason = forms.CharField(
        label=gettext_lazy("Uzasadnienie"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=4000,
        help_text=gettext_lazy("Wymagane przy ocenie negatywnej."),
    )

    def clean(self):
        cleaned = super().clean()
        reason = (cleaned.get("formal_reason") or "").strip()
        cleaned["formal_reason"] = reason
        if cleaned.get("formal_evaluation") == FormalEvaluation.NEGATIVE and not reason:
            self.add_error(
                "formal_reason", _("Podaj uzasadnienie — jest wymagane przy ocenie negatywnej.")
            )
        return cleaned


class PointsField(forms.DecimalField):
    """Points ≥ 0 with at most two decimals; a comma or a dot before the decimals."""

    default_error_messages = {
        "required": gettext_lazy("Podaj liczbę punktów (0, jeśli nie przysługują)."),
        "invalid": gettext_lazy("Podaj liczbę, np. 2,5."),
        "min_value": gettext_lazy("Liczba punktów nie może być ujemna."),
        "max_value": gettext_lazy("Za duża liczba punktów — najwyżej 999,99."),
        "max_decimal_places": gettext_lazy("Podaj najwyżej dwie cyfry po przecinku."),
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", Decimal(0))
        kwargs.setdefault("max_value", MAX_POINTS)
        kwargs.setdefault("decimal_places", 2)
        kwargs.setdefault("localize", True)
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "decimal"}))
        super().__init__(**kwargs)

    def to_python(self, value):
        if isinstance(value, str):
            value = value.strip().replace("\N{NO-BREAK SPACE}", "").replace(" ", "")
            value = value.replace(",", ".")
        return super().to_python(value)


class YearsField(forms.IntegerField):
    """Whole years; takes "5.0" and also "5,0", which a spreadsheet may write."""

    def to_python(self, value):
        if isinstance(value, str):
            value = value.strip().replace(",", ".")
        return super().to_python(value)


class PointsComponentsForm(forms.Form):
    """The components the clerk enters; employment points and the total are computed."""

    employment_years = YearsField(
        label=gettext_lazy("Staż pracy w laboratorium (pełne lata)"),
        min_value=0,
        max_value=MAX_EMPLOYMENT_YEARS,
        help_text=gettext_lazy("Punkty za staż: 3 lata — 5, 5 lat — 10, 10 lat — 15."),
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
        error_messages={
            "required": gettext_lazy("Podaj staż pracy w latach (0, jeśli brak)."),
            "invalid": gettext_lazy("Podaj pełną liczbę lat, np. 5."),
            "min_value": gettext_lazy("Staż pracy nie może być ujemny."),
            "max_value": gettext_lazy("Za duży staż pracy — najwyżej %(limit_value)s lat."),
        },
    )
    points_publications = PointsField(label=gettext_lazy("Punkty za publikacje"))
    points_courses = PointsField(label=gettext_lazy("Punkty za kursy i szkolenia"))
    points_other = PointsField(label=gettext_lazy("Inne punkty"))


class PointsForm(VersionedForm, PointsComponentsForm):
    field_order = [*POINTS_INPUT_FIELDS, "version"]


class PointsImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Plik CSV z punktacją"),
        help_text=gettext_lazy(
            "Plik CSV w kodowaniu UTF-8, rozdzielany średnikami lub przecinkami, najwyżej 2 MB. "
            "Pierwszy wiersz to nagłówek: "
            "numer_wniosku;staz_pracy_lata;punkty_publikacje;punkty_kursy;punkty_inne."
        ),
        error_messages={"required": gettext_lazy("Wybierz plik CSV z punktacją.")},
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )

    def __init__(self, *args, procedure, **kwargs):
        super().__init__(*args, **kwargs)
        self.procedure = procedure
        self.rows: list[PointsRow] = []

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise ValidationError(
                _("Plik jest za duży (%(size)s) — najwyżej 2 MB.")
                % {"size": _megabytes(upload.size)},
                code="too_large",
            )
        rows, errors = read_points_csv(decoded(upload))
        if rows:
            errors += points_import_problems(self.procedure, rows)
        if errors:
            raise ValidationError(_listed(errors), code="rows")
        if not rows:
            raise ValidationError(_("Plik nie zawiera żadnego wiersza z punktacją."), code="empty")
        self.rows = rows
        return upload


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB".replace(".", ",")


def _listed(errors: list[tuple[int, str]]) -> list[str]:
    messages = [message for _line, message in sorted(errors, key=by_line)]
    if len(messages) > MAX_LISTED_ERRORS:
        rest = len(messages) - MAX_LISTED_ERRORS
        more = _("…i %(n)d kolejnych błędów.") % {"n": rest}
        messages = [*messages[:MAX_LISTED_ERRORS], more]
    return messages


def read_points_csv(text: str) -> tuple[list[PointsRow], list[tuple[int, str]]]:
    """Parse a points file: the well-formed rows and (row number, message) for the others.

    Row numbers are those a spreadsheet shows: the header is row 1. Empty rows are skipped.
    """
    try:
        table = read_table(text)
    except Unreadable as error:
        return [], [(0, str(error))]
    if sorted(table.columns) != sorted(CSV_HEADER):
        return [], [
            (
                0,
                _("Nagłówek pliku musi zawierać dokładnie kolumny: %(expected)s.")
                % {"expected": ";".join(CSV_HEADER)},
            )
        ]
    rows, errors = [], [row_error(line, message) for line, message in table.problems]
    for line, cells in table.rows:
        row, row_errors = _read_row(line, cells)
        if row is None:
            errors.extend(row_errors)
        else:
            rows.append(row)
    return rows, errors


def _read_row(line: int, cells: dict[str, str]):
    number = cells["numer_wniosku"].strip()
    data = {CSV_COLUMNS[column]: value.strip() for column, value in cells.items()}
    form = PointsComponentsForm(data=data)
    # A NUL byte in a number would fail the query (a 500): a cell with a control character
    # gets the message every text input gives, naming its column, and no other.
    garbled = [column for column, value in cells.items() if has_control_characters(value)]
    errors = [row_error(line, f"{column} — {control_characters_message()}") for column in garbled]
    if not number:
        errors.append(row_error(line, _("brak numeru wniosku (kolumna numer_wniosku).")))
    if not form.is_valid():
        columns = {field: column for column, field in CSV_COLUMNS.items()}
        for field, messages in form.errors.items():
            if columns[field] in garbled:
                continue
            for message in messages:
                errors.append(row_error(line, f"{columns[field]} — {message}"))
    if errors:
        return None, errors
    return PointsRow(line=line, number=number, **form.cleaned_data), []
