"""What must always be true of referrals, places, the register and the history.

``find_violations()`` returns readable lines (empty when all is well); the
``check_invariants`` command prints them and exits non-zero. Each check is a few aggregate
queries, so it runs on national-scale data too.
"""

import datetime
from collections import defaultdict
from decimal import Decimal

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db.models import CharField, Count, F, Q, Value
from django.db.models.functions import Coalesce, Concat

from reference.models import Accreditation
from referrals import places
from referrals.models import DecidedBy, Referral, ReferralStatus
from referrals.planned_dates import day_text
from registry.models import EKS, EKSStatus, EntryKind, RegisterEntry
from smk.models import Event

S = ReferralStatus


def places_never_overbooked() -> list[str]:
    problems = []
    held = places.held_per_unit_and_field()
    for accreditation in Accreditation.objects.active().select_related("unit", "field"):
        n = held.get((accreditation.unit_id, accreditation.field_id), 0)
        if n > accreditation.places:
            problems.append(
                f"Akredytacja {accreditation.pk} ({accreditation}): zajętych miejsc {n}, "
                f"a miejsc jest {accreditation.places}."
            )
    missing_unit = Referral.objects.holding_place().filter(unit__isnull=True).count()
    if missing_unit:
        problems.append(f"Skierowania zajmujące miejsce bez jednostki: {missing_unit}.")
    return problems


def started_have_one_eks_and_one_start_entry() -> list[str]:
    problems = []
    started = Referral.objects.filter(status=S.STARTED)
    no_eks = started.filter(eks__isnull=True).values_list("number", flat=True)
    problems += [f"Skierowanie {n}: Specjalizacja rozpoczęta bez EKS." for n in no_eks]
    bad_entries = (
        started.annotate(
            starts=Count("register_entries", filter=Q(register_entries__kind=EntryKind.START))
        )
        .exclude(starts=1)
        .values_list("number", "starts")
    )
    problems += [
        f"Skierowanie {n}: Specjalizacja rozpoczęta z {k} wpisami rozpoczęcia (powinien być 1)."
        for n, k in bad_entries
    ]
    stray_eks = EKS.objects.exclude(referral__status=S.STARTED).values_list("number", flat=True)
    problems += [f"EKS {n} należy do skierowania, które nie jest rozpoczęte." for n in stray_eks]
    return problems


def verified_eks_have_their_completion_entry() -> list[str]:
    """A card the office verified has the register's entry of the completed specialization,
    and only such a card; every card keeps its referral's voivodeship (its list's scope)."""
    completed = RegisterEntry.objects.filter(kind=EntryKind.COMPLETION)
    verified = EKS.objects.filter(status=EKSStatus.VERIFIED)
    problems = [
        f"EKS {n}: zweryfikowana bez wpisu ukończenia szkolenia w rejestrze."
        for n in verified.exclude(referral__register_entries__in=completed).values_list(
            "number", flat=True
        )
    ]
    problems += [
        f"Wpis {n}: ukończenie szkolenia, a EKS skierowania nie jest zweryfikowana."
        for n in completed.exclude(referral__eks__status=EKSStatus.VERIFIED).values_list(
            "number", flat=True
        )
    ]
    problems += [
        f"EKS {n}: inne województwo niż w skierowaniu."
        for n in EKS.objects.exclude(voivodeship_id=F("referral__voivodeship_id")).values_list(
            "number", flat=True
        )
    ]
    return problems


def strike_offs_match_final_non_commencements() -> list[str]:
    problems = []
    office_decided = Referral.objects.filter(
        status=S.NOT_STARTED, decided_by_kind=DecidedBy.OFFICE
    ).exclude(register_entries__kind=EntryKind.STRIKE_OFF)
    problems += [
        f"Skierowanie {n}: niepodjęcie szkolenia przez Urząd bez wpisu o skreśleniu."
        for n in office_decided.values_list("number", flat=True)
    ]
    stray = RegisterEntry.objects.filter(kind=EntryKind.STRIKE_OFF).exclude(
        referral__status=S.NOT_STARTED
    )
    problems += [
        f"Wpis {n}: skreślenie dla skierowania, które nie ma statusu Specjalizacja nierozpoczęta."
        for n in stray.values_list("number", flat=True)
    ]
    return problems


def one_live_referral_per_application() -> list[str]:
    """An application has at most one referral that is not Odrzucone: a rejection is the only
    way a second one comes into being (the new draft after "Odrzuć")."""
    live = (
        Referral.objects.exclude(status=S.REJECTED)
        .values("application_id")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
        .values_list("application_id", flat=True)
    )
    numbers: dict[tuple[int, str], list[str]] = defaultdict(list)
    rows = (
        Referral.objects.filter(application_id__in=live)
        .exclude(status=S.REJECTED)
        .order_by("application_id", "pk")
        .values_list("application_id", "application__number", "number")
    )
    for application_id, application_number, number in rows:
        numbers[(application_id, application_number)].append(number)
    return [
        f"Wniosek {application_number}: nieodrzuconych skierowań {len(referrals)} "
        f"({', '.join(referrals)}), a może być najwyżej 1."
        for (_pk, application_number), referrals in numbers.items()
    ]


def copies_match_applications() -> list[str]:
    """The list's sort keys and searched name are copies of the application's points, study
    result (0 when missing) and name: a copy that drifted would put a referral in the wrong
    place of the list, or hide it from a search."""
    drifted = (
        Referral.objects.exclude(
            rank_points=Coalesce("application__points", Value(Decimal(0))),
            rank_study_result=Coalesce("application__study_result", Value(Decimal(0))),
            applicant_name=Concat(
                "application__first_name",
                Value(" "),
                "application__last_name",
                output_field=CharField(),
            ),
        )
        .order_by("number")
        .values_list("number", "rank_points", "application__points", "applicant_name")[:20]
    )
    return [
        f"Skierowanie {number}: punkty do sortowania {rank} (we wniosku {points}), "
        f"nazwisko do wyszukiwania „{name}” — inne niż we wniosku."
        for number, rank, points, name in drifted
    ]


def issued_referrals_start_in_their_window() -> list[str]:
    """A referral the unit holds (Wystawione, Specjalizacja rozpoczęta) starts between its
    session's end of the procedure and ``REFERRAL_START_WINDOW_DAYS`` after it, as the
    services let it be sent (``referrals/planned_dates.py``). A window narrowed later shows
    the referrals sent under the wider one here."""
    days = datetime.timedelta(days=settings.REFERRAL_START_WINDOW_DAYS)
    earliest = F("session__procedure_to")
    outside = (
        Referral.objects.filter(status__in=(S.ISSUED, S.STARTED))
        .filter(Q(planned_start__lt=earliest) | Q(planned_start__gt=earliest + days))
        .order_by("number")
        .values_list("number", "planned_start", "session__procedure_to")[:20]
    )
    return [
        f"Skierowanie {number}: planowana data rozpoczęcia {day_text(start)} poza oknem "
        f"{day_text(end)}–{day_text(end + days)}."
        for number, start, end in outside
    ]


def numbers_unique() -> list[str]:
    problems = []
    for model, label in ((Referral, "skierowania"), (RegisterEntry, "wpisu"), (EKS, "EKS")):
        duplicates = model.objects.values("number").annotate(n=Count("pk")).filter(n__gt=1)
        problems += [f"Numer {label} {d['number']} występuje {d['n']} razy." for d in duplicates]
    return problems


def history_complete_and_ordered() -> list[str]:
    """Each referral's events, oldest first, start with its creation, chain old → new status
    without gaps and end in the referral's current status."""
    problems = []
    referral_type = ContentType.objects.get_for_model(Referral)
    current = dict(Referral.objects.values_list("pk", "status").iterator())
    chains: dict[int, list[tuple[str, str, str]]] = defaultdict(list)
    events = (
        Event.objects.filter(target_type=referral_type)
        .order_by("target_id", "created_at", "pk")
        .values_list("target_id", "action", "old_status", "new_status")
        .iterator(chunk_size=5000)
    )
    for target_id, action, old, new in events:
        chains[target_id].append((action, old, new))
    for pk, status in current.items():
        chain = chains.get(pk)
        if not chain:
            problems.append(f"Skierowanie #{pk}: brak historii.")
            continue
        if not chain[0][0].startswith("referral.created"):
            problems.append(f"Skierowanie #{pk}: historia nie zaczyna się od utworzenia.")
        previous = chain[0][2]
        for action, old, new in chain[1:]:
            if old != previous:
                problems.append(
                    f"Skierowanie #{pk}: zdarzenie {action} zaczyna od statusu „{old}”, "
                    f"a poprzednie skończyło na „{previous}”."
                )
            previous = new
        if previous != status:
            problems.append(
                f"Skierowanie #{pk}: historia kończy się statusem „{previous}”, "
                f"a skierowanie ma „{status}”."
            )
    return problems


CHECKS = [
    ("Miejsca szkoleniowe", places_never_overbooked),
    ("EKS i wpisy rozpoczęcia", started_have_one_eks_and_one_start_entry),
    ("EKS zweryfikowane i wpisy ukończenia", verified_eks_have_their_completion_entry),
    ("Skreślenia", strike_offs_match_final_non_commencements),
    ("Jedno nieodrzucone skierowanie na wniosek", one_live_referral_per_application),
    ("Dane wniosku w skierowaniu (sortowanie i wyszukiwanie)", copies_match_applications),
    ("Planowana data rozpoczęcia w oknie sesji", issued_referrals_start_in_their_window),
    ("Unikalne numery", numbers_unique),
    ("Historia skierowań", history_complete_and_ordered),
]


def find_violations() -> dict[str, list[str]]:
    return {name: problems for name, check in CHECKS if (problems := check())}
