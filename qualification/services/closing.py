"""The procedure's writes (its stage transitions and closing) and why they cannot happen now.
Each public write is one transaction."""

from dataclasses import dataclass

from django.db import connection, transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from qualification.models import (
    Application,
    ApplicationStatus,
    FormalEvaluation,
    Procedure,
    SlotList,
    SlotListStatus,
    Stage,
)
from referrals.models import (
    COPIED_FROM_APPLICATION,
    Referral,
    ReferralStatus,
    copied_from_application,
)
from referrals.services import referral_number_prefix
from smk.audit import log_event, log_events_bulk
from smk.numbering import reserve_numbers

CHUNK = 2000


class ProcedureError(Exception):
    """A procedure action refused; the message is for the clerk, in Polish."""


def application_number_prefix(session, voivodeship) -> str:
    return f"WN/{session.year}/{voivodeship.teryt}"


def applications_of(procedure: Procedure):
    """Applications the office works with in this procedure (approved by the applicant)."""
    return Application.objects.filter(
        session_id=procedure.session_id,
        voivodeship_id=procedure.voivodeship_id,
        status=ApplicationStatus.APPROVED,
    )


def approved_slot_list(procedure: Procedure) -> SlotList | None:
    return (
        SlotList.objects.approved()
        .filter(session_id=procedure.session_id, voivodeship_id=procedure.voivodeship_id)
        .prefetch_related("items")
        .first()
    )


def closing_obstacles(procedure: Procedure) -> list[str]:
    """Why the procedure cannot be closed now (empty when it can)."""
    if procedure.stage == Stage.CLOSED:
        return [_("Postępowanie zostało już zakończone.")]
    problems = []
    if procedure.stage != Stage.COMPETITION:
        problems.append(
            _("Zakończyć można tylko postępowanie na etapie postępowania konkursowego.")
        )
    if approved_slot_list(procedure) is None:
        problems.append(
            _(
                "Brak zatwierdzonej listy miejsc szkoleniowych dla tej sesji i województwa — "
                "lista musi zostać zatwierdzona przez Wojewodę."
            )
        )
    applications = applications_of(procedure)
    unevaluated = applications.filter(formal_evaluation="").count()
    if unevaluated:
        problems.append(
            _("Wnioski bez oceny formalnej: %(n)d. Oceń je przed zakończeniem.")
            % {"n": unevaluated}
        )
    without_points = applications.filter(
        formal_evaluation=FormalEvaluation.POSITIVE, points__isnull=True
    ).count()
    if without_points:
        problems.append(
            _("Wnioski ocenione pozytywnie bez punktacji: %(n)d. Wprowadź punkty.")
            % {"n": without_points}
        )
    return problems


@dataclass(frozen=True)
class ClosingResult:
    ranked: int
    qualified: int
    referrals: int


def _rank(procedure: Procedure) -> int:
    """Store every positive application's position on its field/mode ranking list (one SQL
    statement; the order is ``ApplicationQuerySet.ranked``)."""
    table = Application._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            UPDATE {table} SET ranking_position = ranked.position
            FROM (
                SELECT id, ROW_NUMBER() OVER (
                    PARTITION BY field_id, mode_id
                    ORDER BY points DESC NULLS LAST, study_result DESC NULLS LAST,
                             approved_at ASC NULLS LAST, number ASC
                ) AS position
                FROM {table}
                WHERE session_id = %s AND voivodeship_id = %s AND status = %s
                  AND formal_evaluation = %s
            ) AS ranked
            WHERE {table}.id = ranked.id
            """,  # noqa: S608 - table name from model metadata, values are parameters
            [
                procedure.session_id,
                procedure.voivodeship_id,
                ApplicationStatus.APPROVED,
                FormalEvaluation.POSITIVE,
            ],
        )
        return cursor.rowcount


def _qualify(procedure: Procedure, slot_list: SlotList) -> int:
    """Mark the top N of each ranking list qualified, N = the slot list's places."""
    ranked = applications_of(procedure).filter(formal_evaluation=FormalEvaluation.POSITIVE)
    ranked.update(qualified=False)
    applications_of(procedure).exclude(formal_evaluation=FormalEvaluation.POSITIVE).update(
        qualified=False, ranking_position=None
    )
    qualified = 0
    for item in slot_list.items.all():
        qualified += ranked.filter(
            field_id=item.field_id, mode_id=item.mode_id, ranking_position__lte=item.places
        ).update(qualified=True)
    return qualified


def create_referrals(applications, *, user=None, profile=None) -> int:
    """A referral in "Wersja robocza" for each application, numbered, with a history event.

    Works through the applications in chunks, so memory does not grow with their number.
    """
    created = 0
    rows = (
        applications.order_by("field_id", "mode_id", "ranking_position", "pk")
        .values_list(
            "pk", "session_id", "voivodeship_id", "field_id", "mode_id", *COPIED_FROM_APPLICATION
        )
        .iterator(chunk_size=CHUNK)
    )
    chunk = []
    for row in rows:
        chunk.append(row)
        if len(chunk) == CHUNK:
            created += _create_referral_chunk(chunk, user=user, profile=profile)
            chunk = []
    if chunk:
        created += _create_referral_chunk(chunk, user=user, profile=profile)
    return created


def _create_referral_chunk(chunk, *, user, profile) -> int:
    from qualification.models import Session
    from reference.models import Voivodeship

    session_id, voivodeship_id = chunk[0][1], chunk[0][2]
    prefix = referral_number_prefix(
        Session.objects.get(pk=session_id), Voivodeship.objects.get(pk=voivodeship_id)
    )
    numbers = reserve_numbers(prefix, len(chunk))
    referrals = Referral.objects.bulk_create(
        [
            Referral(
                number=number,
                application_id=application_id,
                session_id=session,
                voivodeship_id=voivodeship,
                field_id=field,
                mode_id=mode,
                **copied_from_application(*copied),
                created_by=user if user is not None and user.is_authenticated else None,
            )
            for number, (application_id, session, voivodeship, field, mode, *copied) in zip(
                numbers, chunk, strict=True
            )
        ],
        batch_size=1000,
    )
    log_events_bulk(
        Referral,
        ((r.pk, "", ReferralStatus.DRAFT, {"number": r.number}) for r in referrals),
        action="referral.created",
        user=user,
        profile=profile,
    )
    # A bulk-created Referral and its cached FieldFile (decision_attachment) refer to each
    # other; without breaking the cycle every chunk waits for the cyclic garbage collector and
    # memory grows with the number of applications.
    for referral in referrals:
        vars(referral).pop("decision_attachment", None)
    return len(referrals)


@transaction.atomic(durable=True)
def close_procedure(procedure_id: int, *, user, profile) -> ClosingResult:
    """ "Zakończ postępowanie": rank, qualify the top N of each list and create the referrals.

    Everything happens in this one transaction or not at all; the procedure row is locked, so
    a second click (or a second clerk) waits and then finds it closed.
    """
    procedure = (
        Procedure.objects.select_for_update()
        .select_related("session", "voivodeship")
        .get(pk=procedure_id)
    )
    problems = closing_obstacles(procedure)
    if problems:
        raise ProcedureError(" ".join(problems))
    slot_list = approved_slot_list(procedure)
    ranked = _rank(procedure)
    qualified = _qualify(procedure, slot_list)
    referrals = create_referrals(
        applications_of(procedure).filter(qualified=True), user=user, profile=profile
    )
    old_stage = procedure.stage
    procedure.close()
    procedure.closed_at = timezone.now()
    procedure.closed_by = user
    procedure.save()
    log_event(
        procedure,
        "procedure.closed",
        user=user,
        profile=profile,
        old_status=old_stage,
        new_status=procedure.stage,
        data={"ranked": ranked, "qualified": qualified, "referrals": referrals},
    )
    return ClosingResult(ranked=ranked, qualified=qualified, referrals=referrals)


def _date(day) -> str:
    return formats.date_format(day, "d.m.Y")


def stage_transition_obstacles(procedure: Procedure, transition: str) -> list[str]:
    """Why ``transition`` ("start_formal_evaluation", "start_competition") cannot happen now.

    The same rules as the transitions' ``conditions=`` on the model, worded for the clerk.
    The service checks them again under the row lock; this only explains a refusal.
    """
    expected_stage, stage_message = {
        "start_formal_evaluation": (
            Stage.APPLICATIONS,
            _("Ocenę formalną można rozpocząć tylko na etapie przyjmowania wniosków."),
        ),
        "start_competition": (
            Stage.FORMAL_EVALUATION,
            _("Postępowanie konkursowe można rozpocząć tylko na etapie oceny formalnej."),
        ),
    }[transition]
    if procedure.stage != expected_stage:
        return [
            stage_message
            + " "
            + _("Obecny etap: %(stage)s.") % {"stage": procedure.get_stage_display()}
        ]
    if transition == "start_formal_evaluation" and not procedure.session.applications_closed():
        return [
            _(
                "Przyjmowanie wniosków trwa do %(date)s. Ocenę formalną można rozpocząć "
                "po zakończeniu przyjmowania wniosków."
            )
            % {"date": _date(procedure.session.applications_to)}
        ]
    if transition == "start_competition":
        unevaluated = applications_of(procedure).filter(formal_evaluation="").count()
        if unevaluated:
            return [
                _(
                    "Wnioski bez oceny formalnej: %(n)d. Postępowanie konkursowe można "
                    "rozpocząć, gdy wszystkie wnioski zostaną ocenione formalnie."
                )
                % {"n": unevaluated}
            ]
    return []


def _transition(procedure_id: int, method: str, action: str, *, user, profile) -> Procedure:
    from django_fsm import can_proceed

    procedure = Procedure.objects.select_for_update().select_related("session").get(pk=procedure_id)
    transition = getattr(procedure, method)
    if not can_proceed(transition):
        # The specific reason, worked out under the lock (the page may have been stale).
        obstacles = stage_transition_obstacles(procedure, method)
        raise ProcedureError(
            " ".join(str(o) for o in obstacles)
            or _("Tej czynności nie można wykonać na obecnym etapie postępowania.")
        )
    old_stage = procedure.stage
    transition()
    procedure.save()
    log_event(
        procedure,
        action,
        user=user,
        profile=profile,
        old_status=old_stage,
        new_status=procedure.stage,
    )
    return procedure


@transaction.atomic(durable=True)
def start_formal_evaluation(procedure_id: int, *, user, profile) -> Procedure:
    return _transition(
        procedure_id,
        "start_formal_evaluation",
        "procedure.formal_evaluation_started",
        user=user,
        profile=profile,
    )


@transaction.atomic(durable=True)
def start_competition(procedure_id: int, *, user, profile) -> Procedure:
    return _transition(
        procedure_id,
        "start_competition",
        "procedure.competition_started",
        user=user,
        profile=profile,
    )


def slot_list_is_locked_for_next_session(procedure: Procedure) -> bool:
    """True when the voivodeship's slot list of the next session is approved or published
    (then manual qualification in this procedure is no longer possible, seed 000 §13)."""
    from qualification.models import Session

    next_session = (
        Session.objects.filter(applications_from__gt=procedure.session.applications_from)
        .order_by("applications_from")
        .first()
    )
    if next_session is None:
        return False
    return SlotList.objects.filter(
        session=next_session,
        voivodeship_id=procedure.voivodeship_id,
        status__in=[SlotListStatus.APPROVED, SlotListStatus.PUBLISHED],
    ).exists()
