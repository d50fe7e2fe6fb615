"""API clients of two units and two offices, tokens from the real token endpoint."""

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from api import scopes
from api.models import ApiClient
from api.services import create_client
from referrals.models import ReferralStatus
from tests.factories import (
    AccreditationFactory,
    ProgrammeFactory,
    ReferralFactory,
    TrainingUnitFactory,
    mode,
    voivodeship,
)
from training.models import Integration

TOKEN_URL = "/api/v1/oauth/token/"
START = datetime.date(2026, 10, 1)


def make_client(*, unit=None, office=None, client_scopes=None, name="System HR"):
    """An API client and its secret (shown once, as in the admin)."""
    if client_scopes is None:
        client_scopes = scopes.UNIT_SCOPES if unit else scopes.OFFICE_SCOPES
    client = ApiClient(name=name, unit=unit, voivodeship=office, scopes=list(client_scopes))
    secret = create_client(client)
    return client, secret


def token_for(client, secret, scope=None) -> str:
    data = {
        "grant_type": "client_credentials",
        "client_id": client.application.client_id,
        "client_secret": secret,
    }
    if scope:
        data["scope"] = scope
    response = Client().post(TOKEN_URL, data)
    assert response.status_code == 200, response.content
    return response.json()["access_token"]


class Api:
    """The test client with a bearer token: ``api.get(path)``, ``api.post(path, json)``."""

    def __init__(self, token):
        self.token = token
        self.http = Client()

    def _headers(self, headers):
        return {"HTTP_AUTHORIZATION": f"Bearer {self.token}", **(headers or {})}

    def get(self, path, data=None, **headers):
        return self.http.get(path, data, **self._headers(headers))

    def post(self, path, payload=None, *, content_type="application/json", **headers):
        return self._send("post", path, payload, content_type, headers)

    def put(self, path, payload=None, *, content_type="application/json", **headers):
        return self._send("put", path, payload, content_type, headers)

    def _send(self, method, path, payload, content_type, headers):
        import json

        body = payload if isinstance(payload, str | bytes) else json.dumps(payload or {})
        send = getattr(self.http, method)
        return send(path, body, content_type=content_type, **self._headers(headers))


def integrated(unit):
    """``unit`` with its integration active (aktywujMus done), as deciding through the API
    needs (api/views/unit.py)."""
    Integration.objects.create(unit=unit, activated_at=timezone.now(), activated_by="test")
    return unit


@pytest.fixture
def unit(db):
    """A mazowieckie unit whose integration is active."""
    return integrated(TrainingUnitFactory(voivodeship=voivodeship("mazowieckie")))


@pytest.fixture
def other_unit(db):
    return TrainingUnitFactory(voivodeship=voivodeship("mazowieckie"))


@pytest.fixture
def unit_api(unit):
    client, secret = make_client(unit=unit)
    return Api(token_for(client, secret))


@pytest.fixture
def issued(unit):
    """``issued(target=…)``: a referral sent to the unit, waiting for its decision
    (``status=ReferralStatus.ASSIGNED``: one assigned to it, ready for "Wyślij")."""

    def make(target=None, status=ReferralStatus.ISSUED, **kwargs):
        target = target or unit
        accreditation = AccreditationFactory(unit=target, places=5)
        programme = ProgrammeFactory(field=accreditation.field, mode=mode())
        return ReferralFactory(
            status=status,
            unit=target,
            field=accreditation.field,
            programme=programme,
            planned_start=START,
            planned_end=programme.planned_end_from(START),
            **kwargs,
        )

    return make
