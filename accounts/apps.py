from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Konta i profile")

    @property
    def menu(self):
        from accounts.models import Role
        from smk.navigation import MenuEntry

        return (
            MenuEntry(
                _("Wnioski o role"),
                "accounts:admin_queue",
                order=80,
                roles=frozenset({Role.ADMINISTRATOR}),
                section="/moje-konto/administracja/",
            ),
            MenuEntry(_("Moje konto"), "accounts:my_account", order=90),
        )

    def ready(self):
        from django.contrib.auth.signals import user_logged_in, user_logged_out

        # Importing the services registers the history texts (smk.audit.register_actions).
        import accounts.services  # noqa: F401
        from accounts import reminders, sessions

        user_logged_in.connect(reminders.note_login, dispatch_uid="accounts.reminders")
        user_logged_out.connect(sessions.note_logout, dispatch_uid="accounts.sessions")
