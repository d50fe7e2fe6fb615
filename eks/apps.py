from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EksConfig(AppConfig):
    name = "eks"
    verbose_name = _("Elektroniczna Karta Specjalizacji")

    def ready(self):
        import eks.services  # noqa: F401  (registers the history texts)
