from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    """The integration API (seed 004 for referrals): the same services behind another door."""

    name = "api"
    verbose_name = _("API integracyjne")

    @property
    def menu(self):
        from accounts.models import Role
        from smk.navigation import MenuEntry

        return (
            MenuEntry(
                _("Klienci API"),
                "api_pages:client_list",
                order=90,
                roles=frozenset({Role.UNIT_STAFF, Role.UW, Role.WOJEWODA}),
                section="/api-klienci/",
            ),
        )

    def seed_demo(self) -> list[str]:
        """The demo API clients (``seed_demo`` runs this last: it may not import this app)."""
        from api import demo

        return demo.seed()

    def ready(self):
        # History texts; the schema's security scheme; webhook deliveries of referral events.
        import api.audit
        import api.schema
        import api.webhooks  # noqa: F401
