"""Sending webhook deliveries from the task queue (``django.tasks``; ``manage.py db_worker``).

One POST per attempt, a few seconds' timeout, redirects not followed: any answer other than
2xx, a timeout or a refused connection is a failed attempt. Failed attempts are retried with
the e-mails' growing delays (1, 5, 25, 125, 625 minutes, :mod:`smk.tasks`); after the last
one the delivery is "nie doręczono" and waits for the administrator's "Ponów".
"""

import http.client
import logging
import urllib.error
import urllib.request
from urllib.parse import urlsplit

from django.db import transaction
from django.tasks import task
from django.utils import timezone

from api.models import DeliveryStatus, WebhookDelivery, WebhookEndpoint
from api.webhooks import body_of, signed_headers
from smk.tasks import MAX_ATTEMPTS, retry_delay

logger = logging.getLogger(__name__)

#: Seconds to wait for the receiver (connect and answer): it should acknowledge and work later.
TIMEOUT_SECONDS = 5
#: How much of the receiver's answer is kept for the call log.
EXCERPT_CHARS = 300
USER_AGENT = "SMK-Webhooks/1"


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """A 3xx is the receiver's answer, not a new address to post the event to."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


_opener = urllib.request.build_opener(_NoRedirects)


def _excerpt(raw: bytes) -> str:
    text = raw.decode("utf-8", errors="replace")
    text = "".join(ch if ch.isprintable() else " " for ch in text)
    return " ".join(text.split())[:EXCERPT_CHARS]


def post(url: str, body: bytes, headers: dict[str, str]) -> tuple[int | None, str]:
    """POST ``body``; return (status code or None, a short excerpt of the answer or error)."""
    if urlsplit(url).scheme not in ("https", "http"):  # the model's validator allows no other
        return None, "Adres powiadomień nie jest adresem http(s)."
    request = urllib.request.Request(  # noqa: S310  (scheme checked above)
        url, data=body, method="POST", headers={**headers, "User-Agent": USER_AGENT}
    )
    try:
        with _opener.open(request, timeout=TIMEOUT_SECONDS) as response:
            return response.status, _excerpt(response.read(EXCERPT_CHARS * 4))
    except urllib.error.HTTPError as error:  # every answer other than 2xx, 3xx included
        with error:
            return error.code, _excerpt(error.read(EXCERPT_CHARS * 4))
    except (OSError, ValueError, http.client.HTTPException) as error:
        # refused, timed out, TLS, a garbled answer, a malformed address
        reason = getattr(error, "reason", error)
        return None, _excerpt(f"{type(error).__name__}: {reason}".encode())


def _gone_quiet(endpoint: WebhookEndpoint) -> bool:
    return (
        endpoint.removed_at is not None or not endpoint.is_active or not endpoint.client.is_active
    )


@task
def deliver_webhook(delivery_id: int) -> str:
    """Make the due attempt of one delivery; returns its status afterwards.

    Idempotent like ``smk.tasks.send_notification``: the row is locked during the attempt, and
    a row no longer pending, or not yet due (a second task for the same attempt), is left
    alone, so a retry and the sweep never post one attempt twice.
    """
    with transaction.atomic(durable=True):
        delivery = (
            WebhookDelivery.objects.select_for_update(of=("self",))
            .select_related("endpoint__client")
            .filter(pk=delivery_id)
            .first()
        )
        if delivery is None:
            logger.warning("Webhook delivery %s no longer exists", delivery_id)
            return "missing"
        now = timezone.now()
        if delivery.status != DeliveryStatus.PENDING:
            return delivery.status
        if delivery.next_attempt_at is not None and delivery.next_attempt_at > now:
            return delivery.status
        if _gone_quiet(delivery.endpoint):
            delivery.status = DeliveryStatus.FAILED
            delivery.next_attempt_at = None
            delivery.last_response = "Adres powiadomień jest wyłączony albo usunięty."
            delivery.save(update_fields=["status", "next_attempt_at", "last_response"])
            return delivery.status
        body = body_of(delivery)
        code, excerpt = post(delivery.endpoint.url, body, signed_headers(delivery, body, now))
        _record_attempt(delivery, code, excerpt, now)
        return delivery.status


def _record_attempt(delivery: WebhookDelivery, code: int | None, excerpt: str, now) -> None:
    delivery.attempts += 1
    delivery.last_attempt_at = now
    delivery.last_status_code = code
    delivery.last_response = excerpt
    if code is not None and 200 <= code < 300:
        delivery.status = DeliveryStatus.DELIVERED
        delivery.delivered_at = now
        delivery.next_attempt_at = None
    elif delivery.attempts >= MAX_ATTEMPTS:
        delivery.status = DeliveryStatus.FAILED
        delivery.next_attempt_at = None
        logger.error(
            "Webhook delivery %s given up after %s attempts: %s %s",
            delivery.pk,
            delivery.attempts,
            code,
            excerpt,
        )
    else:
        delivery.next_attempt_at = now + retry_delay(delivery.attempts)
    delivery.save(
        update_fields=[
            "attempts",
            "last_attempt_at",
            "last_status_code",
            "last_response",
            "status",
            "delivered_at",
            "next_attempt_at",
        ]
    )
    if delivery.status == DeliveryStatus.PENDING:
        _schedule_retry(delivery)


def _schedule_retry(delivery: WebhookDelivery) -> bool:
    """Enqueue the next attempt for when it is due, in this transaction (the task row commits
    with the recorded attempt). Backends that cannot defer (the tests' immediate one) leave the
    row to ``send_pending_webhooks``."""
    if not deliver_webhook.get_backend().supports_defer:
        return False
    deliver_webhook.using(run_after=delivery.next_attempt_at).enqueue(delivery.pk)
    return True
