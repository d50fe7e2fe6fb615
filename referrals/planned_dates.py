"""When a referral's training may start and when it ends (issue 14, item 5).

The planned start lies in a window that follows from the session: no earlier than the end of
the qualification procedure the referral comes from, no later than
``settings.REFERRAL_START_WINDOW_DAYS`` after it. The planned end follows from the programme's
length (:meth:`reference.models.Programme.planned_end_from`); another end needs the clerk's
reason ("uzasadnienie innej daty zakończenia"), which the referral and its history keep.

:func:`errors` is what :mod:`referrals.services` applies under the row lock to every caller
(the office's form today, the API later); :func:`proposed_dates` is what the form offers, and
it always passes :func:`errors`. When the unit has a schedule of training starts in the field
(:mod:`training`), the form proposes its next start in the window and flags a start on another
day (:func:`off_schedule`) — a warning, not a refusal: the schedule is the unit's word, and the
office may agree another day with it.
"""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _


@dataclass(frozen=True)
class StartWindow:
    earliest: datetime.date
    latest: datetime.date

    def __contains__(self, day: datetime.date) -> bool:
        return self.earliest <= day <= self.latest


def start_window(session) -> StartWindow:
    # From the session's last day of the procedure (``procedure_to``), not from the moment the
    # office pressed "Zakończ postępowanie" (``Procedure.closed_at``): it is the date the
    # regulation sets for every voivodeship alike (1–30 June, 16 December–15 January), the
    # administrator enters it before the session opens, every referral reaches it through its
    # own ``session`` (also one made later by manual qualification or after a rejection), and
    # an office that closes its procedure a day early or a week late does not move the day
    # training may begin.
    earliest = session.procedure_to
    return StartWindow(
        earliest, earliest + datetime.timedelta(days=settings.REFERRAL_START_WINDOW_DAYS)
    )


def _first_of_a_month_from(day: datetime.date) -> datetime.date:
    """``day`` if it is the first of a month, else the first of the next month."""
    if day.day == 1:
        return day
    return (day.replace(day=1) + datetime.timedelta(days=32)).replace(day=1)


def next_scheduled_start(session, scheduled, today: datetime.date | None = None):
    """The first of the unit's ``scheduled`` starts (its "Harmonogram rozpoczęć" in the
    referral's field) after today and in the session's window, or None."""
    window = start_window(session)
    today = today or timezone.localdate()
    return next((day for day in sorted(scheduled) if day > today and day in window), None)


def off_schedule(start, scheduled) -> bool:
    """A start on a day the unit does not start training (only when it has a schedule)."""
    return bool(start and scheduled) and start not in set(scheduled)


def proposed_start(session, today: datetime.date | None = None, *, scheduled=()) -> datetime.date:
    """The unit's next scheduled start in the window (see :func:`next_scheduled_start`), when
    it has one; else the first day of next month, moved into the session's window: to the
    first of a month after the procedure's end when that is later, to the window's last day
    when it is over."""
    window = start_window(session)
    today = today or timezone.localdate()
    if (scheduled_start := next_scheduled_start(session, scheduled, today)) is not None:
        return scheduled_start
    start = _first_of_a_month_from(today + datetime.timedelta(days=1))
    earliest = _first_of_a_month_from(window.earliest)
    if earliest not in window:  # a window shorter than a month: its first day
        earliest = window.earliest
    return min(max(start, earliest), window.latest)


def proposed_dates(session, programme, today: datetime.date | None = None, *, scheduled=()):
    """(start, end) the form proposes: :func:`proposed_start` and the programme's end."""
    start = proposed_start(session, today, scheduled=scheduled)
    return start, programme.planned_end_from(start)


def end_differs(programme, start, end) -> bool:
    """The end is not the one the programme's length gives from the start."""
    return bool(programme and start and end) and end != programme.planned_end_from(start)


def day_text(value: datetime.date) -> str:
    """``01.01.0001``: dd.mm.rrrr whatever the year (``strftime("%Y")`` writes ``1``)."""
    return f"{value.day:02d}.{value.month:02d}.{value.year:04d}"


def errors(session, *, programme, planned_start, planned_end, planned_end_reason) -> dict[str, str]:
    """The messages, per form field, of what is wrong with these dates (empty if nothing).

    Missing dates are fine here (a draft may lack them; sending asks for them), and dates
    without a programme are the caller's message."""
    start, end, reason = planned_start, planned_end, planned_end_reason
    found = {}
    window = start_window(session)
    if start and start < window.earliest:
        found["planned_start"] = _(
            "Planowana data rozpoczęcia nie może być wcześniejsza niż %(day)s (zakończenie "
            "postępowania kwalifikacyjnego)."
        ) % {"day": day_text(window.earliest)}
    elif start and start > window.latest:
        found["planned_start"] = _(
            "Planowana data rozpoczęcia nie może być późniejsza niż %(day)s (%(days)s dni po "
            "zakończeniu postępowania kwalifikacyjnego)."
        ) % {"day": day_text(window.latest), "days": settings.REFERRAL_START_WINDOW_DAYS}
    if end and not start:
        found["planned_end"] = _(
            "Podaj planowaną datę rozpoczęcia: data zakończenia wynika z niej i z czasu "
            "trwania programu."
        )
    elif end and end <= start:
        found["planned_end"] = _(
            "Planowana data zakończenia musi być późniejsza niż data rozpoczęcia."
        )
    elif end_differs(programme, start, end) and not (reason or "").strip():
        found["planned_end_reason"] = _(
            "Z czasu trwania programu wynika planowana data zakończenia %(day)s. Inną datę "
            "zakończenia można zapisać, podając uzasadnienie innej daty zakończenia."
        ) % {"day": day_text(programme.planned_end_from(start))}
    return found
