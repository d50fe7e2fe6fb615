from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReferenceConfig(AppConfig):
    name = "reference"
    verbose_name = _("Słowniki")

    @property
    def menu(self):
        from accounts.models import Role
        from smk.navigation import MenuEntry

        return (
            MenuEntry(
                _("Jednostki szkoleniowe"),
                "reference:unit_list",
                order=40,
                roles=frozenset({Role.UW, Role.WOJEWODA, Role.UNIT_STAFF, Role.ADMINISTRATOR}),
            ),
        )
