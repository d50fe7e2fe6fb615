"""The optional OpenID Connect login, against a fake provider served from this process."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

import pytest
from allauth.socialaccount.models import SocialAccount
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse

from smk.oidc import openid_connect_providers
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PROVIDER_ID = "wezel-testowy"


class FakeProvider(BaseHTTPRequestHandler):
    """Discovery, token and userinfo endpoints of an OpenID Connect provider."""

    userinfo: dict = {}
    token_requests: list = []

    def _json(self, payload, status=200):
        body = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        base = f"http://{self.server.server_address[0]}:{self.server.server_address[1]}"
        if self.path == "/.well-known/openid-configuration":
            self._json(
                {
                    "issuer": base,
                    "authorization_endpoint": f"{base}/authorize",
                    "token_endpoint": f"{base}/token",
                    "userinfo_endpoint": f"{base}/userinfo",
                    "jwks_uri": f"{base}/jwks",
                    "token_endpoint_auth_methods_supported": ["client_secret_post"],
                }
            )
        elif self.path == "/userinfo":
            if self.headers.get("Authorization") != "Bearer token-z-wezla":
                self._json({"error": "invalid_token"}, status=401)
            else:
                self._json(type(self).userinfo)
        else:
            self._json({"error": "not_found"}, status=404)

    def do_POST(self):
        length = int(self.headers.get("Content-Length", 0))
        form = parse_qs(self.rfile.read(length).decode())
        if self.path == "/token":
            type(self).token_requests.append(form)
            self._json({"access_token": "token-z-wezla", "token_type": "Bearer"})
        else:
            self._json({"error": "not_found"}, status=404)

    def log_message(self, *args):
        pass


@pytest.fixture
def provider(settings):
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeProvider)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    FakeProvider.token_requests = []
    settings.SOCIALACCOUNT_PROVIDERS = {
        "openid_connect": {
            "APPS": [
                {
                    "provider_id": PROVIDER_ID,
                    "name": "Węzeł testowy",
                    "client_id": "smk-test",
                    "secret": "sekret",
                    "settings": {"server_url": base, "email_authentication": True},
                }
            ],
            "OAUTH_PKCE_ENABLED": True,
        }
    }
    yield FakeProvider
    server.shutdown()
    server.server_close()


def sign_in_at_provider(client, provider, **claims):
    provider.userinfo = {"sub": "osoba-42", "email_verified": True, **claims}
    page = client.get(reverse("account_login")).content.decode()
    assert "Zaloguj się przez: Węzeł testowy" in page
    start = client.post(reverse("openid_connect_login", kwargs={"provider_id": PROVIDER_ID}))
    assert start.status_code == 302
    authorize = urlparse(start.url)
    assert authorize.path == "/authorize"
    query = parse_qs(authorize.query)
    assert query["client_id"] == ["smk-test"] and "code_challenge" in query
    callback = reverse("openid_connect_callback", kwargs={"provider_id": PROVIDER_ID})
    return client.get(callback, {"code": "kod-autoryzacji", "state": query["state"][0]})


def test_a_known_person_logs_in_through_the_provider(client, provider, uw_mazowieckie):
    response = sign_in_at_provider(client, provider, email=uw_mazowieckie.email.upper())
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(uw_mazowieckie.pk)
    assert client.get(reverse("units:unit_list")).status_code == 200
    (token_request,) = provider.token_requests
    assert token_request["code"] == ["kod-autoryzacji"]
    assert token_request["client_id"] == ["smk-test"] and "code_verifier" in token_request
    account = SocialAccount.objects.get()
    assert account.user == uw_mazowieckie and account.uid == "osoba-42"
    # The next time the connected account logs in even with another e-mail at the provider.
    client.post(reverse("account_logout"))
    sign_in_at_provider(client, provider, email="inny@example.pl")
    assert client.session["_auth_user_id"] == str(uw_mazowieckie.pk)


def test_an_unknown_person_gets_no_account(client, provider):
    sign_in_at_provider(client, provider, email="nieznany@example.pl")
    assert "_auth_user_id" not in client.session
    assert not SocialAccount.objects.exists()


def test_an_address_the_provider_did_not_verify_logs_nobody_in(client, provider):
    user = UserFactory()
    sign_in_at_provider(client, provider, email=user.email, email_verified=False)
    assert "_auth_user_id" not in client.session


def test_without_configuration_there_is_no_external_login(client, settings):
    settings.SOCIALACCOUNT_PROVIDERS = {}
    assert "Inne sposoby logowania" not in client.get(reverse("account_login")).content.decode()


class TestConfiguration:
    def test_off_unless_configured(self, monkeypatch):
        monkeypatch.delenv("OIDC_SERVER_URL", raising=False)
        monkeypatch.delenv("OIDC_CLIENT_ID", raising=False)
        assert openid_connect_providers() == {}

    def test_one_app_from_the_variables(self, monkeypatch):
        monkeypatch.setenv("OIDC_SERVER_URL", "https://login.example.gov.pl/realms/smk")
        monkeypatch.setenv("OIDC_CLIENT_ID", "smk")
        monkeypatch.setenv("OIDC_CLIENT_SECRET", "tajne")
        monkeypatch.setenv("OIDC_PROVIDER_NAME", "Login.gov.pl")
        (app,) = openid_connect_providers()["openid_connect"]["APPS"]
        assert app["client_id"] == "smk" and app["secret"] == "tajne"
        assert app["name"] == "Login.gov.pl" and app["provider_id"] == "oidc"
        assert app["settings"]["server_url"] == "https://login.example.gov.pl/realms/smk"
        assert app["settings"]["email_authentication"] is True

    @pytest.mark.parametrize(
        "env",
        [
            {"OIDC_SERVER_URL": "https://login.example.gov.pl"},
            {"OIDC_CLIENT_ID": "smk"},
            {"OIDC_SERVER_URL": "login.example.gov.pl", "OIDC_CLIENT_ID": "smk"},
            {"OIDC_SERVER_URL": "https://x", "OIDC_CLIENT_ID": "s", "OIDC_PROVIDER_ID": "a b"},
            {
                "OIDC_SERVER_URL": "https://x",
                "OIDC_CLIENT_ID": "s",
                "OIDC_EMAIL_AUTHENTICATION": "chyba",
            },
        ],
    )
    def test_a_bad_configuration_stops_the_process(self, monkeypatch, env):
        for name in ("OIDC_SERVER_URL", "OIDC_CLIENT_ID", "OIDC_PROVIDER_ID"):
            monkeypatch.delenv(name, raising=False)
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        with pytest.raises(ImproperlyConfigured, match="OIDC_"):
            openid_connect_providers()


def test_an_administrator_still_gives_the_second_factor(client, provider, mfa_administrator):
    response = sign_in_at_provider(client, provider, email=mfa_administrator.email)
    assert response.url == reverse("mfa_authenticate")
    assert "_auth_user_id" not in client.session


def test_moje_konto_links_to_the_connected_logins(client_of, provider, uw_mazowieckie):
    page = client_of(uw_mazowieckie).get(reverse("accounts:my_account")).content.decode()
    assert reverse("socialaccount_connections") in page
    assert client_of(uw_mazowieckie).get(reverse("socialaccount_connections")).status_code == 200
