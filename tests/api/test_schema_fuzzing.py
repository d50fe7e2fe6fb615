"""Schemathesis runs every operation of ``/api/v1/schema/`` against a live server.

Positive and negative cases (the schema's examples, its boundary values and random fuzzing),
authenticated as a unit's client (the office's client for ``/office/`` operations), checked for
no 5xx and for answers — status, content type, headers, body — that the schema declares. The
run is deterministic (derandomized, a fixed seed) and small enough for two cores; a new
endpoint joins it by being in the schema. PostgreSQL only: what it refuses (a NUL byte, a time
zone offset beyond ±15:59) is part of what this test found.
"""

import json

import hypothesis
import pytest
import schemathesis
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from schemathesis.config import SchemathesisConfig

from api import scopes
from api.models import WebhookEndpoint
from api.webhooks import create_endpoint
from referrals.models import ReferralStatus
from tests.api.conftest import make_client, token_for
from tests.factories import voivodeship

pytestmark = pytest.mark.postgres

MAX_EXAMPLES = 20  # per operation and mode: about a minute for the whole schema
#: The ids of the rows the fixture makes: the fuzzer tries them half the time.
KNOWN_IDS = [9001, 9002, 9003, 9004]
#: What a valid request may get: valid requests may meet the state the earlier examples left —
#: a decided referral (409), an Idempotency-Key the fuzzer already used with another body (422).
ACCEPTED = ["2xx", "3xx", 401, 403, 404, 409, 422, 429]
#: Operations whose rules a schema cannot state: they answer 400 to some schema-valid bodies.
RULES_BEYOND_THE_SCHEMA = [
    "POST /api/v1/webhooks/",  # the event types a client may choose depend on its institution
    # A row names a field the unit is accredited in, a valid PESEL, places that are free.
    "PUT /api/v1/unit/schedule/",
    "POST /api/v1/unit/trainees/",
    "PUT /api/v1/unit/offered-places/",
]


@pytest.fixture
def fuzzing_tokens(unit, issued, settings):
    """Tokens of a unit's client and of its office's client, both holding every scope of their
    kind, and a few referrals (to decide and decided) whose ids the fuzzer tries."""
    settings.API_RATE_LIMIT = "100000/min"  # the fuzzer's burst is not what the limit is for
    first, second, started, rejected = KNOWN_IDS
    issued(id=first)
    issued(id=second)
    issued(id=started, status=ReferralStatus.STARTED)
    issued(id=rejected, status=ReferralStatus.REJECTED)
    unit_client, unit_secret = make_client(unit=unit, client_scopes=scopes.UNIT_SCOPES)
    office_client, office_secret = make_client(
        office=voivodeship("mazowieckie"), client_scopes=scopes.OFFICE_SCOPES
    )
    # A closed port on loopback: "test" deliveries fail at once, without leaving the machine.
    create_endpoint(
        WebhookEndpoint(
            id=first, client=unit_client, url="http://127.0.0.1:9/hooks", event_types=[]
        )
    )
    return {
        "unit": token_for(unit_client, unit_secret),
        "office": token_for(office_client, office_secret),
    }


def _served_schema() -> dict:
    """The document ``/api/v1/schema/`` serves, built as its view builds it: the operations
    must be known when pytest collects the tests, before any server runs."""
    generator = SchemaGenerator(urlconf="smk.urls")
    document = generator.get_schema(request=None, public=True)
    return json.loads(OpenApiJsonRenderer().render(document))


schema = schemathesis.openapi.from_dict(
    _served_schema(),
    config=SchemathesisConfig.from_dict(
        {
            "seed": 20261001,
            "phases": {"stateful": {"enabled": False}},
            "generation": {
                "mode": "all",
                "max-examples": MAX_EXAMPLES,
                "deterministic": True,
                "database": "none",
            },
            "dictionaries": {"known_ids": {"values": KNOWN_IDS}},
            "parameters": {"path.id": {"dictionary": "known_ids", "probability": 0.5}},
            "checks": {"positive_data_acceptance": {"expected-statuses": ACCEPTED}},
            # Rules a schema cannot state answer 400 to schema-valid bodies here.
            "operations": [
                {
                    "include-name": name,
                    "checks": {"positive_data_acceptance": {"expected-statuses": [*ACCEPTED, 400]}},
                }
                for name in RULES_BEYOND_THE_SCHEMA
            ],
        }
    ),
)


@schema.parametrize()
# The fixtures make the data once per operation; the examples share it, as a client would.
@hypothesis.settings(suppress_health_check=[hypothesis.HealthCheck.function_scoped_fixture])
@pytest.mark.django_db(transaction=True)
def test_every_operation_answers_as_its_schema_says_and_never_with_a_server_error(
    case, live_server, fuzzing_tokens
):
    if case.path == "/api/v1/oauth/token/":
        headers = {}
    elif case.path.startswith("/api/v1/office/"):
        headers = {"Authorization": f"Bearer {fuzzing_tokens['office']}"}
    else:
        headers = {"Authorization": f"Bearer {fuzzing_tokens['unit']}"}
    case.call_and_validate(base_url=live_server.url, headers=headers)
