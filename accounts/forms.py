from django import forms
from django.utils.translation import gettext_lazy as _


class SwitchProfileForm(forms.Form):
    profile = forms.TypedChoiceField(label=_("Profil"), coerce=int)

    def __init__(self, *args, profiles, **kwargs):
        super().__init__(*args, **kwargs)
        self.profiles = {p.pk: p for p in profiles}
        self.fields["profile"].choices = [(p.pk, str(p)) for p in profiles]

    def clean_profile(self):
        return self.profiles[self.cleaned_data["profile"]]
