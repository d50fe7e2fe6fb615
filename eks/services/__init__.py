"""Every action on an EKS: one function, one transaction (``atomic(durable=True)``), the card
locked first, a stale form refused, one event in the card's history ("Historia EKS")."""

from eks.services.appointments import appoint_kierownik, kierownik_candidates
from eks.services.card import confirm_completion, return_for_correction, save_plan, verify
from eks.services.common import STALE_MESSAGE, EKSError, StaleEKS
from eks.services.entries import (
    add_entry,
    confirm_entries,
    correct_entry,
    delete_entry,
    reject_entry,
    submit_entries,
)

__all__ = [
    "STALE_MESSAGE",
    "EKSError",
    "StaleEKS",
    "add_entry",
    "appoint_kierownik",
    "confirm_completion",
    "confirm_entries",
    "correct_entry",
    "delete_entry",
    "kierownik_candidates",
    "reject_entry",
    "return_for_correction",
    "save_plan",
    "submit_entries",
    "verify",
]
