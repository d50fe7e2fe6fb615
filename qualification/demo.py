"""Demo data of the qualification procedure (issue 2 item 8, issue 3 item 7).

Two sessions dated relative to today, so the demo works whenever it is loaded:

- the most recent session whose procedure has ended ("closed"): in mazowieckie the whole
  procedure has run — applications, formal evaluation, points, an approved and published slot
  list, closing with referrals in "Wersja robocza" and a not-qualified tail; in małopolskie the
  procedure waits in "ocena formalna" with applications to evaluate;
- a session accepting applications today ("open"): every procedure at "przyjmowanie wniosków",
  a few approved applications in mazowieckie and the demo applicant's draft.

The office's steps go through the same services the clerks' screens call, so every
application, slot list and procedure has its history. Each person and application draws from
its own generator seeded by a fixed string, and every step first looks for what an earlier run
made: running ``seed_demo`` again adds nothing.
"""

import datetime
import random
from dataclasses import dataclass, replace
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from stdnum.pl import pesel

from accounts.models import InstitutionKind, Profile, User
from qualification.models import (
    Application,
    ApplicationStatus,
    FormalEvaluation,
    PreferredUnit,
    Procedure,
    Session,
    SlotList,
    SlotListStatus,
    Stage,
)
from qualification.services.closing import (
    application_number_prefix,
    close_procedure,
    start_competition,
    start_formal_evaluation,
)
from qualification.services.evaluation import enter_points, evaluate_application
from qualification.services.procedures import open_session
from qualification.services.slot_lists import (
    approve_slot_list,
    current_places,
    places_fingerprint,
    publish_slot_list,
    save_places,
)
from reference.demo import CITIES, STREETS
from reference.models import Accreditation, Field, Mode, Voivodeship
from referrals.models import Referral
from smk.numbering import reserve_numbers

DEMO_APPLICANT_EMAIL = "diagnosta@smk.local"
RES, NON = Mode.RESIDENCY, Mode.NON_RESIDENCY

#: Mazowieckie, closed session: (field, mode, places on the slot list, positive candidates).
#: More candidates than places gives a not-qualified tail; toksykologia medyczna has exactly
#: one accredited unit in mazowieckie, and its candidates are all qualified.
MAZOWIECKIE_RANKINGS = [
    ("laboratoryjna-diagnostyka-medyczna", RES, 4, 16),
    ("laboratoryjna-diagnostyka-medyczna", NON, 3, 4),
    ("mikrobiologia-medyczna", RES, 3, 10),
    ("mikrobiologia-medyczna", NON, 2, 2),
    ("laboratoryjna-hematologia-medyczna", RES, 2, 7),
    ("laboratoryjna-hematologia-medyczna", NON, 2, 1),
    ("laboratoryjna-genetyka-medyczna", RES, 2, 4),
    ("laboratoryjna-genetyka-medyczna", NON, 1, 2),
    ("laboratoryjna-immunologia-medyczna", RES, 2, 3),
    ("laboratoryjna-immunologia-medyczna", NON, 2, 2),
    ("laboratoryjna-transfuzjologia-medyczna", RES, 2, 3),
    ("laboratoryjna-transfuzjologia-medyczna", NON, 1, 1),
    ("toksykologia-medyczna", RES, 2, 2),
    ("toksykologia-medyczna", NON, 1, 1),
    ("cytomorfologia-medyczna", RES, 1, 3),
    ("cytomorfologia-medyczna", NON, 1, 0),
    ("epidemiologia", RES, 2, 3),
    ("biochemia-kliniczna", RES, 2, 4),
    ("biochemia-kliniczna", NON, 1, 2),
]

#: The demo applicant's approved application in the closed mazowieckie procedure.
DEMO_APPLICANT_RANKING = ("laboratoryjna-diagnostyka-medyczna", RES)
#: The demo applicant's draft in the open session.
DEMO_APPLICANT_DRAFT = ("laboratoryjna-genetyka-medyczna", RES)

NEGATIVE_REASONS = [
    "Brak dokumentu potwierdzającego wpis na listę diagnostów laboratoryjnych.",
    "Wniosek w formie papierowej nie został dostarczony w terminie.",
    "Brak wymaganego dyplomu ukończenia studiów — przedłożono jedynie zaświadczenie.",
    "Wnioskodawca odbywa już szkolenie specjalizacyjne w tej dziedzinie.",
    "Niepodpisany wniosek w formie papierowej.",
    "Brak zaświadczenia o zatrudnieniu potwierdzającego staż pracy.",
]
NEGATIVES_IN_MAZOWIECKIE = 6
MALOPOLSKIE_APPLICATIONS = 20
OPEN_SESSION_APPLICATIONS = 6

FEMALE_NAMES = [
    "Anna", "Katarzyna", "Małgorzata", "Agnieszka", "Joanna", "Magdalena", "Monika", "Ewa",
    "Aleksandra", "Natalia", "Karolina", "Paulina", "Justyna", "Marta", "Zofia", "Weronika",
    "Łucja", "Beata", "Dorota", "Iwona", "Żaneta", "Urszula",
]  # fmt: skip
MALE_NAMES = [
    "Piotr", "Krzysztof", "Tomasz", "Paweł", "Michał", "Marcin", "Jakub", "Łukasz",
    "Mateusz", "Adam", "Bartosz", "Grzegorz", "Sebastian", "Kamil", "Wojciech", "Maciej",
    "Rafał", "Szymon", "Dawid", "Jarosław", "Zbigniew", "Przemysław",
]  # fmt: skip
#: (masculine, feminine) forms of a surname.
SURNAMES = [
    ("Nowak", "Nowak"), ("Kowalski", "Kowalska"), ("Wiśniewski", "Wiśniewska"),
    ("Wójcik", "Wójcik"), ("Kowalczyk", "Kowalczyk"), ("Kamiński", "Kamińska"),
    ("Lewandowski", "Lewandowska"), ("Zieliński", "Zielińska"), ("Szymański", "Szymańska"),
    ("Woźniak", "Woźniak"), ("Dąbrowski", "Dąbrowska"), ("Kozłowski", "Kozłowska"),
    ("Jankowski", "Jankowska"), ("Mazur", "Mazur"), ("Kwiatkowski", "Kwiatkowska"),
    ("Krawczyk", "Krawczyk"), ("Kaczmarek", "Kaczmarek"), ("Piotrowski", "Piotrowska"),
    ("Grabowski", "Grabowska"), ("Zając", "Zając"), ("Pawłowski", "Pawłowska"),
    ("Michalski", "Michalska"), ("Król", "Król"), ("Wieczorek", "Wieczorek"),
    ("Jabłoński", "Jabłońska"), ("Wróbel", "Wróbel"), ("Majewski", "Majewska"),
    ("Olszewski", "Olszewska"), ("Stępień", "Stępień"), ("Malinowski", "Malinowska"),
    ("Jaworski", "Jaworska"), ("Adamczyk", "Adamczyk"), ("Dudek", "Dudek"),
    ("Nowicki", "Nowicka"), ("Górski", "Górska"), ("Witkowski", "Witkowska"),
    ("Walczak", "Walczak"), ("Sikora", "Sikora"), ("Rutkowski", "Rutkowska"),
    ("Szewczyk", "Szewczyk"), ("Ostrowski", "Ostrowska"), ("Tomaszewski", "Tomaszewska"),
    ("Pietrzak", "Pietrzak"), ("Żak", "Żak"), ("Chmielewski", "Chmielewska"),
    ("Błaszczyk", "Błaszczyk"), ("Gałązka", "Gałązka"), ("Śliwiński", "Śliwińska"),
]  # fmt: skip
UNIVERSITIES = [
    "Warszawski Uniwersytet Medyczny",
    "Uniwersytet Jagielloński — Collegium Medicum",
    "Uniwersytet Medyczny w Łodzi",
    "Gdański Uniwersytet Medyczny",
    "Uniwersytet Medyczny w Lublinie",
    "Uniwersytet Medyczny im. Piastów Śląskich we Wrocławiu",
    "Śląski Uniwersytet Medyczny w Katowicach",
    "Uniwersytet Medyczny w Białymstoku",
    "Uniwersytet Medyczny im. Karola Marcinkowskiego w Poznaniu",
    "Collegium Medicum w Bydgoszczy, Uniwersytet Mikołaja Kopernika w Toruniu",
]
MOBILE_PREFIXES = ["501", "502", "511", "600", "601", "604", "660", "691", "730", "790"]
_ASCII = str.maketrans("ąćęłńóśźżĄĆĘŁŃÓŚŹŻ", "acelnoszzACELNOSZZ")


# --- sessions -------------------------------------------------------------------------------


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


# --- people and applications ----------------------------------------------------------------


@dataclass(frozen=True)
class Person:
    first_name: str
    last_name: str
    pesel: str
    licence_number: str
    email: str
    phone: str
    address: str
    university: str
    graduation_year: int


def _pesel(birth: datetime.date, serial: int, female: bool, rng: random.Random) -> str:
    month = birth.month + (20 if birth.year >= 2000 else 0)  # the PESEL century offset
    sex = rng.choice("02468" if female else "13579")
    body = f"{birth:%y}{month:02d}{birth:%d}{serial:03d}{sex}"
    return body + pesel.calc_check_digit(body)


def make_person(key: str, serial: int, city: str, **fixed) -> Person:
    """A realistic applicant; ``serial`` (0–999) goes into the PESEL, which keeps it unique."""
    rng = random.Random(f"demo-person-{key}")
    female = rng.random() < 0.7  # most laboratory diagnosticians are women
    female = fixed.get("female", female)
    first = rng.choice(FEMALE_NAMES if female else MALE_NAMES)
    last = rng.choice(SURNAMES)[1 if female else 0]
    first, last = fixed.get("first_name", first), fixed.get("last_name", last)
    birth = datetime.date(rng.randint(1986, 2000), rng.randint(1, 12), rng.randint(1, 28))
    return Person(
        first_name=first,
        last_name=last,
        pesel=_pesel(birth, serial, female, rng),
        licence_number=f"{rng.randint(10, 29)}{serial:03d}",
        email=fixed.get("email")
        or f"{first}.{last}.{serial}@poczta.smk.local".translate(_ASCII).lower(),
        phone=f"+48 {rng.choice(MOBILE_PREFIXES)} {rng.randint(100, 999)} {rng.randint(100, 999)}",
        address=f"{rng.choice(STREETS)} {rng.randint(1, 90)}/{rng.randint(1, 40)}, "
        f"{rng.randint(0, 99):02d}-{rng.randint(0, 999):03d} {city}",
        university=rng.choice(UNIVERSITIES),
        graduation_year=birth.year + 24 + rng.randint(0, 2),
    )


@dataclass(frozen=True)
class PlannedApplication:
    person: Person
    field_code: str
    mode_code: str
    study_result: Decimal
    #: What the office decides: "" (not evaluated yet), positive, negative.
    evaluation: str = ""
    reason: str = ""
    #: (years of employment, publications, courses, other) for the points form.
    points: tuple[int, Decimal, Decimal, Decimal] | None = None
    approved_day: int = 0
    status: str = ApplicationStatus.APPROVED
    applicant_email: str = ""
    preferred: int = 1


def _half_points(rng: random.Random, top: int) -> Decimal:
    return Decimal(rng.randint(0, top * 2)) / 2


def _random_points(rng: random.Random) -> tuple[int, Decimal, Decimal, Decimal]:
    return (
        rng.randint(0, 12),
        _half_points(rng, 10),
        _half_points(rng, 8),
        _half_points(rng, 5),
    )


def _study_result(rng: random.Random) -> Decimal:
    return Decimal(rng.randint(300, 500)) / 100


def _planned(key: str, serial: int, city: str, field_code: str, mode_code: str, **kwargs):
    rng = random.Random(f"demo-application-{key}")
    kwargs.setdefault("study_result", _study_result(rng))
    kwargs.setdefault("approved_day", rng.randint(0, 30))
    kwargs.setdefault("preferred", rng.randint(1, 3))
    person = make_person(key, serial, city)
    return PlannedApplication(
        person=person, field_code=field_code, mode_code=mode_code, **kwargs
    ), rng


def demo_applicant_plan(field_and_mode: tuple[str, str], **kwargs) -> PlannedApplication:
    """An application of diagnosta@smk.local (the same person in every session)."""
    user = User.objects.get(email=DEMO_APPLICANT_EMAIL)
    person = make_person(
        "diagnosta",
        999,
        "Warszawa",
        first_name=user.first_name,
        last_name=user.last_name,
        email=DEMO_APPLICANT_EMAIL,
        female=False,  # Damian Nowak: the PESEL's sex digit must agree
    )
    field_code, mode_code = field_and_mode
    return PlannedApplication(
        person=person,
        field_code=field_code,
        mode_code=mode_code,
        study_result=Decimal("4.75"),
        applicant_email=DEMO_APPLICANT_EMAIL,
        **kwargs,
    )


def _approved_at(session: Session, day: int, rng: random.Random) -> datetime.datetime:
    """A moment in the application window ``day`` days after it opened, never in the future."""
    last_day = min(session.applications_to, timezone.localdate())
    date = min(session.applications_from + datetime.timedelta(days=day), last_day)
    moment = timezone.make_aware(
        datetime.datetime.combine(date, datetime.time(rng.randint(7, 22), rng.randint(0, 59)))
    )
    return min(moment, timezone.now() - datetime.timedelta(minutes=5))


def _units_by_field(voivodeship: Voivodeship) -> dict[str, list]:
    """Units with an active accreditation, per field code, in a stable order."""
    units: dict[str, list] = {}
    accreditations = (
        Accreditation.objects.active()
        .filter(unit__voivodeship=voivodeship)
        .select_related("unit", "field")
        .order_by("field__code", "unit__name", "unit_id")
    )
    for accreditation in accreditations:
        units.setdefault(accreditation.field.code, []).append(accreditation.unit)
    return units


def ensure_applications(
    session: Session, voivodeship: Voivodeship, plans: list[PlannedApplication]
) -> int:
    """Create the planned applications an earlier run did not (found by session and PESEL)."""
    existing = set(
        Application.objects.filter(session=session, voivodeship=voivodeship).values_list(
            "pesel", flat=True
        )
    )
    missing = [plan for plan in plans if plan.person.pesel not in existing]
    if not missing:
        return 0
    fields = {f.code: f for f in Field.objects.all()}
    modes = {m.code: m for m in Mode.objects.all()}
    units = _units_by_field(voivodeship)
    applicants = {u.email: u for u in User.objects.filter(email=DEMO_APPLICANT_EMAIL)}
    with transaction.atomic():
        numbers = reserve_numbers(application_number_prefix(session, voivodeship), len(missing))
        applications, preferences = [], []
        for number, plan in zip(numbers, missing, strict=True):
            rng = random.Random(f"demo-approval-{session.name}-{plan.person.pesel}")
            person = plan.person
            application = Application(
                number=number,
                session=session,
                voivodeship=voivodeship,
                field=fields[plan.field_code],
                mode=modes[plan.mode_code],
                applicant=applicants.get(plan.applicant_email),
                first_name=person.first_name,
                last_name=person.last_name,
                pesel=person.pesel,
                licence_number=person.licence_number,
                email=person.email,
                phone=person.phone,
                address=person.address,
                university=person.university,
                graduation_year=person.graduation_year,
                study_result=plan.study_result,
                status=plan.status,
                approved_at=_approved_at(session, plan.approved_day, rng)
                if plan.status == ApplicationStatus.APPROVED
                else None,
            )
            applications.append(application)
            candidates = units.get(plan.field_code, [])
            chosen = rng.sample(candidates, min(plan.preferred, len(candidates)))
            preferences.append(chosen)
        Application.objects.bulk_create(applications)
        PreferredUnit.objects.bulk_create(
            PreferredUnit(application=application, unit=unit, position=position)
            for application, chosen in zip(applications, preferences, strict=True)
            for position, unit in enumerate(chosen, start=1)
        )
    return len(missing)


# --- the office's work, through its services --------------------------------------------------


@dataclass(frozen=True)
class Office:
    user: User
    profile: Profile


def office(email: str, voivodeship: Voivodeship) -> Office:
    profile = Profile.objects.prefetch_related("roles").get(
        user__email=email, kind=InstitutionKind.VOIVODESHIP_OFFICE, voivodeship=voivodeship
    )
    return Office(user=profile.user, profile=profile)


def _act(clerk: Office) -> dict:
    return {"user": clerk.user, "profile": clerk.profile}


def _procedure(session: Session, voivodeship: Voivodeship) -> Procedure:
    return Procedure.objects.select_related("session").get(session=session, voivodeship=voivodeship)


def _pks_by_code(model) -> dict[str, int]:
    return dict(model.objects.values_list("code", "pk"))


def _slot_list(session: Session, voivodeship: Voivodeship) -> SlotList:
    return SlotList.objects.get(session=session, voivodeship=voivodeship)


def set_places(slot_list: SlotList, places: dict[tuple[int, int], int], clerk: Office) -> None:
    if slot_list.status != SlotListStatus.DRAFT:
        return
    current = current_places(slot_list)
    wanted = {key: n for key, n in places.items() if n}
    if current == wanted:
        return
    save_places(
        slot_list.pk,
        {**dict.fromkeys(current, 0), **wanted},
        fingerprint=places_fingerprint(current),
        **_act(clerk),
    )


def evaluate_and_score(
    session: Session, voivodeship: Voivodeship, plans: list[PlannedApplication], clerk: Office
) -> None:
    """Formal evaluation and points as planned, for what is not evaluated or scored yet."""
    by_pesel = {
        a.pesel: a for a in Application.objects.filter(session=session, voivodeship=voivodeship)
    }
    for plan in plans:
        application = by_pesel[plan.person.pesel]
        if plan.evaluation and not application.formal_evaluation:
            application = evaluate_application(
                application.pk,
                evaluation=plan.evaluation,
                reason=plan.reason,
                version=application.version,
                **_act(clerk),
            )
        if plan.points and application.is_formally_positive and application.points is None:
            years, publications, courses, other = plan.points
            enter_points(
                application.pk,
                employment_years=years,
                points_publications=publications,
                points_courses=courses,
                points_other=other,
                version=application.version,
                **_act(clerk),
            )


# --- the plans --------------------------------------------------------------------------------


def mazowieckie_closed_plans() -> list[PlannedApplication]:
    plans = []
    serial = 0
    cities = CITIES["mazowieckie"]
    for field_code, mode_code, _places, candidates in MAZOWIECKIE_RANKINGS:
        for index in range(candidates):
            key = f"mazowieckie-closed/{field_code}/{mode_code}/{index}"
            city = cities[serial % len(cities)]
            plan, rng = _planned(
                key, serial, city, field_code, mode_code, evaluation=FormalEvaluation.POSITIVE
            )
            points = _random_points(rng)
            if (field_code, mode_code) == DEMO_APPLICANT_RANKING and index < 4:
                # Equal points settled by the study result (0, 1), and by the earlier
                # approval (2, 3): the tie-break rule at work on the demo list.
                points, study_result, day = [
                    ((5, Decimal("6.0"), Decimal("4.0"), Decimal("2.0")), Decimal("4.60"), 12),
                    ((5, Decimal("6.0"), Decimal("4.0"), Decimal("2.0")), Decimal("4.20"), 5),
                    ((3, Decimal("7.5"), Decimal("5.0"), Decimal("3.0")), Decimal("4.40"), 3),
                    ((3, Decimal("7.5"), Decimal("5.0"), Decimal("3.0")), Decimal("4.40"), 10),
                ][index]
                plan = replace(plan, study_result=study_result, approved_day=day)
            plans.append(replace(plan, points=points))
            serial += 1
    for index in range(NEGATIVES_IN_MAZOWIECKIE):
        # Spread over the lists: every third one.
        field_code, mode_code, _places, _n = MAZOWIECKIE_RANKINGS[(index * 3) % 15]
        plan, _rng = _planned(
            f"mazowieckie-closed/negative/{index}",
            serial,
            cities[serial % len(cities)],
            field_code,
            mode_code,
            evaluation=FormalEvaluation.NEGATIVE,
            reason=NEGATIVE_REASONS[index],
        )
        plans.append(plan)
        serial += 1
    plans.append(
        demo_applicant_plan(
            DEMO_APPLICANT_RANKING,
            evaluation=FormalEvaluation.POSITIVE,
            # The highest points possible: the demo applicant is qualified.
            points=(12, Decimal("10.0"), Decimal("8.0"), Decimal("5.0")),
            approved_day=2,
            preferred=3,
        )
    )
    return plans


def spread_plans(
    tag: str, voivodeship: Voivodeship, count: int, first_serial: int
) -> list[PlannedApplication]:
    """``count`` approved, not yet evaluated applications in fields the voivodeship trains in."""
    field_codes = sorted(_units_by_field(voivodeship))
    cities = CITIES[voivodeship.name]
    plans = []
    for index in range(count):
        key = f"{tag}/{index}"
        rng = random.Random(f"demo-choice-{key}")
        plan, _rng = _planned(
            key,
            first_serial + index,
            cities[index % len(cities)],
            rng.choice(field_codes),
            rng.choice([RES, RES, NON]),
        )
        plans.append(plan)
    return plans


# --- the scenarios ----------------------------------------------------------------------------


def seed_mazowieckie_closed(session: Session) -> None:
    """The whole procedure, from applications to closing with referrals."""
    mazowieckie = Voivodeship.objects.get(name="mazowieckie")
    procedure = _procedure(session, mazowieckie)
    if procedure.is_closed:
        return
    clerk = office("uw.mazowieckie@smk.local", mazowieckie)
    wojewoda = office("wojewoda.mazowieckie@smk.local", mazowieckie)
    plans = mazowieckie_closed_plans()
    ensure_applications(session, mazowieckie, plans)

    fields, modes = _pks_by_code(Field), _pks_by_code(Mode)
    slot_list = _slot_list(session, mazowieckie)
    set_places(
        slot_list,
        {(fields[f], modes[m]): places for f, m, places, _n in MAZOWIECKIE_RANKINGS},
        wojewoda,
    )
    slot_list.refresh_from_db()
    if slot_list.status == SlotListStatus.DRAFT:
        approve_slot_list(slot_list.pk, **_act(wojewoda))
        slot_list.refresh_from_db()
    if slot_list.status == SlotListStatus.APPROVED:
        publish_slot_list(slot_list.pk, **_act(wojewoda))

    if procedure.stage == Stage.APPLICATIONS:
        procedure = start_formal_evaluation(procedure.pk, **_act(clerk))
    evaluate_and_score(session, mazowieckie, plans, clerk)
    procedure.refresh_from_db()
    if procedure.stage == Stage.FORMAL_EVALUATION:
        procedure = start_competition(procedure.pk, **_act(clerk))
    close_procedure(procedure.pk, **_act(clerk))


def seed_malopolskie_closed(session: Session) -> None:
    """Applications waiting for uw.malopolskie's formal evaluation; a draft slot list."""
    malopolskie = Voivodeship.objects.get(name="małopolskie")
    clerk = office("uw.malopolskie@smk.local", malopolskie)
    plans = spread_plans("malopolskie-closed", malopolskie, MALOPOLSKIE_APPLICATIONS, 300)
    ensure_applications(session, malopolskie, plans)
    fields, modes = _pks_by_code(Field), _pks_by_code(Mode)
    places = {}
    for plan in plans:
        key = (fields[plan.field_code], modes[plan.mode_code])
        places[key] = random.Random(f"demo-places-malopolskie-{plan.field_code}").randint(1, 3)
    set_places(_slot_list(session, malopolskie), places, clerk)
    procedure = _procedure(session, malopolskie)
    if procedure.stage == Stage.APPLICATIONS:
        start_formal_evaluation(procedure.pk, **_act(clerk))


def seed_open_session(session: Session) -> None:
    """A few approved applications in mazowieckie and the demo applicant's draft."""
    mazowieckie = Voivodeship.objects.get(name="mazowieckie")
    plans = spread_plans("mazowieckie-open", mazowieckie, OPEN_SESSION_APPLICATIONS, 400)
    plans.append(
        demo_applicant_plan(DEMO_APPLICANT_DRAFT, status=ApplicationStatus.DRAFT, preferred=2)
    )
    ensure_applications(session, mazowieckie, plans)


@dataclass(frozen=True)
class Summary:
    closed: Session
    open: Session
    applications: int
    referrals: int

    def __str__(self):
        return (
            f"Qualification: {self.closed} (mazowieckie closed with referrals, małopolskie in "
            f"formal evaluation) and {self.open} (accepting applications); "
            f"{self.applications} applications, {self.referrals} referrals."
        )


def seed() -> Summary:
    """Load the qualification demo; call after the reference and accounts seeds, outside a
    transaction (the services it calls are durable transactions of their own)."""
    closed, open_ = seed_sessions()
    for session in (closed, open_):
        open_session(session)  # a procedure and a draft slot list per voivodeship, if missing
    seed_mazowieckie_closed(closed)
    seed_malopolskie_closed(closed)
    seed_open_session(open_)
    return Summary(
        closed=closed,
        open=open_,
        applications=Application.objects.filter(session__in=[closed, open_]).count(),
        referrals=Referral.objects.filter(session__in=[closed, open_]).count(),
    )
