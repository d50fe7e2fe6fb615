"""Machine-to-machine access: client credentials, scopes, expiry, suspension, revocation."""

import datetime

import pytest
from django.test import Client
from django.utils import timezone
from oauth2_provider.models import AccessToken

from api import scopes
from api.models import ClientStatus
from api.services import rotate_secret, set_status
from tests.api.conftest import TOKEN_URL, Api, make_client, token_for

pytestmark = pytest.mark.django_db
LIST = "/api/v1/referrals/"


def test_a_unit_s_system_gets_a_token_with_the_scopes_it_was_given(unit):
    client, secret = make_client(unit=unit, client_scopes=[scopes.REFERRALS_READ])
    response = Client().post(
        TOKEN_URL,
        {
            "grant_type": "client_credentials",
            "client_id": client.application.client_id,
            "client_secret": secret,
        },
    )

    assert response.status_code == 200
    body = response.json()
    assert body["token_type"] == "Bearer"
    assert body["scope"] == scopes.REFERRALS_READ
    assert 0 < body["expires_in"] <= 3600


def test_the_secret_is_stored_hashed_and_a_wrong_one_gets_no_token(unit):
    client, secret = make_client(unit=unit)
    assert secret not in client.application.client_secret
    response = Client().post(
        TOKEN_URL,
        {
            "grant_type": "client_credentials",
            "client_id": client.application.client_id,
            "client_secret": secret + "x",
        },
    )
    assert response.status_code == 401
    assert response.json()["error"] == "invalid_client"
    assert "sekret" in response.json()["error_description"]


def test_a_scope_the_client_was_not_given_is_not_granted(unit):
    client, secret = make_client(unit=unit, client_scopes=[scopes.REFERRALS_READ])
    response = Client().post(
        TOKEN_URL,
        {
            "grant_type": "client_credentials",
            "client_id": client.application.client_id,
            "client_secret": secret,
            "scope": scopes.REFERRALS_DECIDE,
        },
    )
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_scope"


def test_no_token_answers_401_with_a_bearer_challenge(unit):
    response = Client().get(LIST)
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_a_missing_scope_answers_403_naming_it(unit):
    client, secret = make_client(unit=unit, client_scopes=[scopes.UNIT_WRITE])
    response = Api(token_for(client, secret)).get(LIST)
    assert response.status_code == 403
    assert scopes.REFERRALS_READ in response.json()["detail"]


def test_an_expired_token_answers_401(unit):
    client, secret = make_client(unit=unit)
    token = token_for(client, secret)
    AccessToken.objects.filter(application=client.application).update(
        expires=timezone.now() - datetime.timedelta(seconds=1)
    )
    assert Api(token).get(LIST).status_code == 401


@pytest.mark.parametrize("status", [ClientStatus.SUSPENDED, ClientStatus.REVOKED])
def test_a_suspended_or_revoked_client_is_refused_at_once(unit, status):
    client, secret = make_client(unit=unit)
    api = Api(token_for(client, secret))
    assert api.get(LIST).status_code == 200

    set_status(client, status, reason="Wyciek sekretu")

    assert api.get(LIST).status_code == 401
    response = Client().post(
        TOKEN_URL,
        {
            "grant_type": "client_credentials",
            "client_id": client.application.client_id,
            "client_secret": secret,
        },
    )
    assert response.status_code == 401


def test_a_new_secret_ends_the_old_one_and_its_tokens(unit):
    client, secret = make_client(unit=unit)
    api = Api(token_for(client, secret))
    new = rotate_secret(client)

    assert api.get(LIST).status_code == 401
    assert Api(token_for(client, new)).get(LIST).status_code == 200


def test_an_office_client_cannot_use_the_unit_s_operations(mazowieckie):
    client, secret = make_client(office=mazowieckie)
    client.scopes = [scopes.OFFICE_READ, scopes.REFERRALS_READ]  # even if given by mistake
    client.save()
    response = Api(token_for(client, secret)).get(LIST)
    assert response.status_code == 403


def test_every_use_is_recorded_as_the_client_s_last_use(unit):
    client, secret = make_client(unit=unit)
    Api(token_for(client, secret)).get(LIST)
    client.refresh_from_db()
    assert client.last_used_at is not None
