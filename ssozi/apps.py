from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SsoziConfig(AppConfig):
    name = "ssozi"
    verbose_name = _("Przeniesienie uprawnień z SSOZ I")

    def ready(self):
        # Importing the services registers the history texts (smk.audit.register_actions).
        import ssozi.services  # noqa: F401
