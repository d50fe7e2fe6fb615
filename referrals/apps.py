from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReferralsConfig(AppConfig):
    name = "referrals"
    verbose_name = _("Skierowania")

    @property
    def menu(self):
        from accounts.models import Role
        from smk.navigation import MenuEntry

        return (
            MenuEntry(
                _("Do obsłużenia"),
                "referrals:dashboard",
                order=5,
                roles=frozenset({Role.UW, Role.WOJEWODA}),
                section="/skierowania/do-obsluzenia/",
            ),
            MenuEntry(
                _("Skierowania na specjalizację"),
                "referrals:referral_list",
                order=20,
                roles=frozenset({Role.UW, Role.WOJEWODA}),
                section="/skierowania/",
            ),
            MenuEntry(
                _("Jednostki szkoleniowe"),
                "units:unit_list",
                order=40,
                roles=frozenset({Role.UW, Role.WOJEWODA, Role.UNIT_STAFF, Role.ADMINISTRATOR}),
            ),
            MenuEntry(
                _("Skierowania do jednostki"),
                "referrals:unit_referral_list",
                order=20,
                roles=frozenset({Role.UNIT_STAFF}),
                section="/skierowania/jednostka/",
            ),
        )

    def ready(self):
        # Importing the services registers the referral history texts; importing the
        # notifications connects the e-mail receiver of referral_event.
        import referrals.notifications
        import referrals.services  # noqa: F401
        from referrals import places
        from training import capacity

        # The training app (a floor below) asks place accounting through this function.
        capacity.register(places.free_places)
