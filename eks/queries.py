"""Many cards with their progress in a fixed number of queries (the API's list reads this):
the programmes' modules and elements, the entries, the plans and the current kierownicy are
read once for the whole page, not once per card."""

from django.db.models import Prefetch

from eks.models import Appointment, Entry
from eks.progress import CardProgress, card_progress


def with_progress(cards):
    """``cards`` (a queryset of :class:`eks.models.Card`) with what :func:`progress_of` and
    :func:`kierownik_of` read, prefetched."""
    return cards.select_related("field", "mode", "programme", "referral").prefetch_related(
        "programme__modules__elements",
        Prefetch("entries", queryset=Entry.objects.select_related("element")),
        "plan_items",
        Prefetch(
            "appointments",
            queryset=Appointment.objects.filter(until__isnull=True).select_related(
                "kierownik__user"
            ),
            to_attr="current_appointments",
        ),
    )


def progress_of(card) -> CardProgress:
    """The card's progress from the rows :func:`with_progress` read."""
    if "progress" not in card.__dict__:
        plan = {item.element_id: item.year for item in card.plan_items.all()}
        card.__dict__["progress"] = card_progress(
            card.programme.modules.all(), card.entries.all(), plan
        )
    return card.__dict__["progress"]


def kierownik_of(card):
    """The current appointment, from the rows :func:`with_progress` read (or None)."""
    current = getattr(card, "current_appointments", None)
    return current[0] if current else None
