"""Scan again the signed requests that wait because the scanner could not be reached."""

from django.core.management.base import BaseCommand

from accounts.services import rescan_pending_attachments


class Command(BaseCommand):
    help = (
        "Rescan role-request attachments waiting for the malware scanner: clean ones become "
        "safe, unsafe ones are deleted and their requesters e-mailed. Run it from cron."
    )

    def handle(self, *args, **options):
        result = rescan_pending_attachments()
        self.stdout.write(
            f"safe: {result['safe']}, removed: {result['removed']}, "
            f"still waiting: {result['waiting']}"
        )
