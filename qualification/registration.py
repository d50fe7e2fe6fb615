""" "Rejestracja — jestem nowym użytkownikiem" (seed 002, step 1): an applicant makes their own
account with their e-mail address, name, PESEL and a password, then confirms the address
through the link allauth sends (``ACCOUNT_EMAIL_VERIFICATION = "mandatory"``); only then can
they log in ("Logowanie — mam już konto").

The new account gets its personal profile (``InstitutionKind.PERSONAL``) with the Diagnosta
role in the same transaction as the account, so the first login lands in the applicant's
profile. The PESEL given here is kept in the account's history ("account.registered"), from
which the first application is prefilled (the user model has no PESEL column).

Wiring (settings): ``ACCOUNT_FORMS = {"signup": "qualification.registration.ApplicantSignupForm"}``
and an account adapter whose ``is_open_for_signup`` returns True.
"""

from allauth.account.forms import SignupForm
from django import forms
from django.db import transaction
from django.utils.translation import gettext_lazy

from qualification.services.applicant import register_applicant
from reference.validators import validate_pesel


class ApplicantSignupForm(SignupForm):
    first_name = forms.CharField(
        label=gettext_lazy("Imię"),
        max_length=100,
        widget=forms.TextInput(attrs={"autocomplete": "given-name"}),
    )
    last_name = forms.CharField(
        label=gettext_lazy("Nazwisko"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "family-name"}),
    )
    pesel = forms.CharField(
        label=gettext_lazy("PESEL"),
        max_length=11,
        validators=[validate_pesel],
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
        help_text=gettext_lazy("11 cyfr; sprawdzamy cyfrę kontrolną."),
    )

    field_order = ["email", "first_name", "last_name", "pesel", "password1", "password2"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        labels = {
            "email": gettext_lazy("Adres e-mail"),
            "password1": gettext_lazy("Hasło"),
            "password2": gettext_lazy("Hasło (powtórz)"),
        }
        for name, label in labels.items():
            if name in self.fields:
                self.fields[name].label = label
        if "email" in self.fields:
            self.fields["email"].help_text = gettext_lazy(
                "Na ten adres wyślemy link potwierdzający — konto zadziała po jego kliknięciu."
            )

    def clean_pesel(self):
        return self.cleaned_data["pesel"].strip()

    def clean_first_name(self):
        return self.cleaned_data["first_name"].strip()

    def clean_last_name(self):
        return self.cleaned_data["last_name"].strip()

    def save(self, request):
        # allauth saves the account and its e-mail address; the profile joins them in one
        # transaction, so there is never an account without its applicant profile.
        with transaction.atomic():
            user = super().save(request)
            register_applicant(user, pesel=self.cleaned_data["pesel"])
        return user
