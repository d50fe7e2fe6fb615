"""The demo's two sessions, dated from today under the real calendar (SPEC §3)."""

import datetime

from django.utils import timezone

from qualification.models import Session


def _real_sessions(year: int) -> list[tuple]:
    """The two sessions of ``year`` under today's calendar for laboratory diagnosticians
    (SPEC §3): (name, applications from, to, procedure from, to)."""
    d = datetime.date
    return [
        (f"Sesja wiosenna {year}", d(year, 4, 30), d(year, 5, 31), d(year, 6, 1), d(year, 6, 30)),
        (
            f"Sesja jesienna {year}",
            d(year, 11, 15),
            d(year, 12, 15),
            d(year, 12, 16),
            d(year + 1, 1, 15),
        ),
    ]


def session_dates(today: datetime.date):
    """(closed, open) session specifications for ``today``.

    Closed: the most recent real session whose procedure has ended. Open: the real session
    accepting applications today, or — between windows — a stand-in named after the next
    real session, accepting applications from a week ago for another 23 days.
    """
    candidates = [s for year in range(today.year - 2, today.year + 2) for s in _real_sessions(year)]
    closed = max((s for s in candidates if s[4] < today), key=lambda s: s[4])
    current = [s for s in candidates if s[1] <= today <= s[2]]
    if current:
        return closed, current[0]
    upcoming = min((s for s in candidates if s[1] > today), key=lambda s: s[1])
    applications_from = today - datetime.timedelta(days=7)
    applications_to = today + datetime.timedelta(days=23)
    procedure_from = applications_to + datetime.timedelta(days=1)
    stand_in = (
        upcoming[0],
        applications_from,
        applications_to,
        procedure_from,
        procedure_from + datetime.timedelta(days=29),
    )
    return closed, stand_in


def seed_sessions(today: datetime.date | None = None) -> tuple[Session, Session]:
    specs = session_dates(today or timezone.localdate())
    sessions = []
    for name, applications_from, applications_to, procedure_from, procedure_to in specs:
        session, _created = Session.objects.get_or_create(
            name=name,
            defaults={
                "applications_from": applications_from,
                "applications_to": applications_to,
                "procedure_from": procedure_from,
                "procedure_to": procedure_to,
            },
        )
        sessions.append(session)
    return sessions[0], sessions[1]
