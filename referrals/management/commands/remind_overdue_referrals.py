"""Remind the units of referrals waiting for their decision for more than 14 days."""

from django.core.management.base import BaseCommand

from referrals.reminders import remind_overdue


class Command(BaseCommand):
    help = (
        "E-mail each training unit about referrals waiting for its decision (Wystawione) for "
        "more than 14 days. Idempotent: run it daily; one reminder per referral and sending."
    )

    def handle(self, *args, **options):
        sent = remind_overdue()
        self.stdout.write(f"Decision reminders sent: {sent}.")
