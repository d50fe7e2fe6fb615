"""The forms of the "Szkolenie w jednostce" screens. They parse what the unit's staff type or
upload into the rows :mod:`training.services` checks; the rules are the services'."""

import datetime
import re

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from smk.csv_import import Unreadable, decoded, read_table
from smk.text import control_characters_message, has_control_characters
from training.models import MAX_NOTIFICATION_EMAILS
from training.services import MAX_TRAINEE_ROWS, RowError, TraineeRow

MAX_UPLOAD_BYTES = 2 * 1024 * 1024
#: At most this many row errors are listed; the rest are counted.
MAX_LISTED_ERRORS = 100

#: The trainees file's columns (data_zakonczenia may be left out or empty) and what each is
#: called in the rows' errors.
CSV_COLUMNS = {
    "pesel": "pesel",
    "dziedzina": "field",
    "data_rozpoczecia": "start_date",
    "data_zakonczenia": "end_date",
}
CSV_HEADER = list(CSV_COLUMNS)
REQUIRED_COLUMNS = {"pesel", "dziedzina", "data_rozpoczecia"}
COLUMN_OF = {name: column for column, name in CSV_COLUMNS.items()}
DATE_FORMATS = ("%Y-%m-%d", "%d.%m.%Y")


class ContactForm(forms.Form):
    contact_person = forms.CharField(label=gettext_lazy("Osoba do kontaktu"), max_length=200)
    phone = forms.CharField(label=gettext_lazy("Telefon"), max_length=32)
    email = forms.EmailField(label=gettext_lazy("E-mail do kontaktu"))
    notification_emails = forms.CharField(
        label=gettext_lazy("Adresy e-mail do powiadomień"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy(
            "Jeden adres w wierszu (albo rozdzielone przecinkami), najwyżej 10. Na te adresy "
            "przychodzą wiadomości o skierowaniach wysłanych do jednostki i wycofanych; bez "
            "adresów — na konta pracowników jednostki."
        ),
    )

    def clean_notification_emails(self):
        text = self.cleaned_data["notification_emails"]
        addresses = [a for a in re.split(r"[\s,;]+", text) if a]
        wrong = []
        for address in addresses:
            try:
                validate_email(address)
            except ValidationError:
                wrong.append(address)
        if wrong:
            raise ValidationError(
                _("Niepoprawne adresy e-mail: %(addresses)s.") % {"addresses": ", ".join(wrong)}
            )
        if len(addresses) > MAX_NOTIFICATION_EMAILS:
            raise ValidationError(
                _("Podaj najwyżej %(n)d adresów do powiadomień.") % {"n": MAX_NOTIFICATION_EMAILS}
            )
        return addresses


class StartForm(forms.Form):
    """ "Dodaj termin" of the schedule: one start in one accredited field."""

    field = forms.ChoiceField(label=gettext_lazy("Dziedzina"))
    starts_on = forms.DateField(
        label=gettext_lazy("Data rozpoczęcia"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": gettext_lazy("Podaj datę, np. 2026-10-01.")},
    )
    places = forms.IntegerField(
        label=gettext_lazy("Liczba miejsc"),
        min_value=1,
        max_value=9999,
        error_messages={"invalid": gettext_lazy("Podaj liczbę całkowitą, np. 2.")},
    )

    def __init__(self, *args, accreditations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["field"].choices = [
            (code, a.field.name) for code, a in sorted(accreditations.items(), key=_by_name)
        ]


def _by_name(item):
    return item[1].field.name


class RemoveStartForm(forms.Form):
    start = forms.IntegerField(widget=forms.HiddenInput)


class OfferedPlacesForm(forms.Form):
    """One number per accredited field: the places offered for the coming session."""

    def __init__(self, *args, accreditations, offered, **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = []
        for code, accreditation in sorted(accreditations.items(), key=_by_name):
            name = f"places_{code}"
            self.fields[name] = forms.IntegerField(
                label=gettext_lazy("Oferowane miejsca: %(field)s")
                % {"field": accreditation.field.name},
                min_value=0,
                max_value=9999,
                initial=offered.get(code, 0),
                error_messages={
                    "required": gettext_lazy("Podaj liczbę miejsc (0, jeśli nie oferujesz)."),
                    "invalid": gettext_lazy("Podaj liczbę całkowitą, np. 0 lub 3."),
                    "min_value": gettext_lazy("Liczba miejsc nie może być ujemna."),
                },
                widget=forms.NumberInput(attrs={"min": 0, "step": 1}),
            )
            self.rows.append((code, accreditation, name))

    def offers(self) -> dict[str, int]:
        return {code: self.cleaned_data[name] for code, _a, name in self.rows}

    def field_name(self, code: str) -> str:
        return f"places_{code}"


class TraineeFileForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Plik CSV z osobami w trakcie szkolenia"),
        help_text=gettext_lazy(
            "Plik CSV w kodowaniu UTF-8 (jak z Excela: „CSV UTF-8”), rozdzielany średnikami, "
            "najwyżej 2 MB i 5000 wierszy. Pierwszy wiersz to nagłówek: "
            "pesel;dziedzina;data_rozpoczecia;data_zakonczenia."
        ),
        error_messages={"required": gettext_lazy("Wybierz plik CSV.")},
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )

    def __init__(self, *args, field_codes: dict[str, str], **kwargs):
        """``field_codes``: the unit's fields, by name and by code (lower case) → code."""
        super().__init__(*args, **kwargs)
        self.field_codes = field_codes
        self.rows: list[TraineeRow] = []

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise ValidationError(_("Plik jest za duży — najwyżej 2 MB."), code="too_large")
        rows, errors = read_trainees_csv(decoded(upload), self.field_codes)
        if errors:
            raise ValidationError(listed(errors), code="rows")
        if not rows:
            raise ValidationError(_("Plik nie zawiera żadnego wiersza."), code="empty")
        if len(rows) > MAX_TRAINEE_ROWS:
            raise ValidationError(
                _("Plik może mieć najwyżej %(n)d wierszy (jest %(found)d).")
                % {"n": MAX_TRAINEE_ROWS, "found": len(rows)},
                code="too_many",
            )
        self.rows = rows
        return upload


def row_message(error: RowError) -> str:
    """An error of a row as the file's reader sees it: its row and its column."""
    if not error.field:
        return _("Wiersz %(row)d: %(message)s") % {"row": error.row, "message": error.message}
    column = COLUMN_OF.get(error.field, error.field)
    return _("Wiersz %(row)d, %(column)s: %(message)s") % {
        "row": error.row,
        "column": column,
        "message": error.message,
    }


def listed(errors: list[RowError]) -> list[str]:
    messages = [row_message(e) for e in sorted(errors, key=lambda e: e.row)]
    if len(messages) > MAX_LISTED_ERRORS:
        more = _("…i %(n)d kolejnych błędów.") % {"n": len(messages) - MAX_LISTED_ERRORS}
        messages = [*messages[:MAX_LISTED_ERRORS], more]
    return messages


def _date(text: str) -> datetime.date | None:
    for pattern in DATE_FORMATS:
        try:
            return datetime.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    return None


def read_trainees_csv(text: str, field_codes: dict[str, str]):
    """The file's rows and the errors of the rows and cells that are not what they should be.

    Row numbers are those a spreadsheet shows: the header is row 1. A field is named by its
    code or its name.
    """
    try:
        table = read_table(text)
    except Unreadable as error:
        return [], [RowError(1, "", str(error))]
    if not set(table.columns) >= REQUIRED_COLUMNS or not set(table.columns) <= set(CSV_HEADER):
        return [], [
            RowError(
                1,
                "",
                _("Nagłówek pliku musi zawierać kolumny: %(expected)s (ostatnią można pominąć).")
                % {"expected": ";".join(CSV_HEADER)},
            )
        ]
    rows, errors = [], [RowError(line, "", message) for line, message in table.problems]
    for line, cells in table.rows:
        row, row_errors = _read_row(line, cells, field_codes)
        errors += row_errors
        if row is not None:
            rows.append(row)
    return rows, errors


def _read_row(line, cells, field_codes):
    errors = [
        RowError(line, CSV_COLUMNS[column], control_characters_message())
        for column, value in cells.items()
        if has_control_characters(value)
    ]
    if errors:
        return None, errors
    pesel = cells["pesel"].strip()
    field = cells["dziedzina"].strip()
    started_on = _date(cells["data_rozpoczecia"].strip())
    end_text = cells.get("data_zakonczenia", "").strip()
    ended_on = _date(end_text) if end_text else None
    if not pesel:
        errors.append(RowError(line, "pesel", _("brak numeru PESEL.")))
    if not field:
        errors.append(RowError(line, "field", _("brak dziedziny (kod albo nazwa).")))
    if started_on is None:
        errors.append(
            RowError(line, "start_date", _("podaj datę jako RRRR-MM-DD albo DD.MM.RRRR."))
        )
    if end_text and ended_on is None:
        errors.append(RowError(line, "end_date", _("podaj datę jako RRRR-MM-DD albo DD.MM.RRRR.")))
    if errors:
        return None, errors
    code = field_codes.get(field.lower(), field)
    return TraineeRow(line, pesel, code, started_on, ended_on), []
