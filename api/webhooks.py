"""Webhooks: signed events posted to the API clients' systems (README "Webhooks").

When a referral is sent to a unit or withdrawn from it, the endpoints of the unit's clients
get ``referral.sent`` / ``referral.withdrawn``; when the unit decides, the endpoints of its
voivodeship office's clients get ``referral.accepted`` / ``referral.rejected`` /
``referral.unit_not_started``. The receiver of ``referrals.signals.referral_event`` runs
inside the action's transaction, so a delivery row exists exactly when the action happened;
the sending task (:mod:`api.tasks`) is enqueued after the commit, as the e-mail outbox does
(:mod:`smk.notifications`).

A body is thin: what happened to which referral, never the applicant's data; the receiver
fetches the referral through the API with its own token. Each request is signed as the
Standard Webhooks specification says: ``webhook-id``, ``webhook-timestamp`` and
``webhook-signature: v1,<base64 HMAC-SHA256 of "{id}.{timestamp}.{body}">``, the key being
the base64-decoded part of the endpoint's ``whsec_…`` secret.
"""

import base64
import datetime
import hashlib
import hmac
import json
import logging
import uuid
from collections.abc import Iterable
from functools import partial

from django.db import transaction
from django.dispatch import receiver
from django.utils import timezone

from api.models import (
    OFFICE_WEBHOOK_EVENTS,
    UNIT_WEBHOOK_EVENTS,
    DeliveryStatus,
    WebhookDelivery,
    WebhookEndpoint,
    WebhookEventType,
    new_webhook_secret,
)
from referrals.signals import referral_event
from smk.audit import log_event
from smk.notifications import absolute_url

logger = logging.getLogger(__name__)

SECRET_PREFIX = "whsec_"  # noqa: S105  (the format's marker, not a secret)


# ---- Signing ---------------------------------------------------------------------------------


def body_of(delivery: WebhookDelivery) -> bytes:
    """The bytes posted and signed: the same on every attempt (keys sorted, no spaces)."""
    return json.dumps(
        delivery.payload, ensure_ascii=False, sort_keys=True, separators=(",", ":")
    ).encode()


def signature(secret: str, event_id: str, timestamp: int, body: bytes) -> str:
    """``v1,<base64 HMAC-SHA256>`` of ``{id}.{timestamp}.{body}`` (Standard Webhooks)."""
    key = base64.b64decode(secret.removeprefix(SECRET_PREFIX))
    signed = f"{event_id}.{timestamp}.".encode() + body
    digest = hmac.new(key, signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def signed_headers(delivery: WebhookDelivery, body: bytes, now=None) -> dict[str, str]:
    timestamp = int((now or timezone.now()).timestamp())
    return {
        "Content-Type": "application/json",
        "webhook-id": delivery.event_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": signature(
            delivery.endpoint.secret, delivery.event_id, timestamp, body
        ),
    }


# ---- Events ----------------------------------------------------------------------------------


def new_event_id() -> str:
    return f"msg_{uuid.uuid4().hex}"


def _iso(moment) -> str:
    return moment.astimezone(datetime.UTC).isoformat().replace("+00:00", "Z")


def queue_event(
    endpoints: Iterable[WebhookEndpoint], event_type: str, data: dict, *, occurred_at=None
) -> list[WebhookDelivery]:
    """One delivery per endpoint in the caller's transaction; the sending after its commit."""
    endpoints = list(endpoints)
    if not endpoints:
        return []
    payload = {"type": event_type, "timestamp": _iso(occurred_at or timezone.now()), "data": data}
    event_id = new_event_id()
    now = timezone.now()
    deliveries = WebhookDelivery.objects.bulk_create(
        WebhookDelivery(
            endpoint=endpoint,
            event_id=event_id,
            event_type=event_type,
            payload=payload,
            next_attempt_at=now,
        )
        for endpoint in endpoints
    )
    transaction.on_commit(partial(enqueue_delivery, [d.pk for d in deliveries]), robust=True)
    return deliveries


def enqueue_delivery(delivery_ids: Iterable[int]) -> None:
    """Ask the worker to send these deliveries; a failed enqueue is left to the sweep
    (``manage.py send_pending_webhooks``): the row stays pending, nothing is lost."""
    from api.tasks import deliver_webhook

    for delivery_id in delivery_ids:
        try:
            deliver_webhook.enqueue(delivery_id)
        except Exception:
            logger.exception("Could not enqueue webhook delivery %s; the sweep will", delivery_id)


def referral_data(referral, event_type: str) -> dict:
    """What the receiver needs to find the referral through the API — no personal data."""
    data = {
        "id": referral.pk,
        "number": referral.number,
        "status": referral.status,
        "version": referral.version,
        "unit_id": referral.unit_id,
        "voivodeship": referral.voivodeship.name,
        "voivodeship_teryt": referral.voivodeship.teryt,
        "field": referral.field.code,
    }
    if event_type in UNIT_WEBHOOK_EVENTS:
        # The unit's own view of it (after a withdrawal it answers 404: no longer the unit's).
        data["url"] = absolute_url("api:referral-detail", referral.pk)
    if event_type in OFFICE_WEBHOOK_EVENTS:
        data["decision"] = referral.decision
        replacement = getattr(referral, "replaced_by", None)
        if event_type == WebhookEventType.REFERRAL_REJECTED and replacement is not None:
            data["replacement"] = {"id": replacement.pk, "number": replacement.number}
    return data


def _listening(event_type: str, **client_lookups) -> list[WebhookEndpoint]:
    # Filtered here, not with a JSON lookup, so SQLite (the first-run database) works too.
    endpoints = WebhookEndpoint.objects.listening().filter(
        **{f"client__{key}": value for key, value in client_lookups.items()}
    )
    return [endpoint for endpoint in endpoints if event_type in endpoint.event_types]


@receiver(referral_event, dispatch_uid="api.webhooks.queue_referral_event")
def queue_referral_event(sender, *, referral, action, event=None, **kwargs) -> None:
    if action in UNIT_WEBHOOK_EVENTS and referral.unit_id is not None:
        endpoints = _listening(action, unit_id=referral.unit_id)
    elif action in OFFICE_WEBHOOK_EVENTS:
        endpoints = _listening(action, voivodeship_id=referral.voivodeship_id)
    else:
        return
    if endpoints:
        occurred_at = event.created_at if event is not None else None
        queue_event(endpoints, action, referral_data(referral, action), occurred_at=occurred_at)


# ---- Registering endpoints (the API's /webhooks/, the admin) --------------------------------


@transaction.atomic
def create_endpoint(endpoint: WebhookEndpoint, *, user=None, profile=None) -> str:
    """Save a new endpoint (client, URL, events set) with a fresh secret; return the secret,
    which its client sees only now."""
    endpoint.secret = new_webhook_secret()
    if not endpoint.event_types:
        endpoint.event_types = list(endpoint.allowed_events())
    endpoint.full_clean()
    endpoint.save()
    log_event(
        endpoint.client,
        "api_client.webhook_added",
        user=user,
        profile=profile,
        data={"endpoint": endpoint.pk, "url": endpoint.url, "events": endpoint.event_types},
    )
    return endpoint.secret


@transaction.atomic
def remove_endpoint(endpoint: WebhookEndpoint, *, user=None, profile=None) -> None:
    """The client's DELETE: no more events; its deliveries stay in the call log."""
    endpoint.removed_at = timezone.now()
    endpoint.save(update_fields=["removed_at"])
    log_event(
        endpoint.client,
        "api_client.webhook_removed",
        user=user,
        profile=profile,
        data={"endpoint": endpoint.pk, "url": endpoint.url},
    )


def ping(endpoint: WebhookEndpoint) -> WebhookDelivery:
    """A ``webhook.ping`` event to this endpoint only, whatever events it asked for."""
    with transaction.atomic():
        (delivery,) = queue_event([endpoint], WebhookEventType.PING, {"endpoint_id": endpoint.pk})
    return delivery


def retry(deliveries: Iterable[WebhookDelivery]) -> int:
    """The admin's "Ponów": a fresh round of attempts, the first one now."""
    ids = [d.pk for d in deliveries]
    with transaction.atomic():
        count = WebhookDelivery.objects.filter(pk__in=ids).update(
            status=DeliveryStatus.PENDING, attempts=0, next_attempt_at=timezone.now()
        )
        transaction.on_commit(partial(enqueue_delivery, ids), robust=True)
    return count
