"""Every API call that changes data is a history event naming the client (issue 16, item 2):
the unit's data, schedule, initial load, offered places and activation, the decisions on a
referral, a webhook endpoint added and removed."""

import datetime

import pytest

from api.models import WebhookEndpoint
from smk.models import Event
from tests.api.conftest import Api, make_client, token_for
from tests.factories import AccreditationFactory, TrainingUnitFactory, valid_pesel, voivodeship

pytestmark = pytest.mark.django_db

NEXT_YEAR = datetime.date.today().year + 1
NAME = "System kadrowy nr 7"


@pytest.fixture
def setting(unit, issued):
    accreditation = AccreditationFactory(
        unit=unit, places=5, valid_to=datetime.date(NEXT_YEAR + 5, 12, 31)
    )
    client, secret = make_client(unit=unit, name=NAME)
    return {
        "client": client,
        "api": Api(token_for(client, secret)),
        "field": accreditation.field.code,
        "referral": issued(),
    }


def contact(s):
    return "put", "/api/v1/unit/", {
        "contact_person": "Ewa Nowak", "phone": "22 123 45 67", "email": "kadry@szpital.pl",
    }  # fmt: skip


def schedule(s):
    return "put", "/api/v1/unit/schedule/", {
        "starts": [{"field": s["field"], "date": f"{NEXT_YEAR}-10-01", "places": 2}]
    }  # fmt: skip


def trainees(s):
    return "post", "/api/v1/unit/trainees/", {
        "trainees": [{"pesel": valid_pesel(), "field": s["field"], "start_date": "2025-10-01"}]
    }  # fmt: skip


def offered(s):
    return "put", "/api/v1/unit/offered-places/", {"places": [{"field": s["field"], "places": 1}]}


def accept(s):
    return "post", f"/api/v1/referrals/{s['referral'].pk}/accept/", {}


def reject(s):
    return "post", f"/api/v1/referrals/{s['referral'].pk}/reject/", {"justification": "Brak"}


def webhook(s):
    return "post", "/api/v1/webhooks/", {"url": "https://kadry.example.pl/smk"}


@pytest.mark.parametrize(
    "write",
    [contact, schedule, trainees, offered, accept, reject, webhook],
    ids=lambda w: w.__name__,
)
def test_every_write_of_a_client_is_a_history_event_naming_it(setting, write):
    method, path, body = write(setting)
    last = Event.objects.order_by("-pk").values_list("pk", flat=True).first() or 0

    response = getattr(setting["api"], method)(path, body)

    assert response.status_code in (200, 201), response.content
    written = Event.objects.filter(pk__gt=last)
    assert written.exists()
    client = setting["client"]
    for event in written:
        assert f"„{NAME}” (nr {client.pk})" in event.acting_as, event.action
        assert event.user_id is None


def test_removing_a_webhook_endpoint_is_a_history_event_naming_the_client(setting):
    api = setting["api"]
    endpoint = api.post("/api/v1/webhooks/", {"url": "https://kadry.example.pl/smk"}).json()
    last = Event.objects.order_by("-pk").values_list("pk", flat=True).first()

    assert (
        api.http.delete(f"/api/v1/webhooks/{endpoint['id']}/", **api._headers({})).status_code
        == 204
    )

    (event,) = Event.objects.filter(pk__gt=last)
    assert event.action == "api_client.webhook_removed" and NAME in event.acting_as
    assert WebhookEndpoint.objects.get(pk=endpoint["id"]).removed_at is not None


def test_activation_is_a_history_event_naming_the_client(db):
    unit = TrainingUnitFactory(voivodeship=voivodeship("mazowieckie"))
    field = AccreditationFactory(unit=unit, valid_to=datetime.date(NEXT_YEAR + 5, 12, 31)).field
    client, secret = make_client(unit=unit, name=NAME)
    api = Api(token_for(client, secret))
    api.put(*contact({})[1:])
    api.put(*schedule({"field": field.code})[1:])
    last = Event.objects.order_by("-pk").values_list("pk", flat=True).first()

    assert api.post("/api/v1/unit/integration/activate/").status_code == 200

    (event,) = Event.objects.filter(pk__gt=last)
    assert event.action == "training.integration_activated" and NAME in event.acting_as
