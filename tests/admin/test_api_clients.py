"""The administrator creates API clients in the admin; the secret is shown once."""

import pytest
from django.test import Client

from api import scopes
from api.models import ApiClient, ClientStatus
from api.services import create_client
from tests.api.conftest import Api, token_for
from tests.factories import TrainingUnitFactory, voivodeship


@pytest.fixture
def unit(db):
    return TrainingUnitFactory(voivodeship=voivodeship("mazowieckie"))


@pytest.mark.django_db
def test_the_admin_shows_a_new_client_s_secret_once(mfa_admin_client, unit):
    response = mfa_admin_client.post(
        "/admin/api/apiclient/add/",
        {"name": "System szpitala", "unit": unit.pk, "scopes": [scopes.REFERRALS_READ]},
        follow=True,
    )
    assert response.status_code == 200
    made = ApiClient.objects.get(name="System szpitala")
    page = response.content.decode()
    assert made.application.client_id in page and "client_secret" in page
    again = mfa_admin_client.get(f"/admin/api/apiclient/{made.pk}/change/").content.decode()
    assert "client_secret: " not in again


@pytest.mark.django_db
def test_the_admin_refuses_an_office_scope_for_a_unit(mfa_admin_client, unit):
    response = mfa_admin_client.post(
        "/admin/api/apiclient/add/",
        {"name": "Zły", "unit": unit.pk, "scopes": [scopes.OFFICE_READ]},
    )
    assert response.status_code == 200
    assert "nie są dostępne dla tej instytucji" in response.content.decode()
    assert not ApiClient.objects.filter(name="Zły").exists()
    assert Client().get("/api/v1/schema/").status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("action", "status"),
    [("suspend", ClientStatus.SUSPENDED), ("revoke", ClientStatus.REVOKED)],
)
def test_a_client_suspended_or_revoked_in_the_admin_loses_its_tokens_at_once(
    mfa_admin_client, unit, action, status
):
    client = ApiClient(name="System szpitala", unit=unit, scopes=[scopes.REFERRALS_READ])
    secret = create_client(client)
    api = Api(token_for(client, secret))
    assert api.get("/api/v1/referrals/").status_code == 200

    response = mfa_admin_client.post(
        "/admin/api/apiclient/",
        {"action": action, "_selected_action": [client.pk]},
        follow=True,
    )

    assert response.status_code == 200
    client.refresh_from_db()
    assert client.status == status
    assert api.get("/api/v1/referrals/").status_code == 401
    assert Client().post(
        "/api/v1/oauth/token/",
        {"grant_type": "client_credentials", "client_id": client.application.client_id,
         "client_secret": secret},
    ).status_code == 401  # fmt: skip
    if action == "suspend":  # a suspension can be lifted, a revocation cannot
        mfa_admin_client.post(
            "/admin/api/apiclient/", {"action": "reactivate", "_selected_action": [client.pk]}
        )
        assert Api(token_for(client, secret)).get("/api/v1/referrals/").status_code == 200
