"""Forms of the office's "Formularz skierowania" (seed 000 §5.2–§10).

The forms only parse what was posted. Whether a unit, a programme or a date may go on the
referral is decided by :mod:`referrals.services` under the row lock (the same rules for every
caller); the forms accept any existing unit of the office's own voivodeship and any programme,
so a tampered value is refused by the service with a message next to its field.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from reference.models import Programme, TrainingUnit
from referrals.planned_dates import day_text
from referrals.services import Changes
from smk.uploads import SIGNATURES, validate_document

#: The editable part of the referral, as the service's :class:`Changes` names it.
EDITABLE_FIELDS = ("unit", "programme", "planned_start", "planned_end")
#: The reason for an end other than the programme's: posted with the dates, never chosen on
#: another screen (so it does not travel in the query string as the fields above do).
REASON_FIELD = "planned_end_reason"

DATE_INPUT_FORMATS = ["%Y-%m-%d", "%d.%m.%Y"]


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        # The browser's date picker reads and writes ISO dates whatever the page's language.
        super().__init__(attrs=attrs, format="%Y-%m-%d")


def version_field() -> forms.IntegerField:
    """The version of the referral the page was rendered from (hidden)."""
    message = _("Brak wersji formularza — odśwież stronę i spróbuj ponownie.")
    return forms.IntegerField(
        label=_("Wersja formularza"),
        widget=forms.HiddenInput,
        min_value=1,
        error_messages={"required": message, "invalid": message, "min_value": message},
    )


def planned_date_field(label) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=False,
        widget=DateInput,
        input_formats=DATE_INPUT_FORMATS,
        error_messages={"invalid": _("Podaj datę w formacie dd.mm.rrrr.")},
    )


class ReferralForm(forms.Form):
    """Unit, programme and planned dates carried by every button of the form, with the
    version the page was rendered from (a stale page is refused by the service)."""

    version = version_field()
    unit = forms.ModelChoiceField(
        label=_("Jednostka wskazana do prowadzenia specjalizacji"),
        queryset=TrainingUnit.objects.none(),
        required=False,
        widget=forms.HiddenInput,
        error_messages={
            "invalid_choice": _(
                "Wybierz jednostkę z aktywną akredytacją w dziedzinie skierowania w tym "
                "województwie (Wybierz jednostkę)."
            )
        },
    )
    programme = forms.ModelChoiceField(
        label=_("Program specjalizacji"),
        queryset=Programme.objects.all(),
        required=False,
        widget=forms.HiddenInput,
        error_messages={
            "invalid_choice": _(
                "Wybierz program obowiązujący dla dziedziny i trybu skierowania (Wybierz program)."
            )
        },
    )
    planned_start = planned_date_field(_("Planowana data rozpoczęcia"))
    planned_end = planned_date_field(_("Planowana data zakończenia"))
    planned_end_reason = forms.CharField(
        label=_("Uzasadnienie innej daty zakończenia"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Wymagane, gdy planowana data zakończenia jest inna niż wynikająca z czasu "
            "trwania programu."
        ),
    )

    def __init__(self, *args, units, start_window=None, **kwargs):
        super().__init__(*args, **kwargs)
        # The units the office may see at all (its own voivodeship); whether a unit is
        # accredited in the referral's field is the service's question.
        self.fields["unit"].queryset = units
        if start_window is not None:
            # Shown and offered by the date picker; the service decides.
            start = self.fields["planned_start"]
            start.widget.attrs |= {
                "min": start_window.earliest.isoformat(),
                "max": start_window.latest.isoformat(),
            }
            start.help_text = _(
                "Najwcześniej %(earliest)s (zakończenie postępowania kwalifikacyjnego), "
                "najpóźniej %(latest)s."
            ) % {
                "earliest": day_text(start_window.earliest),
                "latest": day_text(start_window.latest),
            }

    def carried(self) -> set[str]:
        """The editable fields this form actually carried (a missing one stays as saved)."""
        return {name for name in (*EDITABLE_FIELDS, REASON_FIELD) if name in self.data}

    def changes(self) -> Changes:
        data = self.cleaned_data
        return Changes(
            unit=data.get("unit"),
            programme=data.get("programme"),
            planned_start=data.get("planned_start"),
            planned_end=data.get("planned_end"),
            planned_end_reason=data.get("planned_end_reason") or "",
            fields=self.carried(),
        )


class NotStartedForm(forms.Form):
    """The "Decyzja" section in edit mode: the office's "Niepodjęcie szkolenia" (seed §10)."""

    version = version_field()
    justification = forms.CharField(
        label=_("Uzasadnienie decyzji"),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=4000,
        error_messages={"required": _("Podaj uzasadnienie decyzji.")},
    )
    attachment = forms.FileField(
        label=_("Załącznik"),
        required=False,
        help_text=_("Opcjonalnie: plik PDF lub JPG."),
        error_messages={"empty": _("Plik jest pusty.")},
        widget=forms.FileInput(attrs={"accept": ".pdf,.jpg,.jpeg"}),
    )

    def clean_justification(self):
        justification = self.cleaned_data["justification"].strip()
        if not justification:
            raise forms.ValidationError(_("Podaj uzasadnienie decyzji."), code="required")
        return justification

    def clean_attachment(self):
        upload = self.cleaned_data.get("attachment")
        if not upload:
            return None
        content_type = validate_document(upload)
        # Stored under a name of our making: the sender's file name says nothing we trust.
        upload.name = "decyzja" + SIGNATURES[content_type][1][0]
        return upload
