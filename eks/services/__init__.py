"""Every action on an EKS: one function, one transaction (``atomic(durable=True)``), the card
locked first, a stale form refused, one event in the card's history."""

from eks.services.appointments import appoint_kierownik, kierownik_candidates
from eks.services.common import STALE_MESSAGE, EKSError, StaleEKS

__all__ = [
    "STALE_MESSAGE",
    "EKSError",
    "StaleEKS",
    "appoint_kierownik",
    "kierownik_candidates",
]
