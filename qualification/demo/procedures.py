"""The office's work on the demo applications, through the services its screens call: the
plans of each procedure, the scenarios (mazowieckie closed with referrals, małopolskie in
formal evaluation, the open session) and :func:`seed`."""

import random
from dataclasses import dataclass, replace
from decimal import Decimal

from accounts.models import InstitutionKind, Profile, User
from qualification.demo.applications import (
    PlannedApplication,
    demo_applicant_plan,
    ensure_applications,
    planned,
    random_points,
    units_by_field,
)
from qualification.demo.sessions import seed_sessions
from qualification.models import (
    Application,
    ApplicationStatus,
    FormalEvaluation,
    Procedure,
    Session,
    SlotList,
    SlotListStatus,
    Stage,
)
from qualification.services.closing import (
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
from reference.demo import CITIES
from reference.models import Field, Mode, Voivodeship
from referrals.models import Referral

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
#: The demo applicant's draft in the open session: poza rezydenturą, as they were qualified
#: for residency already (seed 002 refuses a second residency: SECOND_RESIDENCY_RULE).
DEMO_APPLICANT_DRAFT = ("laboratoryjna-genetyka-medyczna", NON)

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
            plan, rng = planned(
                key, serial, city, field_code, mode_code, evaluation=FormalEvaluation.POSITIVE
            )
            points = random_points(rng)
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
        plan, _rng = planned(
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
    field_codes = sorted(units_by_field(voivodeship))
    cities = CITIES[voivodeship.name]
    plans = []
    for index in range(count):
        key = f"{tag}/{index}"
        rng = random.Random(f"demo-choice-{key}")
        plan, _rng = planned(
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
