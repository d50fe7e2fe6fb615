"""How far a training is: each programme element against the card's entries (issue 17).

A course is done with one confirmed entry; an internship when its confirmed entries cover the
weeks it asks for; a procedure when its confirmed entries add up to the number required. What
waits for the kierownik's confirmation is counted apart. Works on rows already read, so a
page asks the database the same few queries whatever the card holds.
"""

import datetime
import math
from dataclasses import dataclass, field

from eks.statuses import EntryStatus
from reference.models import ElementKind


def weeks_between(date_from: datetime.date, date_to: datetime.date) -> int:
    """Weeks an internship from ``date_from`` to ``date_to`` (both days included) counts:
    every week begun (a Monday-to-Friday fortnight is 2 weeks)."""
    return math.ceil(((date_to - date_from).days + 1) / 7)


def amount_of(entry) -> int:
    """What one entry counts towards its element: 1 course, its weeks, its procedures."""
    kind = entry.element.kind
    if kind == ElementKind.INTERNSHIP:
        return weeks_between(entry.date_from, entry.date_to)
    if kind == ElementKind.PROCEDURE:
        return entry.count or 0
    return 1


def required_of(element) -> int:
    if element.kind == ElementKind.INTERNSHIP:
        return element.weeks or 0
    if element.kind == ElementKind.PROCEDURE:
        return element.required_count or 0
    return 1


@dataclass
class ElementProgress:
    element: object
    planned_year: int | None = None
    entries: list = field(default_factory=list)
    confirmed: int = 0
    waiting: int = 0

    @property
    def required(self) -> int:
        return required_of(self.element)

    @property
    def done(self) -> bool:
        return self.confirmed >= self.required

    @property
    def unit_label(self) -> str:
        from django.utils.translation import gettext as _

        if self.element.kind == ElementKind.INTERNSHIP:
            return _("tyg.")
        if self.element.kind == ElementKind.PROCEDURE:
            return _("wykonań")
        return ""


@dataclass
class ModuleProgress:
    module: object
    elements: list[ElementProgress]


@dataclass
class CardProgress:
    modules: list[ModuleProgress]
    #: How many entries are in each status (an :class:`EntryStatus` value).
    counts: dict[str, int]

    @property
    def elements(self) -> list[ElementProgress]:
        return [e for m in self.modules for e in m.elements]

    @property
    def done_count(self) -> int:
        return sum(e.done for e in self.elements)

    @property
    def complete(self) -> bool:
        """Every element of the programme is confirmed (and it has elements at all)."""
        elements = self.elements
        return bool(elements) and all(e.done for e in elements)


def card_progress(modules, entries, plan: dict[int, int]) -> CardProgress:
    """``modules``: the programme's modules with their elements prefetched; ``entries``: the
    card's entries (with ``element``); ``plan``: element id → planned year."""
    by_element: dict[int, ElementProgress] = {}
    result = []
    for module in modules:
        items = []
        for element in module.elements.all():
            progress = ElementProgress(element=element, planned_year=plan.get(element.pk))
            by_element[element.pk] = progress
            items.append(progress)
        result.append(ModuleProgress(module=module, elements=items))
    counts: dict[str, int] = {}
    for entry in entries:
        counts[entry.status] = counts.get(entry.status, 0) + 1
        progress = by_element.get(entry.element_id)
        if progress is None:
            continue
        progress.entries.append(entry)
        if entry.status == EntryStatus.CONFIRMED:
            progress.confirmed += amount_of(entry)
        elif entry.status == EntryStatus.SUBMITTED:
            progress.waiting += amount_of(entry)
    return CardProgress(modules=result, counts=counts)
