from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReferenceConfig(AppConfig):
    """The catalogue: voivodeships, fields, modes, programmes, training units and their
    accreditations. It imports nothing above ``smk`` (docs/architecture.md)."""

    name = "reference"
    verbose_name = _("Słowniki")
