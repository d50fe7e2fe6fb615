"""The e-mail outbox: notifications written with the action, sent by a background task.

:func:`queue_email` writes one :class:`~smk.models.Notification` row per recipient in the
caller's transaction, so a notification exists exactly when the action it reports happened
(a rolled-back action leaves none), and asks for the send task only once that transaction has
committed (``transaction.on_commit``). The task (:mod:`smk.tasks`) sends, retries with backoff
and never sends one row twice; ``manage.py send_pending_notifications`` re-enqueues rows whose
enqueue was lost (a crash between commit and enqueue, a worker that was down).
"""

import logging
from collections.abc import Iterable
from functools import partial

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse

from smk.models import Notification

logger = logging.getLogger(__name__)


def absolute_url(viewname: str | None = None, *args, fallback: str = "home") -> str:
    """An absolute link for an e-mail: ``SITE_URL`` + the view's path.

    A view that does not exist (yet) falls back to ``fallback`` and then to the site's root,
    so a missing screen never stops the action that sends the e-mail.
    """
    base = settings.SITE_URL.rstrip("/")
    for name, name_args in ((viewname, args), (fallback, ())):
        if not name:
            continue
        try:
            return base + reverse(name, args=name_args)
        except NoReverseMatch:
            continue
    return base + "/"


def _unique_addresses(recipients: Iterable[str]) -> list[str]:
    seen, addresses = set(), []
    for address in recipients:
        address = (address or "").strip()
        if address and address.lower() not in seen:
            seen.add(address.lower())
            addresses.append(address)
    return addresses


def queue_email(
    recipients: Iterable[str],
    subject: str,
    *,
    body: str | None = None,
    template: str | None = None,
    context: dict | None = None,
    reason: str = "",
) -> list[Notification]:
    """Put one e-mail per recipient in the outbox; send them after the transaction commits.

    Give either ``body`` or a plain-text ``template`` rendered with ``context``. Each recipient
    gets a row of their own (nobody sees the others' addresses, each is retried alone).
    Addresses repeated (in any letter case) or empty are dropped.
    """
    if (body is None) == (template is None):
        raise ValueError("queue_email() needs exactly one of body= and template=")
    addresses = _unique_addresses(recipients)
    if not addresses:
        return []
    if template is not None:
        body = render_to_string(template, context or {})
    subject = " ".join(str(subject).split())  # a header: one line
    notifications = Notification.objects.bulk_create(
        Notification(recipient=address, subject=subject, body=body, reason=reason[:128])
        for address in addresses
    )
    transaction.on_commit(partial(enqueue_sending, [n.pk for n in notifications]), robust=True)
    return notifications


def enqueue_sending(notification_ids: Iterable[int]) -> None:
    """Ask the background worker to send these notifications (one task each).

    A failed enqueue is logged and left to ``send_pending_notifications``: the row stays
    pending, so nothing is lost.
    """
    from smk.tasks import send_notification

    for notification_id in notification_ids:
        try:
            send_notification.enqueue(notification_id)
        except Exception:
            logger.exception("Could not enqueue notification %s; the sweep will", notification_id)
