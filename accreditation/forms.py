"""The forms of the accreditation procedure: the unit's request and its documents, the
accrediting body's decisions and changes. They only parse what was posted; what may be done
is the services' to decide (``accreditation.services``), under the row lock. Every form that
changes a row carries the version the page was rendered from: a stale page is refused."""

from django import forms
from django.utils.translation import gettext_lazy as _

from accreditation.models import AttachmentKind, RequestKind
from reference.models import ElementKind, Field, Programme, ProgrammeElement
from referrals.forms import DATE_INPUT_FORMATS, DateInput, version_field
from smk.uploads import validate_document

TEXT = forms.Textarea(attrs={"rows": 4})


def date_field(label, *, required=True) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        widget=DateInput,
        input_formats=DATE_INPUT_FORMATS,
        error_messages={"invalid": _("Podaj datę w formacie dd.mm.rrrr.")},
    )


class ProgrammeChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, programme):
        return f"{programme.field} — {programme.mode}: {programme.name}"


class InternshipChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, element):
        return f"{element.name} ({element.module.programme.field}, {element.module.programme})"


class RequestForm(forms.Form):
    """ "Wniosek o akredytację": what is asked for and how the unit will train.

    The elements of the plan are those of the request's programme, offered once the request
    is saved with one (the page works without JavaScript)."""

    kind = forms.ChoiceField(
        label=_("Wniosek dotyczy"), choices=RequestKind.choices, widget=forms.RadioSelect
    )
    field = forms.ModelChoiceField(
        label=_("Dziedzina"),
        queryset=Field.objects.order_by("name"),
        help_text=_("Przy stażu kierunkowym: dziedzina programu, do którego należy staż."),
    )
    programme = ProgrammeChoiceField(
        label=_("Program specjalizacji"),
        queryset=Programme.objects.in_force().select_related("field", "mode"),
        required=False,
        help_text=_("Program, według którego jednostka prowadzi szkolenie (plan kształcenia)."),
    )
    internship = InternshipChoiceField(
        label=_("Staż kierunkowy"),
        queryset=ProgrammeElement.objects.filter(kind=ElementKind.INTERNSHIP).select_related(
            "module__programme__field", "module__programme__mode"
        ),
        required=False,
        help_text=_("Tylko przy wniosku o akredytację stażu kierunkowego."),
    )
    places_requested = forms.IntegerField(
        label=_("Wnioskowana liczba miejsc"), min_value=1, max_value=999
    )
    manager_name = forms.CharField(
        label=_("Kierownik specjalizacji (imię i nazwisko)"), max_length=200, required=False
    )
    manager_qualifications = forms.CharField(
        label=_("Kwalifikacje kierownika specjalizacji"),
        widget=TEXT,
        max_length=5000,
        required=False,
    )
    staff = forms.CharField(
        label=_("Kadra (osoby prowadzące szkolenie, ich kwalifikacje)"),
        widget=TEXT,
        max_length=10000,
        required=False,
    )
    equipment = forms.CharField(
        label=_("Wyposażenie (aparatura, pracownie)"),
        widget=TEXT,
        max_length=10000,
        required=False,
    )
    training_plan = forms.CharField(
        label=_("Plan kształcenia"),
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=20000,
        required=False,
    )
    plan_elements = forms.ModelMultipleChoiceField(
        label=_("Elementy programu realizowane w jednostce"),
        queryset=ProgrammeElement.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, **kwargs)
        if request is not None and request.programme_id:
            self.fields["plan_elements"].queryset = ProgrammeElement.objects.filter(
                module__programme_id=request.programme_id
            ).select_related("module__programme")
        else:
            del self.fields["plan_elements"]

    @classmethod
    def initial_of(cls, request) -> dict:
        return {
            "kind": request.kind,
            "field": request.field_id,
            "programme": request.programme_id,
            "internship": request.internship_id,
            "places_requested": request.places_requested,
            "manager_name": request.manager_name,
            "manager_qualifications": request.manager_qualifications,
            "staff": request.staff,
            "equipment": request.equipment,
            "training_plan": request.training_plan,
            "plan_elements": [element.pk for element in request.plan_elements.all()],
        }


class EditRequestForm(RequestForm):
    version = version_field()


class AttachmentForm(forms.Form):
    """A document of the request: PDF or JPG, checked by content, size and the scanner."""

    kind = forms.ChoiceField(
        label=_("Rodzaj załącznika"), choices=AttachmentKind.choices, widget=forms.RadioSelect
    )
    file = forms.FileField(
        label=_("Plik (PDF lub JPG)"),
        widget=forms.FileInput(attrs={"accept": ".pdf,.jpg,.jpeg"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        self.content_type = validate_document(upload)
        return upload


class VersionForm(forms.Form):
    """A button on a page: "Złóż wniosek", "Wycofaj wniosek"."""

    version = version_field()


class GrantForm(forms.Form):
    version = version_field()
    places = forms.IntegerField(label=_("Liczba udzielonych miejsc"), min_value=1)
    valid_from = date_field(_("Akredytacja ważna od"))
    valid_to = date_field(_("Akredytacja ważna do"))
    decision_number = forms.CharField(label=_("Numer decyzji"), max_length=64)


class RefuseForm(forms.Form):
    version = version_field()
    reason = forms.CharField(label=_("Uzasadnienie odmowy"), widget=TEXT, max_length=5000)
    decision_number = forms.CharField(label=_("Numer decyzji"), max_length=64, required=False)


class AskToCompleteForm(forms.Form):
    version = version_field()
    note = forms.CharField(label=_("Co należy uzupełnić"), widget=TEXT, max_length=5000)
    deadline = date_field(_("Termin uzupełnienia"))


class PlacesForm(forms.Form):
    version = version_field()
    places = forms.IntegerField(label=_("Nowa liczba miejsc"), min_value=0, max_value=999)
    reason = forms.CharField(label=_("Uzasadnienie decyzji"), widget=TEXT, max_length=5000)


class StopForm(forms.Form):
    """ "Zawieś" and "Cofnij akredytację": from a day, with a reason."""

    version = version_field()
    from_day = date_field(_("Obowiązuje od dnia"))
    reason = forms.CharField(label=_("Uzasadnienie decyzji"), widget=TEXT, max_length=5000)


class ResumeForm(forms.Form):
    version = version_field()
    reason = forms.CharField(label=_("Uzasadnienie decyzji"), widget=TEXT, max_length=5000)
