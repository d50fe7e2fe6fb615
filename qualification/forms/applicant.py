"""Forms of the applicant's screens: the choice of session, voivodeship, field and mode (step
one of "Utwórz wniosek"), the application's data with the preferred units (step two, and
editing a draft), and the approval confirmation."""

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from qualification.models import Application, AttachmentKind
from qualification.services.applicant import (
    APPLICANT_FIELDS,
    MAX_PREFERRED_UNITS,
    accredited_units,
    no_units_message,
    sessions_accepting,
)
from qualification.services.applicant.statements import (
    REFUSE,
    STATEMENT_FIELDS,
    earlier_residency,
    second_residency_message,
    second_residency_rule,
)
from reference.models import Field, Mode, Voivodeship
from smk.uploads import validate_document

#: The graduation year cannot lie before this one.
FIRST_GRADUATION_YEAR = 1950


class ChoiceForm(forms.Form):
    """Step one: where and what the application is for. Submitted with GET (nothing changes);
    step two carries the same fields hidden."""

    session = forms.ModelChoiceField(
        label=gettext_lazy("Sesja"),
        queryset=None,
        empty_label=None,
        error_messages={
            "invalid_choice": gettext_lazy(
                "Ta sesja nie przyjmuje teraz wniosków — wybierz sesję z listy."
            )
        },
    )
    voivodeship = forms.ModelChoiceField(
        label=gettext_lazy("Województwo"),
        queryset=Voivodeship.objects.order_by("name"),
        help_text=gettext_lazy(
            "Województwo, w którym chcesz odbywać szkolenie specjalizacyjne; wniosek trafi "
            "do tego urzędu wojewódzkiego."
        ),
    )
    field = forms.ModelChoiceField(
        label=gettext_lazy("Dziedzina"),
        queryset=Field.objects.order_by("name"),
    )
    mode = forms.ModelChoiceField(
        label=gettext_lazy("Tryb"),
        queryset=Mode.objects.order_by("name"),
        empty_label=None,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, day: datetime.date | None = None, hidden=False, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.day = day or timezone.localdate()
        self.user = user
        self.fields["session"].queryset = sessions_accepting(self.day)
        if hidden:
            for field in self.fields.values():
                field.widget = forms.HiddenInput()

    def clean(self):
        cleaned = super().clean()
        voivodeship, field = cleaned.get("voivodeship"), cleaned.get("field")
        if voivodeship and field and not accredited_units(voivodeship, field, self.day).exists():
            self.add_error("field", no_units_message(voivodeship, field))
        session, mode = cleaned.get("session"), cleaned.get("mode")
        if self.user is not None and session and mode and second_residency_rule() == REFUSE:
            # Said at once, next to the mode; the service decides again when creating.
            earlier = earlier_residency(user=self.user, pesel="", session=session, mode=mode)
            if earlier is not None:
                self.add_error("mode", second_residency_message(earlier))
        return cleaned


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name} ({obj.city})"


class ApplicationDataForm(forms.ModelForm):
    """Step two and editing a draft: the applicant's data and up to three preferred units,
    chosen in order from the units accredited in the application's field and voivodeship."""

    class Meta:
        model = Application
        fields = (*APPLICANT_FIELDS, *STATEMENT_FIELDS)
        # "4,50" as Polish people write it (and "4.50" too).
        localized_fields = ("study_result",)
        labels = {
            "first_name": gettext_lazy("Imię"),
            "last_name": gettext_lazy("Nazwisko"),
            "pesel": gettext_lazy("PESEL"),
            "licence_number": gettext_lazy("Numer wpisu na listę diagnostów laboratoryjnych"),
            "email": gettext_lazy("Adres e-mail"),
            "phone": gettext_lazy("Telefon"),
            "address": gettext_lazy("Adres korespondencyjny"),
            "university": gettext_lazy("Uczelnia"),
            "graduation_year": gettext_lazy("Rok ukończenia studiów"),
            "study_result": gettext_lazy("Wynik studiów"),
            "limited_licence": gettext_lazy("Posiadam ograniczone prawo wykonywania zawodu"),
            "preferred_mode": gettext_lazy(
                "Oświadczenie: preferowany tryb odbywania szkolenia specjalizacyjnego"
            ),
        }
        help_texts = {
            "licence_number": gettext_lazy(
                "Numer, pod którym jesteś wpisana/wpisany na listę diagnostów laboratoryjnych "
                "(prawo wykonywania zawodu)."
            ),
            "address": gettext_lazy("Ulica i numer, kod pocztowy, miejscowość."),
            "study_result": gettext_lazy(
                "Średnia ocen ze studiów, od 2,00 do 5,00 — rozstrzyga o kolejności przy "
                "równej liczbie punktów."
            ),
        }
        widgets = {
            "pesel": forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
            "email": forms.EmailInput(attrs={"autocomplete": "email"}),
            "phone": forms.TextInput(attrs={"autocomplete": "tel"}),
            "first_name": forms.TextInput(attrs={"autocomplete": "given-name"}),
            "last_name": forms.TextInput(attrs={"autocomplete": "family-name"}),
            "address": forms.TextInput(attrs={"autocomplete": "street-address"}),
        }

    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)

    def __init__(self, *args, voivodeship, field, day=None, **kwargs):
        super().__init__(*args, **kwargs)
        for name in APPLICANT_FIELDS:
            # Everything is needed on the application (SPEC §3); the model allows blanks only
            # for applications the office entered from paper.
            self.fields[name].required = True
        self.fields["preferred_mode"].queryset = Mode.objects.order_by("name")
        self.fields["preferred_mode"].empty_label = _("— nie dotyczy (wniosek w jednym trybie) —")
        units = accredited_units(voivodeship, field, day)
        for position in range(1, MAX_PREFERRED_UNITS + 1):
            self.fields[f"unit_{position}"] = UnitChoiceField(
                label=_("Preferowana jednostka szkoleniowa — %(n)d. wybór") % {"n": position},
                queryset=units,
                required=position == 1,
                empty_label=_("— wybierz jednostkę —") if position == 1 else _("— brak —"),
                error_messages={
                    "invalid_choice": _(
                        "Ta jednostka nie ma aktywnej akredytacji w dziedzinie „%(field)s” "
                        "w województwie %(voivodeship)s — wybierz jednostkę z listy."
                    )
                    % {"field": field, "voivodeship": voivodeship}
                },
            )
        if self.instance.pk and not self.is_bound:
            chosen = self.instance.preferred_units.order_by("position")
            for preferred in chosen[:MAX_PREFERRED_UNITS]:
                self.initial[f"unit_{preferred.position}"] = preferred.unit_id
            self.initial["version"] = self.instance.version

    def clean_pesel(self):
        return self.cleaned_data["pesel"].strip()

    def clean_graduation_year(self):
        year = self.cleaned_data["graduation_year"]
        this_year = timezone.localdate().year
        if year is not None and not FIRST_GRADUATION_YEAR <= year <= this_year:
            raise forms.ValidationError(
                _("Podaj rok ukończenia studiów od %(first)d do %(last)d.")
                % {"first": FIRST_GRADUATION_YEAR, "last": this_year}
            )
        return year

    def clean(self):
        cleaned = super().clean()
        seen = set()
        for position in range(1, MAX_PREFERRED_UNITS + 1):
            unit = cleaned.get(f"unit_{position}")
            if unit is None:
                continue
            if unit.pk in seen:
                self.add_error(
                    f"unit_{position}",
                    _("Ta jednostka jest już wskazana wyżej — każdą można wybrać tylko raz."),
                )
            seen.add(unit.pk)
        return cleaned

    @property
    def chosen_units(self) -> list:
        """The chosen units in the applicant's order, gaps closed."""
        return [
            unit
            for position in range(1, MAX_PREFERRED_UNITS + 1)
            if (unit := self.cleaned_data.get(f"unit_{position}")) is not None
        ]

    @property
    def unit_ids(self) -> list[int]:
        return [unit.pk for unit in self.chosen_units]

    @property
    def applicant_data(self) -> dict:
        return {
            name: self.cleaned_data.get(name) for name in (*APPLICANT_FIELDS, *STATEMENT_FIELDS)
        }

    @property
    def unit_fields(self):
        return [self[f"unit_{position}"] for position in range(1, MAX_PREFERRED_UNITS + 1)]

    @property
    def data_fields(self):
        return [self[name] for name in APPLICANT_FIELDS]


class ApproveForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class AttachmentForm(forms.Form):
    """A document for the application: PDF or JPG, checked by content, size and scanner."""

    kind = forms.ChoiceField(
        label=gettext_lazy("Rodzaj załącznika"),
        choices=AttachmentKind.choices,
        widget=forms.RadioSelect,
    )
    file = forms.FileField(
        label=gettext_lazy("Plik (PDF lub JPG)"),
        widget=forms.FileInput(attrs={"accept": ".pdf,.jpg,.jpeg"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        self.content_type = validate_document(upload)
        return upload
