from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccreditationConfig(AppConfig):
    name = "accreditation"
    verbose_name = _("Akredytacja jednostek")

    @property
    def menu(self):
        from accounts.models import Role
        from smk.navigation import MenuEntry

        return (
            MenuEntry(
                _("Wnioski o akredytację"),
                "accreditation:queue",
                order=10,
                roles=frozenset({Role.ACCREDITATION}),
                section="/akredytacja/wnioski/",
            ),
            MenuEntry(
                _("Akredytacje"),
                "accreditation:accreditation_list",
                order=20,
                roles=frozenset({Role.ACCREDITATION}),
                section="/akredytacja/akredytacje/",
            ),
            MenuEntry(
                _("Akredytacja jednostki"),
                "accreditation:unit_home",
                order=30,
                roles=frozenset({Role.UNIT_STAFF}),
                section="/akredytacja/jednostka/",
            ),
        )

    def ready(self):
        # Importing the services registers the history texts (smk.audit.register_actions).
        import accreditation.services  # noqa: F401
