from django import forms
from django.utils.translation import gettext_lazy as _


class AccountInformationForm(forms.Form):
    """ "Zaktualizuj informacje konta": the name and PESEL come from Profil Zaufany and are
    shown read-only; the person gives the e-mail twice and accepts the terms."""

    email = forms.EmailField(label=_("E-mail"), max_length=254)
    email_repeat = forms.EmailField(label=_("Powtórz e-mail"), max_length=254)
    terms = forms.BooleanField(
        label=_("Znam Warunki korzystania z serwisu"),
        error_messages={"required": _("Potwierdź, że znasz Warunki korzystania z serwisu.")},
    )

    def clean(self):
        data = super().clean()
        email, repeat = data.get("email"), data.get("email_repeat")
        if email and repeat and email.lower() != repeat.lower():
            self.add_error("email_repeat", _("Adresy e-mail różnią się."))
        return data


class MigrationChoiceForm(forms.Form):
    """ "Migracja danych do UEOZ": migrate the account found, make a new one, or stop."""

    MIGRATE, NEW, ABORT = "migrate", "new", "abort"
    action = forms.ChoiceField(choices=[(MIGRATE, MIGRATE), (NEW, NEW), (ABORT, ABORT)])
