from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PzConfig(AppConfig):
    name = "pz"
    verbose_name = _("Profil Zaufany")

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        # Importing the services registers the history texts (smk.audit.register_actions).
        from pz import services

        user_logged_in.connect(services.record_login, dispatch_uid="pz.record_login")
