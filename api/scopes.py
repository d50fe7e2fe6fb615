"""What an API client may do (OAuth 2.0 scopes) and which institution each scope is for.

The token endpoint grants a client only the scopes the administrator gave it
(:class:`ClientScopes`, django-oauth-toolkit's scopes backend); each view names the scope it
needs (:mod:`api.permissions`).
"""

from django.utils.translation import gettext_lazy as _
from oauth2_provider.scopes import BaseScopes

REFERRALS_READ = "referrals:read"
REFERRALS_DECIDE = "referrals:decide"
UNIT_WRITE = "unit:write"
OFFICE_READ = "office:read"
WEBHOOKS = "webhooks:manage"

#: scope → its Polish description (the schema and the admin show it).
SCOPES = {
    REFERRALS_READ: _("Odczyt skierowań do jednostki"),
    REFERRALS_DECIDE: _("Akceptacja i odrzucanie skierowań do jednostki"),
    UNIT_WRITE: _("Zapis danych jednostki: dane, harmonogram, zasilenie, miejsca, aktywacja"),
    OFFICE_READ: _("Odczyt danych urzędu wojewódzkiego: skierowania, rankingi, rejestr"),
    WEBHOOKS: _("Rejestracja adresów powiadomień (webhooków)"),
}

#: The scopes a client of each kind of institution may be given.
UNIT_SCOPES = (REFERRALS_READ, REFERRALS_DECIDE, UNIT_WRITE, WEBHOOKS)
OFFICE_SCOPES = (OFFICE_READ, WEBHOOKS)


class ClientScopes(BaseScopes):
    """django-oauth-toolkit's scopes backend: a client gets the scopes of its ``ApiClient``."""

    def get_all_scopes(self):
        return {name: str(text) for name, text in SCOPES.items()}

    def get_available_scopes(self, application=None, request=None, *args, **kwargs):
        client = getattr(application, "api_client", None) if application else None
        return list(client.scopes) if client is not None and client.is_active else []

    def get_default_scopes(self, application=None, request=None, *args, **kwargs):
        return self.get_available_scopes(application, request)
