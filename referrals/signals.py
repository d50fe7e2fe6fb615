"""Sent inside the action's transaction after its history event is written.

Receivers that do something outside the database (e-mail) must defer it with
``transaction.on_commit``; rows they write (an outbox) commit or roll back with the action.
"""

from django.dispatch import Signal

#: sender=Referral, referral=…, action="referral.sent", event=smk.models.Event, user, profile
referral_event = Signal()
