"""An optional OpenID Connect login ("national or organisational login"), configured from
environment variables (README.md, "Logowanie przez OpenID Connect").

Off unless ``OIDC_SERVER_URL`` and ``OIDC_CLIENT_ID`` are both given. This module is read by
the settings, so it imports nothing from Django's models.
"""

from django.core.exceptions import ImproperlyConfigured

from smk.env import env_bool, env_str

PROVIDER = "openid_connect"


def openid_connect_providers() -> dict:
    """``SOCIALACCOUNT_PROVIDERS`` for django-allauth: one OpenID Connect app or none."""
    server_url = env_str("OIDC_SERVER_URL", "")
    client_id = env_str("OIDC_CLIENT_ID", "")
    if not server_url and not client_id:
        return {}
    if not server_url or not client_id:
        raise ImproperlyConfigured(
            "OIDC_SERVER_URL and OIDC_CLIENT_ID must be given together (or neither)"
        )
    if not server_url.startswith(("https://", "http://")):
        raise ImproperlyConfigured(f"OIDC_SERVER_URL={server_url!r} is not an http(s) URL")
    provider_id = env_str("OIDC_PROVIDER_ID", "oidc")
    if not provider_id.replace("-", "").isalnum():
        raise ImproperlyConfigured(
            f"OIDC_PROVIDER_ID={provider_id!r} may hold only letters, digits and dashes"
        )
    return {
        PROVIDER: {
            "APPS": [
                {
                    "provider_id": provider_id,
                    "name": env_str("OIDC_PROVIDER_NAME", "Logowanie zewnętrzne"),
                    "client_id": client_id,
                    "secret": env_str("OIDC_CLIENT_SECRET", ""),
                    "settings": {
                        "server_url": server_url,
                        # The provider is trusted to vouch for e-mail addresses: its verified
                        # address logs in to the account with that address (signup stays
                        # closed, so nobody unknown gets an account).
                        "email_authentication": env_bool("OIDC_EMAIL_AUTHENTICATION", default=True),
                    },
                }
            ],
            "OAUTH_PKCE_ENABLED": True,
        }
    }
