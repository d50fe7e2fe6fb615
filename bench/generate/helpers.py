"""Small helpers: valid PESEL, NIP and REGON numbers, local times, the sessions' calendar."""

import datetime
import random

from django.utils import timezone

from bench.generate.plan import NIP_WEIGHTS, PESEL_WEIGHTS, REGON_WEIGHTS
from reference.models import Programme

# ---- Small helpers ----------------------------------------------------------------------------


def pesel_for(rng: random.Random, birth: datetime.date) -> str:
    """A PESEL with a valid check digit (births 1900–1999: the month is written as is)."""
    body = f"{birth:%y%m%d}{rng.randrange(10_000):04d}"
    total = sum(int(d) * w for d, w in zip(body, PESEL_WEIGHTS, strict=True))
    return body + str((10 - total % 10) % 10)


def nip_regon_source(taken_nips: set[str], taken_regons: set[str]):
    """Unique valid NIP and REGON numbers, from a counter (so reruns are repeatable)."""
    counter = 0
    while True:
        counter += 1
        body = f"{770_000_000 + counter:09d}"
        check = sum(int(d) * w for d, w in zip(body, NIP_WEIGHTS, strict=True)) % 11
        if check == 10:
            continue
        nip = body + str(check)
        regon_body = f"{77_000_000 + counter:08d}"
        regon_check = sum(int(d) * w for d, w in zip(regon_body, REGON_WEIGHTS, strict=True)) % 11
        regon = regon_body + str(regon_check % 10)
        if nip in taken_nips or regon in taken_regons:
            continue
        yield nip, regon


def local_time(day: datetime.date, hour: int = 12, minute: int = 0) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def text_date(day: datetime.date) -> str:
    return day.strftime("%d.%m.%Y")


def planned_end_of(start: datetime.date, months: int) -> datetime.date:
    return Programme(duration_months=months).planned_end_from(start)


def session_dates(year: int, spring: bool) -> dict:
    if spring:
        return {
            "applications_from": datetime.date(year, 4, 30),
            "applications_to": datetime.date(year, 5, 31),
            "procedure_from": datetime.date(year, 6, 1),
            "procedure_to": datetime.date(year, 6, 30),
        }
    return {
        "applications_from": datetime.date(year, 9, 30),
        "applications_to": datetime.date(year, 10, 31),
        "procedure_from": datetime.date(year, 11, 1),
        "procedure_to": datetime.date(year, 11, 30),
    }


def national_sessions(count: int, newest_year: int = 2026) -> list[tuple[str, dict]]:
    """``count`` sessions, newest first: spring of ``newest_year``, the autumn before, …"""
    sessions = []
    year, spring = newest_year, True
    for _ in range(count):
        name = f"Sesja {'wiosenna' if spring else 'jesienna'} {year}"
        sessions.append((name, session_dates(year, spring)))
        if spring:
            year, spring = year - 1, False
        else:
            spring = True
    return sessions
