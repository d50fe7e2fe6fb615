from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    """The public face of the site: the start page, "Ostatnie komunikaty", the help files, the
    footer's pages and "Skontaktuj się z nami" (seeds 002 and 003)."""

    name = "portal"
    verbose_name = _("Strona startowa i komunikaty")

    def seed_demo(self) -> list[str]:
        """Demo announcements (``seed_demo`` runs this: it may not import this app)."""
        from portal import demo

        return demo.seed()
