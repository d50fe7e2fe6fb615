"""The training unit's own data, for the unit's system (the seed 004 operations): its data
(``zapiszDaneMus``), its schedule (``zapiszHarmonogram``), the trainees already in training
(``zasilInicjalnie``), the places it offers (``zapiszSloty``) and the activation of its
integration (``aktywujMus``).

Thin views over :mod:`training.services`, the same functions as the "Szkolenie w jednostce"
screens, so the same rules, locks and history (which names the API client). Every operation
needs ``unit:write`` (reads too: the system that keeps the data reads it back;
``referrals:read`` is for referrals only). Writes take ``Idempotency-Key``.

Which writes need an active integration: the steps that lead to the activation — data,
schedule, initial load — and the activation itself are open to an inactive unit; the offered
places (what the office plans with) and the decisions on referrals
(:mod:`api.views.referrals`) answer 403 with the reason until it is active
(:class:`api.permissions.IntegrationActive`).
"""

from api.views.unit.data import UnitDataView
from api.views.unit.integration import ActivationView, IntegrationView
from api.views.unit.offers import OfferedPlacesView
from api.views.unit.schedule import ScheduleView
from api.views.unit.trainees import TraineesView

__all__ = [
    "ActivationView",
    "IntegrationView",
    "OfferedPlacesView",
    "ScheduleView",
    "TraineesView",
    "UnitDataView",
]
