from django.apps import AppConfig
from django.db.models import fields
from django.utils.translation import gettext_lazy as _

from smk import text


def use_polish_blank_choice():
    """Django 6.1's empty choice of a <select> ("- Select an option -") has no Polish
    translation; Django asks projects to set their own label. Set before any form class is
    built (form fields take the label when their class is defined): the admin's app, first in
    INSTALLED_APPS, calls this before it discovers the admin modules."""
    fields.BLANK_CHOICE_LABEL = _("— wybierz —")


class SmkConfig(AppConfig):
    name = "smk"
    verbose_name = "SMK"

    def ready(self):
        # Every form's text fields refuse control characters (smk/text.py says why here).
        text.install()
        use_polish_blank_choice()
