from django import forms
from django.utils.translation import gettext_lazy as _


class ContactForm(forms.Form):
    """ "Skontaktuj się z nami" (seed 003): a message to the operator of the system."""

    name = forms.CharField(label=_("Imię i nazwisko"), max_length=200)
    email = forms.EmailField(
        label=_("Adres e-mail"), help_text=_("Na ten adres operator odpowie na wiadomość.")
    )
    subject = forms.CharField(label=_("Temat"), max_length=200)
    message = forms.CharField(
        label=_("Treść wiadomości"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 8}),
    )
    consent = forms.BooleanField(
        label=_("Zapoznałem się z informacjami o przetwarzaniu danych osobowych."),
        error_messages={
            "required": _("Potwierdź, że znasz informacje o przetwarzaniu danych osobowych.")
        },
    )

    def clean_subject(self):
        # The subject becomes an e-mail header: one line.
        return " ".join(self.cleaned_data["subject"].split())
