"""The EKS's forms. Each carries the version of what the person was looking at, so a form
posted from a page that is out of date is refused by the service."""

import datetime
import re

from django import forms
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from reference.models import ElementKind
from smk.uploads import max_upload_bytes, validate_document


class VersionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class EntryForm(forms.Form):
    """A course, an internship or procedures done: what the diagnostician enters."""

    element = forms.TypedChoiceField(label=_("Element programu"), coerce=int)
    date_from = forms.DateField(label=_("Data rozpoczęcia"), widget=DateInput)
    date_to = forms.DateField(label=_("Data zakończenia"), widget=DateInput)
    place = forms.CharField(
        label=_("Miejsce odbycia"),
        max_length=255,
        help_text=_("Jednostka, pracownia lub organizator kursu."),
    )
    count = forms.IntegerField(
        label=_("Liczba wykonanych procedur"),
        required=False,
        min_value=1,
        max_value=999,
        help_text=_("Tylko dla procedur."),
    )
    certificate = forms.FileField(
        label=_("Zaświadczenie (PDF lub JPG)"),
        required=False,
        widget=forms.FileInput(attrs={"accept": ".pdf,.jpg,.jpeg"}),
    )

    def __init__(self, *args, card, progress=None, entry=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.content_type = ""
        self.entry = entry
        if entry is not None:
            # A correction keeps its element; the form shows it, the service keeps it.
            del self.fields["element"]
            self.fields["version"] = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
            if entry.element.kind != ElementKind.PROCEDURE:
                del self.fields["count"]
            if entry.certificate:
                self.fields["certificate"].help_text = _(
                    "Dołączone: %(name)s. Dodaj nowy plik, jeśli ma zastąpić dołączony."
                ) % {"name": entry.certificate_name}
        else:
            self.fields["element"].choices = [("", _("— wybierz —"))] + [
                (
                    module.module.name,
                    [
                        (p.element.pk, f"{p.element.name} ({p.element.get_kind_display()})")
                        for p in module.elements
                    ],
                )
                for module in (progress.modules if progress else [])
            ]
        self.fields["certificate"].help_text = (
            str(self.fields["certificate"].help_text or "")
            + " "
            + str(
                _("Wymagane dla kursów i staży; dla procedur opcjonalne. Najwyżej %(limit)s.")
                % {"limit": filesizeformat(max_upload_bytes())}
            )
        ).strip()
        self.card = card

    def clean_certificate(self):
        upload = self.cleaned_data.get("certificate")
        if upload:
            self.content_type = validate_document(upload)
        return upload

    def service_values(self) -> dict:
        data = self.cleaned_data
        values = {
            "date_from": data["date_from"],
            "date_to": data["date_to"],
            "place": data["place"],
            "count": data.get("count"),
            "certificate": data.get("certificate") or None,
            "content_type": self.content_type,
        }
        if self.entry is None:
            values["element_id"] = data["element"]
        return values


class EntrySelectionField(forms.MultipleChoiceField):
    """Entries chosen on the page as ``"<id>:<version>"``: the choices are the entries the
    page showed, so an entry changed meanwhile still arrives, with its old version, and the
    service refuses it as stale instead of the form saying "not a valid choice"."""

    pattern = re.compile(r"^(\d{1,12}):(\d{1,9})$")

    def valid_value(self, value):
        return bool(self.pattern.match(str(value)))

    def clean(self, value):
        values = super().clean(value)
        return {int(m.group(1)): int(m.group(2)) for m in map(self.pattern.match, values)}


class EntrySelectionForm(forms.Form):
    entries = EntrySelectionField(
        label=_("Wpisy"),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Zaznacz co najmniej jeden wpis.")},
    )

    def __init__(self, *args, entries=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["entries"].choices = [(f"{e.pk}:{e.version}", str(e)) for e in entries]


class ReasonForm(VersionForm):
    reason = forms.CharField(
        label=_("Powód"),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=4000,
        error_messages={"required": _("Podaj powód.")},
    )

    def __init__(self, *args, label=None, **kwargs):
        super().__init__(*args, **kwargs)
        if label:
            self.fields["reason"].label = label


class AppointmentForm(VersionForm):
    kierownik = forms.ModelChoiceField(
        label=_("Kierownik specjalizacji"),
        queryset=None,
        empty_label=_("— wybierz —"),
        error_messages={
            "invalid_choice": _("Wybierz osobę z rolą Kierownik specjalizacji w tej jednostce.")
        },
    )
    since = forms.DateField(
        label=_("Kierownik od dnia"),
        widget=DateInput,
        help_text=_("Dzień wyznaczenia albo zmiany kierownika; nie później niż dziś."),
    )

    def __init__(self, *args, candidates, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("since", timezone.localdate())
        super().__init__(*args, **kwargs)
        self.fields["kierownik"].queryset = candidates
        self.fields["kierownik"].label_from_instance = lambda p: (
            f"{p.user.get_full_name() or p.user.email} ({p.user.email})"
        )


class PlanForm(VersionForm):
    """Roczny plan szkolenia: one choice of year per element; a year begun is fixed."""

    def __init__(self, *args, card, progress, today=None, **kwargs):
        super().__init__(*args, **kwargs)
        today = today or timezone.localdate()
        years = range(1, card.programme.duration_years + 1)
        self.rows = []
        for module in progress.modules:
            for item in module.elements:
                name = f"element_{item.element.pk}"
                fixed = item.planned_year is not None and card.year_started(
                    item.planned_year, today
                )
                choices = [("", _("— nie zaplanowano —"))] + [
                    (str(y), _("rok %(year)s") % {"year": y})
                    for y in years
                    if not card.year_started(y, today) or y == item.planned_year
                ]
                self.fields[name] = forms.TypedChoiceField(
                    label=item.element.name,
                    choices=choices,
                    coerce=int,
                    empty_value=None,
                    required=False,
                    disabled=fixed,
                    initial=str(item.planned_year or ""),
                    help_text=_("Rok już się rozpoczął: bez zmian.") if fixed else "",
                )
                self.rows.append((module.module, item, self[name]))
        self.years = [
            (y, card.year_starts(y), card.year_starts(y + 1) - datetime.timedelta(days=1))
            for y in years
        ]

    def plan(self) -> dict[int, int | None]:
        return {
            int(name.removeprefix("element_")): value
            for name, value in self.cleaned_data.items()
            if name.startswith("element_") and not self.fields[name].disabled
        }
