import re

from django import forms
from django.utils.translation import gettext_lazy as _
from stdnum.pl import nip as stdnum_nip

from accounts.institutions import REQUESTABLE_KINDS
from accounts.models import Role
from reference.validators import validate_nip, validate_regon
from smk.uploads import max_upload_bytes


class SwitchProfileForm(forms.Form):
    profile = forms.TypedChoiceField(label=_("Profil"), coerce=int)

    def __init__(self, *args, profiles, **kwargs):
        super().__init__(*args, **kwargs)
        self.profiles = {p.pk: p for p in profiles}
        self.fields["profile"].choices = [(p.pk, str(p)) for p in profiles]

    def clean_profile(self):
        return self.profiles[self.cleaned_data["profile"]]


# ---- "Wybór jednostki" -------------------------------------------------------------------


#: "sortuj" in "Lista jednostek" (the offices and the central institutions stay first).
INSTITUTION_SORTS = {
    "nazwa": _("Nazwa"),
    "nip": _("NIP"),
    "regon": _("REGON"),
    "ksiega": _("Numer księgi rejestrowej"),
}
#: "Pokaż na stronie".
PAGE_SIZES = (10, 20, 50)


class InstitutionSearchForm(forms.Form):
    """Seed 003: "Wybierz „Rodzaj” i wypełnij dowolne pole w wyszukiwarce"."""

    kind = forms.ChoiceField(
        label=_("Rodzaj"),
        required=False,
        choices=[("", _("wszystkie"))] + [(kind.value, kind.label) for kind in REQUESTABLE_KINDS],
    )
    nip = forms.CharField(label=_("NIP"), required=False, max_length=13)
    regon = forms.CharField(label=_("REGON"), required=False, max_length=14)
    register_book_number = forms.CharField(
        label=_("Numer księgi rejestrowej"), required=False, max_length=12
    )
    name = forms.CharField(label=_("Nazwa jednostki"), required=False, max_length=200)
    sort = forms.ChoiceField(
        label=_("Sortuj"), required=False, choices=list(INSTITUTION_SORTS.items())
    )
    per_page = forms.TypedChoiceField(
        label=_("Pokaż na stronie"),
        required=False,
        coerce=int,
        empty_value=PAGE_SIZES[0],
        choices=[(size, size) for size in PAGE_SIZES],
    )

    def clean_register_book_number(self):
        value = self.cleaned_data["register_book_number"].strip().replace(" ", "")
        if value and not value.isdigit():
            raise forms.ValidationError(_("Numer księgi rejestrowej składa się z cyfr."))
        return value

    def clean_nip(self):
        value = self.cleaned_data["nip"].strip()
        if value:
            value = stdnum_nip.compact(value)
            validate_nip(value)
        return value

    def clean_regon(self):
        value = self.cleaned_data["regon"].strip().replace(" ", "")
        if value:
            validate_regon(value)
        return value

    def clean_name(self):
        value = self.cleaned_data["name"].strip()
        if value and len(value) < 2:
            raise forms.ValidationError(_("Wpisz co najmniej 2 znaki nazwy."))
        return value


class ChooseInstitutionForm(forms.Form):
    """ "Wybierz" on one row of the results: carries the institution's key."""

    institution = forms.CharField(max_length=64)


# ---- "Wybór ról i dane kontaktowe" -------------------------------------------------------

PHONE_RE = re.compile(r"^\+?[0-9 ()-]+$")


def clean_phone_number(value: str) -> str:
    value = (value or "").strip()
    digits = re.sub(r"\D", "", value)
    if not PHONE_RE.match(value) or not 9 <= len(digits) <= 15:
        raise forms.ValidationError(
            _("Podaj numer telefonu: 9 cyfr lub numer z kierunkowym kraju, np. +48 600 100 200."),
            code="invalid_phone",
        )
    return ("+" if value.startswith("+") else "") + digits


class ContactFields(forms.Form):
    phone = forms.CharField(label=_("Telefon"), max_length=32)
    email = forms.EmailField(
        label=_("E-mail"),
        max_length=254,
        error_messages={"invalid": _("Podaj poprawny adres e-mail, np. jan.kowalski@example.pl.")},
    )

    def clean_phone(self):
        return clean_phone_number(self.cleaned_data["phone"])

    def clean_email(self):
        return self.cleaned_data["email"].strip().lower()


class RolesAndContactForm(ContactFields):
    roles = forms.MultipleChoiceField(
        label=_("Wybierz role, które będziesz pełnił w wybranej jednostce"),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Wybierz co najmniej jedną rolę.")},
    )

    field_order = ["roles", "phone", "email"]

    def __init__(self, *args, available_roles, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["roles"].choices = [(role, Role(role).label) for role in available_roles]


class DeclarationForm(forms.Form):
    declaration = forms.BooleanField(
        label=_("Potwierdzam zgodność danych ze stanem faktycznym"),
        error_messages={
            "required": _(
                "Zapoznaj się z treścią oświadczenia i potwierdź je przed wysłaniem wniosku."
            )
        },
    )


# ---- attachments and "Pobranie wniosku" --------------------------------------------------


class AttachmentForm(forms.Form):
    file = forms.FileField(
        label=_("Podpisany wniosek (format: .jpg, .pdf)"),
        error_messages={"required": _("Wybierz plik z podpisanym wnioskiem.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].widget.attrs["accept"] = ".pdf,.jpg,.jpeg,application/pdf,image/jpeg"
        self.fields["file"].help_text = _(
            "Skan lub zdjęcie podpisanego wniosku z pieczęcią jednostki albo wniosek podpisany "
            "elektronicznie; PDF lub JPG, najwyżej %(size)s MB."
        ) % {"size": max_upload_bytes() // (1024 * 1024)}


class FinishForm(AttachmentForm):
    NOW, LATER = "teraz", "pozniej"

    when = forms.ChoiceField(
        label=_("Kiedy chcesz przekazać podpisany wniosek"),
        widget=forms.RadioSelect,
        choices=[
            (NOW, _("Teraz załączę plik")),
            (LATER, _("Później załączę plik lub wyślę go mailem")),
        ],
        error_messages={"required": _("Wybierz, kiedy przekażesz podpisany wniosek.")},
    )

    field_order = ["when", "file"]

    def __init__(self, *args, has_attachment=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.has_attachment = has_attachment
        self.fields["file"].required = False

    def clean(self):
        cleaned = super().clean()
        if (
            cleaned.get("when") == self.NOW
            and not cleaned.get("file")
            and not self.has_attachment
            and "file" not in self.errors
        ):
            self.add_error("file", _("Wybierz plik z podpisanym wnioskiem."))
        return cleaned


class SentOtherwiseForm(forms.Form):
    sent_otherwise = forms.BooleanField(
        label=_(
            "Plik został wysłany mailem lub wydruk pocztą — nie przypominaj mi o braku "
            "załącznika do tego wniosku"
        ),
        required=False,
    )


class ReminderForm(forms.Form):
    """After login: the requests without an attachment, each with its "don't remind me"."""

    sent_otherwise = forms.MultipleChoiceField(
        label=_(
            "Plik został wysłany mailem lub wydruk pocztą — nie przypominaj mi o braku "
            "załącznika do tego wniosku"
        ),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, requests, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sent_otherwise"].choices = [
            (str(r.pk), f"{r.number} — {r.get_role_display()}") for r in requests
        ]


class ContactDataForm(ContactFields):
    version = forms.IntegerField(widget=forms.HiddenInput)


# ---- the administrator -------------------------------------------------------------------


class RejectForm(forms.Form):
    reason = forms.CharField(
        label=_("Powód odrzucenia"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        error_messages={"required": _("Podaj powód odrzucenia wniosku.")},
    )


class BlockForm(forms.Form):
    reason = forms.CharField(
        label=_("Powód zablokowania"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        error_messages={"required": _("Podaj powód zablokowania profilu.")},
    )
