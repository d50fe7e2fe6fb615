"""Every action of the accreditation procedure: one function, one durable transaction.

- :mod:`accreditation.services.requests` — the unit's request (draft, files, submit, withdraw);
- :mod:`accreditation.services.decisions` — the accrediting body's decisions on it;
- :mod:`accreditation.services.changes` — later changes of a granted accreditation.
"""

from accreditation.services import changes, decisions, requests
from accreditation.services.common import STALE_MESSAGE, AccreditationError, StaleVersion

__all__ = [
    "STALE_MESSAGE",
    "AccreditationError",
    "StaleVersion",
    "changes",
    "decisions",
    "requests",
]
