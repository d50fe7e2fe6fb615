"""Re-enqueue webhook deliveries whose task was lost; safe to run from cron at any interval.

A delivery's task is enqueued after its action commits, and each retry is enqueued for when it
is due; a crash in between, a worker that was down, or a queue that cannot defer leave the row
pending with nobody to send it. This sweep enqueues every pending delivery whose next attempt
has been due for ``--older-than`` minutes. Running it twice, or next to a scheduled retry,
posts nothing twice: the task leaves alone a row that is no longer pending or not yet due.
"""

import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from api.models import DeliveryStatus, WebhookDelivery
from api.webhooks import enqueue_delivery


class Command(BaseCommand):
    help = "Enqueue pending webhook deliveries whose attempt is overdue (lost enqueues)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--older-than",
            type=int,
            default=5,
            metavar="MINUTES",
            help="leave alone deliveries due less than this many minutes ago (5)",
        )

    def handle(self, *args, older_than, **options):
        if older_than < 0:
            raise CommandError("--older-than must not be negative")
        cutoff = timezone.now() - datetime.timedelta(minutes=older_than)
        ids = list(
            WebhookDelivery.objects.filter(
                status=DeliveryStatus.PENDING, next_attempt_at__lte=cutoff
            )
            .order_by("next_attempt_at", "pk")
            .values_list("pk", flat=True)
        )
        enqueue_delivery(ids)
        self.stdout.write(f"Enqueued {len(ids)} pending webhook delivery(ies).")
