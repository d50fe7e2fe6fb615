"""Background tasks (``django.tasks``; the worker is ``manage.py db_worker``)."""

import datetime
import logging
import smtplib

from django.core.mail import EmailMessage
from django.db import transaction
from django.tasks import task
from django.utils import timezone

from smk.models import Notification, NotificationStatus

logger = logging.getLogger(__name__)

#: Attempts in all before a notification is given up ("nie udało się wysłać").
MAX_ATTEMPTS = 6
#: The wait before the next attempt after the n-th failed one: 1, 5, 25, 125, 625 minutes.
RETRY_DELAYS = tuple(datetime.timedelta(minutes=5**n) for n in range(MAX_ATTEMPTS - 1))
#: Failures worth another try: the mail server or the network, not the message itself.
TRANSIENT_ERRORS = (smtplib.SMTPException, OSError)


def retry_delay(failed_attempts: int) -> datetime.timedelta:
    """How long to wait after ``failed_attempts`` failures before trying again."""
    return RETRY_DELAYS[min(failed_attempts, len(RETRY_DELAYS)) - 1]


@task
def send_notification(notification_id: int) -> str:
    """Send one outbox e-mail; returns the notification's status afterwards.

    Idempotent: the row is locked while it is sent and a row no longer pending is left alone,
    so two runs for one notification (a retry and the sweep) send it once. A missing row (the
    outbox was cleaned) is logged, never raised. On a transient failure the attempt and the
    error are recorded and, if the backend can defer, the task enqueues itself with a growing
    delay; after :data:`MAX_ATTEMPTS` the row is given up. Backends that cannot defer leave the
    row pending for ``send_pending_notifications``.
    """
    # Holding the row lock during the SMTP exchange is what makes a second concurrent run
    # wait and then see "wysłano" instead of sending again.
    with transaction.atomic(durable=True):
        notification = Notification.objects.select_for_update().filter(pk=notification_id).first()
        if notification is None:
            logger.warning("Notification %s no longer exists; nothing to send", notification_id)
            return "missing"
        if notification.status != NotificationStatus.PENDING:
            return notification.status
        notification.attempts += 1
        try:
            EmailMessage(
                notification.subject, notification.body, None, [notification.recipient]
            ).send(using="default")
        except TRANSIENT_ERRORS as error:
            _record_failure(notification, error, transient=True)
        except Exception as error:
            logger.exception("Notification %s cannot be sent", notification_id)
            _record_failure(notification, error, transient=False)
        else:
            notification.status = NotificationStatus.SENT
            notification.sent_at = timezone.now()
            notification.save(update_fields=["status", "sent_at", "attempts"])
        return notification.status


def _record_failure(notification: Notification, error: Exception, *, transient: bool) -> None:
    notification.last_error = f"{type(error).__name__}: {error}"[:2000]
    if not transient or notification.attempts >= MAX_ATTEMPTS:
        notification.status = NotificationStatus.FAILED
        logger.error(
            "Notification %s given up after %s attempt(s): %s",
            notification.pk,
            notification.attempts,
            notification.last_error,
        )
    notification.save(update_fields=["status", "attempts", "last_error"])
    if notification.status == NotificationStatus.PENDING:
        # Inside the transaction, not on commit: with the database queue the retry's task row
        # commits together with the recorded attempt, so neither exists without the other.
        # The delay keeps any queue from running it before this transaction ends.
        schedule_retry(notification.pk, notification.attempts)


def schedule_retry(notification_id: int, failed_attempts: int) -> bool:
    """Enqueue the next attempt after the backoff delay; False where the backend cannot defer
    (the immediate backend of the tests): the sweep command then takes the row."""
    if not send_notification.get_backend().supports_defer:
        return False
    run_after = timezone.now() + retry_delay(failed_attempts)
    send_notification.using(run_after=run_after).enqueue(notification_id)
    return True
