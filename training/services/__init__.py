"""The training unit's writes: its data, its schedule, the initial load, the offered places
and the activation of its integration (the seed 004 operations, issue 16 item 3).

Each is one durable transaction that locks the unit's catalogue row first (so two writes of
one unit, from two screens or a screen and the API, queue up), checks, changes and writes one
history event naming the actor (a person's institution, or the API client). The screens and
the API call the same functions: parsing is theirs, the rules are here.

Rows (a schedule, a file of trainees, offered places) are refused all or nothing: every
problem is collected as a :class:`RowError` naming the row and the field, and nothing is
written unless there is none.
"""

from training.services.contact import save_contact
from training.services.integration import (
    IntegrationStatus,
    activate,
    inactive_reason,
    integration_status,
)
from training.services.offers import save_offered_places
from training.services.rows import (
    MAX_SCHEDULED_STARTS,
    MAX_TRAINEE_ROWS,
    LoadResult,
    OfferRow,
    RowError,
    StartRow,
    TraineeRow,
    TrainingError,
    active_accreditations,
)
from training.services.schedule import save_schedule
from training.services.trainees import load_trainees

__all__ = [
    "MAX_SCHEDULED_STARTS",
    "MAX_TRAINEE_ROWS",
    "IntegrationStatus",
    "LoadResult",
    "OfferRow",
    "RowError",
    "StartRow",
    "TraineeRow",
    "TrainingError",
    "activate",
    "active_accreditations",
    "inactive_reason",
    "integration_status",
    "load_trainees",
    "save_contact",
    "save_offered_places",
    "save_schedule",
]
