"""Tell the offices about accreditations of their voivodeship expiring within 90 days."""

from django.core.management.base import BaseCommand

from accreditation.reminders import notify_expiring


class Command(BaseCommand):
    help = (
        "E-mail each voivodeship office about its units' accreditations that expire within "
        "90 (and again 30) days. Idempotent: run it daily; nothing is sent twice."
    )

    def handle(self, *args, **options):
        sent = notify_expiring()
        self.stdout.write(f"Expiry notices sent: {sent}.")
