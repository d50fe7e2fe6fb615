from django import forms
from django.utils.translation import gettext_lazy as _


class LegacyLoginForm(forms.Form):
    """Step 1, "Login i hasło konta SSOZ I"."""

    login = forms.CharField(
        label=_("Login konta SSOZ I"),
        max_length=150,
        error_messages={"required": _("Wpisz poprawne dane")},
    )
    password = forms.CharField(
        label=_("Hasło konta SSOZ I"),
        max_length=256,
        strip=False,
        widget=forms.PasswordInput,
        error_messages={"required": _("Wpisz poprawne dane")},
    )
