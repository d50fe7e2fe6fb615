from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Konta i profile")

    @property
    def menu(self):
        from smk.navigation import MenuEntry

        return (MenuEntry(_("Moje konto"), "accounts:my_account", order=90),)
