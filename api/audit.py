"""History texts of the API's own actions (smk.audit)."""

from django.utils.translation import gettext_lazy as _

from smk.audit import register_actions

register_actions(
    {
        "api_client.created": _("Utworzenie klienta API"),
        "api_client.secret_rotated": _("Nowy sekret klienta API"),
        "api_client.suspended": _("Zawieszenie klienta API"),
        "api_client.reactivated": _("Przywrócenie klienta API"),
        "api_client.revoked": _("Odwołanie klienta API"),
        "api_client.webhook_added": _("Rejestracja adresu powiadomień (webhooka)"),
        "api_client.webhook_removed": _("Usunięcie adresu powiadomień (webhooka)"),
    }
)
