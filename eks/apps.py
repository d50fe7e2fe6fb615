from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EksConfig(AppConfig):
    name = "eks"
    verbose_name = _("Elektroniczna Karta Specjalizacji")

    @property
    def menu(self):
        from accounts.models import Role
        from smk.navigation import MenuEntry

        return (
            MenuEntry(
                _("Elektroniczna Karta Specjalizacji"),
                "eks:card_list",
                order=35,
                roles=frozenset(
                    {Role.APPLICANT, Role.KIEROWNIK, Role.UNIT_STAFF, Role.UW, Role.WOJEWODA}
                ),
                section="/eks/",
            ),
            MenuEntry(
                _("Wpisy do potwierdzenia"),
                "eks:queue",
                order=34,
                roles=frozenset({Role.KIEROWNIK}),
                section="/eks/do-potwierdzenia/",
            ),
        )

    def ready(self):
        import eks.services  # noqa: F401  (registers the history texts)
