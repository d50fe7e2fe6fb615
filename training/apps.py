from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrainingConfig(AppConfig):
    name = "training"
    verbose_name = _("Szkolenie w jednostkach")

    @property
    def menu(self):
        from accounts.models import Role
        from smk.navigation import MenuEntry

        return (
            MenuEntry(
                _("Szkolenie w jednostce"),
                "training:integration",
                order=25,
                roles=frozenset({Role.UNIT_STAFF}),
                section="/szkolenie/",
            ),
        )

    def ready(self):
        import training.services  # noqa: F401  (registers the history texts)
