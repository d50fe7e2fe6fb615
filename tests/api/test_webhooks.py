"""Webhooks: a receiver on 127.0.0.1 checks each event's signature with its own code.

The receiver knows only what a real one would: the secret shown at registration and the
Standard Webhooks rules (HMAC-SHA256 over ``{id}.{timestamp}.{body}``, keyed with the base64
after ``whsec_``; a timestamp within 5 minutes).

One module past 400 lines: the receiver, the registration and the retries are one round trip
that its tests share.
"""

import base64
import datetime
import hashlib
import hmac
import io
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

import api.tasks
from accounts.models import Role
from api.models import MAX_ENDPOINTS, DeliveryStatus, WebhookDelivery, WebhookEndpoint
from api.tasks import deliver_webhook
from api.webhooks import create_endpoint
from referrals import services
from referrals.models import DecisionKind, ReferralStatus
from referrals.signals import referral_event
from smk.tasks import MAX_ATTEMPTS
from tests.api.conftest import Api, make_client, token_for
from tests.factories import (
    person_with_role,
    voivodeship,
)

WEBHOOKS = "/api/v1/webhooks/"
REPLAY_WINDOW_SECONDS = 5 * 60

database_task_queue = override_settings(
    TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
)


# ---- The receiver: the client's system, with its own check of the signature -------------------


def signature_is_valid(secret: str, headers, body: bytes) -> bool:
    """The receiver's own check (not SMK's code): Standard Webhooks, symmetric ``v1``."""
    key = base64.b64decode(secret.split("_", 1)[1])
    msg_id, stamp = headers["webhook-id"], headers["webhook-timestamp"]
    if abs(time.time() - int(stamp)) > REPLAY_WINDOW_SECONDS:
        return False
    mac = hmac.new(key, msg_id.encode() + b"." + stamp.encode() + b"." + body, hashlib.sha256)
    expected = base64.b64encode(mac.digest()).decode()
    return any(
        version == "v1" and hmac.compare_digest(sent, expected)
        for version, _, sent in (s.partition(",") for s in headers["webhook-signature"].split())
    )


class Receiver:
    """An HTTP server on a free port of 127.0.0.1 in a thread; answers ``answers`` in turn
    (then 200) and records every request with whether its signature checked out."""

    def __init__(self):
        self.secret = ""
        self.answers: list[int] = []
        self.delay = 0.0
        self.requests: list[dict] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.requests.append(
                    {
                        "path": self.path,
                        "headers": {k.lower(): v for k, v in self.headers.items()},
                        "body": body,
                        "json": json.loads(body),
                        "verified": signature_is_valid(receiver.secret, self.headers, body),
                    }
                )
                time.sleep(receiver.delay)
                code = receiver.answers.pop(0) if receiver.answers else 200
                self.send_response(code)
                if code == 302:
                    self.send_header("Location", "/gdzie-indziej")
                self.send_header("Content-Type", "text/plain; charset=utf-8")
                self.end_headers()
                self.wfile.write(f"odpowiedź {code}".encode())

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/smk/zdarzenia"

    @property
    def events(self) -> list[dict]:
        return [r["json"] for r in self.requests]

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receivers():
    made = []

    def make():
        made.append(Receiver())
        return made[-1]

    yield make
    for receiver in made:
        receiver.close()


def register(api: Api, receiver: Receiver, **fields) -> dict:
    response = api.post(WEBHOOKS, {"url": receiver.url, **fields})
    assert response.status_code == 201, response.content
    receiver.secret = response.json()["secret"]
    return response.json()


# ---- The world: a unit, another unit, their office, another office ---------------------------


@pytest.fixture
def office_profile(unit):
    return person_with_role(Role.UW, voivodeship=unit.voivodeship).profiles.get()


@pytest.fixture
def assigned(issued):
    """``assigned()``: a referral assigned to the unit, ready for "Wyślij"."""
    return lambda: issued(status=ReferralStatus.ASSIGNED)


def send(referral, profile):
    return services.send(
        referral.pk, version=referral.version, changes=None, user=profile.user, profile=profile
    )


def api_of(**institution) -> Api:
    client, secret = make_client(**institution)
    return Api(token_for(client, secret))


def due_now(delivery):
    """Time passes until the delivery's next attempt is due."""
    WebhookDelivery.objects.filter(pk=delivery.pk, status=DeliveryStatus.PENDING).update(
        next_attempt_at=timezone.now()
    )


pytestmark = pytest.mark.django_db


# ---- Who gets what -------------------------------------------------------------------------


def test_a_sent_referral_reaches_the_units_endpoint_signed_and_not_another_units(
    assigned, unit, other_unit, office_profile, receivers, django_capture_on_commit_callbacks
):
    ours, theirs = receivers(), receivers()
    register(api_of(unit=unit), ours)
    register(api_of(unit=other_unit), theirs)
    referral = assigned()

    with django_capture_on_commit_callbacks(execute=True):
        send(referral, office_profile)

    assert theirs.requests == []
    (request,) = ours.requests
    assert request["verified"]
    assert request["headers"]["content-type"] == "application/json"
    event = request["json"]
    assert event["type"] == "referral.sent"
    assert event["timestamp"].endswith("Z")
    assert event["data"]["id"] == referral.pk
    assert event["data"]["number"] == referral.number
    assert event["data"]["status"] == ReferralStatus.ISSUED
    assert event["data"]["unit_id"] == unit.pk
    assert event["data"]["voivodeship"] == "mazowieckie"
    assert event["data"]["url"].endswith(f"/api/v1/referrals/{referral.pk}/")
    application = referral.application
    for personal in (application.pesel, application.last_name, application.email):
        assert personal not in request["body"].decode()
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == DeliveryStatus.DELIVERED
    assert delivery.event_id == request["headers"]["webhook-id"]
    assert (delivery.attempts, delivery.last_status_code) == (1, 200)


def test_a_withdrawal_reaches_only_endpoints_that_asked_for_it(
    assigned, unit, office_profile, receivers, django_capture_on_commit_callbacks
):
    everything, withdrawals = receivers(), receivers()
    api = api_of(unit=unit)
    register(api, everything)
    register(api, withdrawals, event_types=["referral.withdrawn"])
    referral = assigned()

    with django_capture_on_commit_callbacks(execute=True):
        referral = send(referral, office_profile)
    with django_capture_on_commit_callbacks(execute=True):
        services.withdraw(
            referral.pk, version=referral.version, user=office_profile.user, profile=office_profile
        )

    assert [e["type"] for e in everything.events] == ["referral.sent", "referral.withdrawn"]
    assert [e["type"] for e in withdrawals.events] == ["referral.withdrawn"]
    assert all(r["verified"] for r in everything.requests + withdrawals.requests)


def test_a_units_decision_reaches_its_offices_endpoint_only(
    unit, unit_api, issued, receivers, django_capture_on_commit_callbacks
):
    office, other_office, units_own = receivers(), receivers(), receivers()
    register(api_of(office=unit.voivodeship), office)
    register(api_of(office=voivodeship("małopolskie")), other_office)
    register(api_of(unit=unit), units_own)
    referral = issued()

    with django_capture_on_commit_callbacks(execute=True):
        response = unit_api.post(f"/api/v1/referrals/{referral.pk}/accept/", {})
    assert response.status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        unit_api.post(f"/api/v1/referrals/{issued().pk}/reject/", {"justification": "Brak sal"})

    assert other_office.requests == [] and units_own.requests == []
    accepted, rejected = office.events
    assert all(r["verified"] for r in office.requests)
    assert accepted["type"] == "referral.accepted"
    assert accepted["data"]["id"] == referral.pk
    assert accepted["data"]["status"] == ReferralStatus.STARTED
    assert accepted["data"]["decision"] == DecisionKind.ACCEPTED
    assert rejected["type"] == "referral.rejected"
    assert rejected["data"]["replacement"]["number"]


def test_an_office_cannot_ask_for_the_units_events(receivers):
    api = api_of(office=voivodeship("mazowieckie"))
    response = api.post(
        WEBHOOKS, {"url": receivers().url, "event_types": ["referral.sent", "referral.accepted"]}
    )
    assert response.status_code == 400
    assert "referral.sent" in str(response.json()["event_types"])
    assert not WebhookEndpoint.objects.exists()


# ---- Sending: retries, failures, no redirects, timeouts ------------------------------------


def test_a_receiver_that_fails_gets_the_event_on_a_retry_after_a_growing_wait(
    assigned, unit, office_profile, receivers, django_capture_on_commit_callbacks
):
    receiver = receivers()
    register(api_of(unit=unit), receiver)
    receiver.answers = [500, 503]

    with database_task_queue:
        with django_capture_on_commit_callbacks(execute=True):
            send(assigned(), office_profile)
        delivery = WebhookDelivery.objects.get()
        assert receiver.requests == []  # the worker sends it, not the request
        (first_task,) = DBTaskResult.objects.filter(task_path="api.tasks.deliver_webhook")

        assert deliver_webhook.call(delivery.pk) == DeliveryStatus.PENDING
        assert deliver_webhook.call(delivery.pk) == DeliveryStatus.PENDING  # not due yet
        due_now(delivery)
        assert deliver_webhook.call(delivery.pk) == DeliveryStatus.PENDING
        due_now(delivery)
        assert deliver_webhook.call(delivery.pk) == DeliveryStatus.DELIVERED

    retries = DBTaskResult.objects.filter(task_path="api.tasks.deliver_webhook").exclude(
        pk=first_task.pk
    )
    waits = sorted(round((r.run_after - r.enqueued_at).total_seconds() / 60) for r in retries)
    assert waits == [1, 5]
    assert len(receiver.requests) == 3
    assert all(r["verified"] for r in receiver.requests)
    assert len({r["headers"]["webhook-id"] for r in receiver.requests}) == 1
    assert len({r["body"] for r in receiver.requests}) == 1
    delivery.refresh_from_db()
    assert (delivery.attempts, delivery.last_status_code) == (3, 200)
    assert delivery.next_attempt_at is None and delivery.delivered_at


def test_after_the_last_attempt_the_delivery_is_failed_in_the_admin_and_on_the_page(
    assigned,
    unit,
    office_profile,
    receivers,
    client,
    mfa_admin_client,
    django_capture_on_commit_callbacks,
):
    receiver = receivers()
    register(api_of(unit=unit), receiver)
    receiver.answers = [503] * (MAX_ATTEMPTS + 1)

    with django_capture_on_commit_callbacks(execute=True):
        send(assigned(), office_profile)
    delivery = WebhookDelivery.objects.get()
    for _ in range(MAX_ATTEMPTS + 2):
        due_now(delivery)
        deliver_webhook.call(delivery.pk)

    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.FAILED
    assert (delivery.attempts, delivery.last_status_code) == (MAX_ATTEMPTS, 503)
    assert delivery.last_response == "odpowiedź 503"
    assert delivery.next_attempt_at is None
    assert len(receiver.requests) == MAX_ATTEMPTS

    listing = mfa_admin_client.get("/admin/api/webhookdelivery/?status=niedoreczono")
    assert listing.status_code == 200
    assert "nie doręczono" in listing.content.decode()
    assert "referral.sent" in listing.content.decode()

    client.force_login(person_with_role(Role.UNIT_STAFF, unit=unit))
    page = client.get("/api-klienci/").content.decode()
    assert receiver.url in page
    assert "nie doręczono" in page and "HTTP 503" in page

    receiver.answers = []  # the receiver is fixed; the administrator presses "Ponów"
    with django_capture_on_commit_callbacks(execute=True):
        response = mfa_admin_client.post(
            "/admin/api/webhookdelivery/",
            {"action": "retry", "_selected_action": [delivery.pk]},
            follow=True,
        )
    assert response.status_code == 200
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.DELIVERED
    assert receiver.requests[-1]["verified"]


def test_a_redirect_is_a_failed_attempt_and_is_not_followed(
    assigned, unit, office_profile, receivers, django_capture_on_commit_callbacks
):
    receiver = receivers()
    register(api_of(unit=unit), receiver)
    receiver.answers = [302]

    with django_capture_on_commit_callbacks(execute=True):
        send(assigned(), office_profile)

    delivery = WebhookDelivery.objects.get()
    assert delivery.status == DeliveryStatus.PENDING
    assert (delivery.attempts, delivery.last_status_code) == (1, 302)
    assert delivery.next_attempt_at > timezone.now()
    assert [r["path"] for r in receiver.requests] == ["/smk/zdarzenia"]


def test_a_receiver_too_slow_to_answer_is_a_failed_attempt(
    assigned, unit, office_profile, receivers, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(api.tasks, "TIMEOUT_SECONDS", 0.2)
    receiver = receivers()
    register(api_of(unit=unit), receiver)
    receiver.delay = 1

    with django_capture_on_commit_callbacks(execute=True):
        send(assigned(), office_profile)

    delivery = WebhookDelivery.objects.get()
    assert delivery.status == DeliveryStatus.PENDING
    assert delivery.attempts == 1 and delivery.last_status_code is None
    assert "timed out" in delivery.last_response


def test_the_sweep_sends_deliveries_whose_enqueue_was_lost(
    assigned, unit, office_profile, receivers, django_capture_on_commit_callbacks
):
    receiver = receivers()
    register(api_of(unit=unit), receiver)
    with django_capture_on_commit_callbacks(execute=False):  # the enqueue never happens
        send(assigned(), office_profile)
        send(assigned(), office_profile)
    lost, fresh = WebhookDelivery.objects.order_by("pk")
    WebhookDelivery.objects.filter(pk=lost.pk).update(
        next_attempt_at=timezone.now() - datetime.timedelta(minutes=10)
    )

    call_command("send_pending_webhooks", stdout=io.StringIO())

    assert [e["data"]["id"] for e in receiver.events] == [lost.payload["data"]["id"]]
    assert WebhookDelivery.objects.get(pk=fresh.pk).status == DeliveryStatus.PENDING


@pytest.mark.django_db(transaction=True)
def test_nothing_is_sent_when_the_actions_transaction_rolls_back(
    assigned, unit, office_profile, receivers
):
    client, _ = make_client(unit=unit)
    receiver = receivers()
    receiver.secret = create_endpoint(WebhookEndpoint(client=client, url=receiver.url))
    profile = office_profile
    referral = assigned()

    def fails_later_in_the_action(sender, **kwargs):
        raise RuntimeError("the action failed after its webhook was queued")

    referral_event.connect(fails_later_in_the_action, dispatch_uid="test-webhook-rollback")
    try:
        with pytest.raises(RuntimeError):
            send(referral, profile)
    finally:
        referral_event.disconnect(dispatch_uid="test-webhook-rollback")

    referral.refresh_from_db()
    assert referral.status == ReferralStatus.ASSIGNED
    assert not WebhookDelivery.objects.exists()
    assert receiver.requests == []

    send(referral, profile)  # and without the failure it is sent, committed
    assert [e["type"] for e in receiver.events] == ["referral.sent"]
    assert receiver.requests[0]["verified"]


# ---- Registering endpoints -----------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "http://example.com/smk",
        "http://10.1.2.3/smk",
        "http://127.0.0.1.example.com/smk",
        "ftp://127.0.0.1/smk",
        "https://system.szpital.example.pl:99999/smk",
        "http://[::1/smk",
        "nie-adres",
    ],
)
def test_plain_http_to_another_host_is_refused_at_registration(unit_api, url):
    response = unit_api.post(WEBHOOKS, {"url": url})

    assert response.status_code == 400
    assert "url" in response.json()
    assert not WebhookEndpoint.objects.exists()


def test_the_refusal_says_why_in_polish(unit_api):
    response = unit_api.post(WEBHOOKS, {"url": "http://system.szpital.example.pl/smk"})
    assert response.json()["url"] == [
        "Adres powiadomień musi zaczynać się od https://. Zwykłe http:// jest dozwolone tylko "
        "dla adresów tego komputera (127.0.0.1, ::1, localhost) — do testów i demonstracji."
    ]


@pytest.mark.parametrize(
    "url", ["https://system.szpital.example.pl/smk", "http://localhost:8080/h", "http://[::1]/h"]
)
def test_https_and_loopback_http_are_accepted(unit_api, url):
    response = unit_api.post(WEBHOOKS, {"url": url})

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["url"] == url
    assert body["event_types"] == ["referral.sent", "referral.withdrawn"]
    secret = body["secret"]
    assert secret.startswith("whsec_") and len(base64.b64decode(secret[6:])) == 32


def test_a_client_sees_and_removes_only_its_own_endpoints(unit, receivers):
    ours_api, theirs_api = api_of(unit=unit), api_of(unit=unit)
    ours = register(ours_api, receivers())
    theirs = register(theirs_api, receivers())
    theirs_url = f"{WEBHOOKS}{theirs['id']}/"

    listing = ours_api.get(WEBHOOKS).json()
    assert [row["id"] for row in listing] == [ours["id"]]
    assert "secret" not in listing[0]
    detail = ours_api.get(f"{WEBHOOKS}{ours['id']}/").json()
    assert "secret" not in detail and detail["recent_deliveries"] == []
    assert ours_api.get(theirs_url).status_code == 404
    assert ours_api.post(f"{theirs_url}test/").status_code == 404
    assert ours_api.http.delete(theirs_url, **ours_api._headers(None)).status_code == 404
    assert theirs_api.get(theirs_url).status_code == 200

    ours_url = f"{WEBHOOKS}{ours['id']}/"
    assert ours_api.http.delete(ours_url, **ours_api._headers(None)).status_code == 204
    assert ours_api.get(ours_url).status_code == 404
    assert ours_api.get(WEBHOOKS).json() == []
    assert WebhookEndpoint.objects.get(pk=ours["id"]).removed_at is not None


def test_a_client_may_register_at_most_ten_endpoints(unit_api):
    for number in range(MAX_ENDPOINTS):
        assert unit_api.post(WEBHOOKS, {"url": f"https://a.example.pl/{number}"}).status_code == 201

    response = unit_api.post(WEBHOOKS, {"url": "https://a.example.pl/za-duzo"})

    assert response.status_code == 400
    assert "najwyżej 10" in response.json()["url"][0]


def test_the_admin_registers_an_endpoint_and_shows_its_secret_once(
    unit,
    mfa_admin_client,
):
    client, _ = make_client(unit=unit)
    response = mfa_admin_client.post(
        "/admin/api/webhookendpoint/add/",
        {"client": client.pk, "url": "https://hr.szpital.example.pl/smk", "is_active": "on"},
        follow=True,
    )

    endpoint = WebhookEndpoint.objects.get()
    assert endpoint.event_types == ["referral.sent", "referral.withdrawn"]
    assert endpoint.secret in response.content.decode()
    again = mfa_admin_client.get(f"/admin/api/webhookendpoint/{endpoint.pk}/change/")
    assert again.status_code == 200
    assert endpoint.secret not in again.content.decode()
    refused = mfa_admin_client.post(
        "/admin/api/webhookendpoint/add/",
        {"client": client.pk, "url": "http://hr.szpital.example.pl/smk"},
    )
    assert "Zwykłe http:// jest dozwolone tylko" in refused.content.decode()
    assert WebhookEndpoint.objects.count() == 1


def test_a_token_without_the_webhooks_scope_answers_403(unit):
    client, secret = make_client(unit=unit, client_scopes=["referrals:read"])
    response = Api(token_for(client, secret)).get(WEBHOOKS)
    assert response.status_code == 403


def test_the_test_event_reaches_the_endpoint_signed(
    unit_api, receivers, django_capture_on_commit_callbacks
):
    receiver = receivers()
    endpoint = register(unit_api, receiver)

    with django_capture_on_commit_callbacks(execute=True):
        response = unit_api.post(f"{WEBHOOKS}{endpoint['id']}/test/")

    assert response.status_code == 202
    (request,) = receiver.requests
    assert request["verified"]
    assert request["json"]["type"] == "webhook.ping"
    assert request["json"]["data"] == {"endpoint_id": endpoint["id"]}
    recent = unit_api.get(f"{WEBHOOKS}{endpoint['id']}/").json()["recent_deliveries"]
    assert [(d["event_type"], d["status"]) for d in recent] == [
        ("webhook.ping", DeliveryStatus.DELIVERED)
    ]


def test_a_switched_off_endpoint_gets_nothing(
    assigned, unit, office_profile, receivers, django_capture_on_commit_callbacks
):
    receiver = receivers()
    endpoint = register(api_of(unit=unit), receiver)
    WebhookEndpoint.objects.filter(pk=endpoint["id"]).update(is_active=False)

    with django_capture_on_commit_callbacks(execute=True):
        send(assigned(), office_profile)

    assert receiver.requests == []
    assert not WebhookDelivery.objects.exists()
