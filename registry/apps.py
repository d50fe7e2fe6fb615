from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistryConfig(AppConfig):
    name = "registry"
    verbose_name = _("Rejestr")

    @property
    def menu(self):
        from accounts.models import Role
        from smk.navigation import MenuEntry

        return (
            MenuEntry(
                _("Rejestr"),
                "registry:entry_list",
                order=30,
                roles=frozenset({Role.UW, Role.WOJEWODA, Role.UNIT_STAFF}),
                section="/rejestr/",
            ),
        )
