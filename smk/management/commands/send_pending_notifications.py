"""Re-enqueue outbox e-mails whose send task was lost; safe to run from cron at any interval.

A notification's task is enqueued after its action commits; a crash in between, a worker that
was down with an in-memory queue, or a retry that could not be deferred leave the row pending
with nobody to send it. This sweep enqueues every pending row whose next attempt is due: its
first attempt ``--older-than`` minutes after it was written, later ones after the retry
backoff too. Running it twice, or next to a scheduled retry, sends nothing twice: the task
skips a row that is no longer pending.
"""

import datetime

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q
from django.utils import timezone

from smk.models import Notification, NotificationStatus
from smk.notifications import enqueue_sending
from smk.tasks import MAX_ATTEMPTS, RETRY_DELAYS


def due_for_sending(now: datetime.datetime, grace: datetime.timedelta):
    """Pending notifications whose next attempt should have happened by ``now``."""
    due = Q()
    waited = grace
    for attempts in range(MAX_ATTEMPTS):
        due |= Q(attempts=attempts, created_at__lte=now - waited)
        if attempts < len(RETRY_DELAYS):
            waited += RETRY_DELAYS[attempts]
    return Notification.objects.filter(due, status=NotificationStatus.PENDING)


class Command(BaseCommand):
    help = "Enqueue pending e-mail notifications whose sending is overdue (lost enqueues)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--older-than",
            type=int,
            default=5,
            metavar="MINUTES",
            help="leave alone notifications written less than this many minutes ago (5)",
        )

    def handle(self, *args, older_than, **options):
        if older_than < 0:
            raise CommandError("--older-than must not be negative")
        ids = list(
            due_for_sending(timezone.now(), datetime.timedelta(minutes=older_than))
            .order_by("created_at", "pk")
            .values_list("pk", flat=True)
        )
        enqueue_sending(ids)
        self.stdout.write(f"Enqueued {len(ids)} pending notification(s).")
