"""Ręczna kwalifikacja (seed 000 §13, SPEC §3): after the procedure is closed, each registered
non-commencement in a field lets the office qualify the next not-qualified application of that
field's ranking list, while the next session's slot list is neither approved nor published."""

from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from qualification.models import Application, FormalEvaluation, Procedure, can_run_procedure
from qualification.services.closing import ProcedureError, slot_list_is_locked_for_next_session
from referrals.models import Referral, ReferralStatus
from registry.models import EntryKind
from smk.audit import log_event, register_actions

register_actions({"application.qualified_manually": gettext_lazy("Ręczna kwalifikacja wniosku")})


@dataclass
class ManualQualification:
    """Whether "Zakwalifikuj kolejny wniosek" is open on one ranking list, and why not."""

    freed: int = 0
    used: int = 0
    next_application: Application | None = None
    obstacles: list[str] = field(default_factory=list)

    @property
    def available(self) -> bool:
        return not self.obstacles


def registered_non_commencements(procedure: Procedure, field_id: int, mode_id: int) -> int:
    """Non-commencements of this list made final by a skreślenie entry in the register."""
    return (
        Referral.objects.filter(
            session_id=procedure.session_id,
            voivodeship_id=procedure.voivodeship_id,
            field_id=field_id,
            mode_id=mode_id,
            status=ReferralStatus.NOT_STARTED,
            register_entries__kind=EntryKind.STRIKE_OFF,
        )
        .distinct()
        .count()
    )


def _list(procedure: Procedure, field_id: int, mode_id: int):
    return Application.objects.filter(
        session_id=procedure.session_id,
        voivodeship_id=procedure.voivodeship_id,
        field_id=field_id,
        mode_id=mode_id,
        formal_evaluation=FormalEvaluation.POSITIVE,
        ranking_position__isnull=False,
    )


def manual_qualification(procedure: Procedure, field_id: int, mode_id: int) -> ManualQualification:
    state = ManualQualification()
    if not procedure.is_closed:
        state.obstacles.append(_("Postępowanie nie zostało jeszcze zakończone."))
        return state
    state.freed = registered_non_commencements(procedure, field_id, mode_id)
    state.used = _list(procedure, field_id, mode_id).filter(qualified_manually=True).count()
    state.next_application = (
        _list(procedure, field_id, mode_id)
        .filter(qualified=False)
        .order_by("ranking_position")
        .first()
    )
    if state.freed <= state.used:
        state.obstacles.append(
            _(
                "Brak zarejestrowanego niepodjęcia szkolenia w tej dziedzinie, które nie zostało "
                "jeszcze wykorzystane do ręcznej kwalifikacji."
            )
        )
    if state.next_application is None:
        state.obstacles.append(_("Na liście rankingowej nie ma niezakwalifikowanych wniosków."))
    if slot_list_is_locked_for_next_session(procedure):
        state.obstacles.append(
            _(
                "Lista miejsc szkoleniowych na następną sesję została już zatwierdzona lub "
                "opublikowana."
            )
        )
    return state


@transaction.atomic(durable=True)
def qualify_next(procedure_id: int, field_id: int, mode_id: int, *, user, profile) -> Referral:
    """ "Zakwalifikuj kolejny wniosek": the next application on the list becomes qualified and
    gets a referral in Wersja robocza. The procedure row is locked, so two clerks (or a clerk
    and a closing) cannot use the same freed place twice."""
    from referrals.services import create_referral

    procedure = (
        Procedure.objects.select_for_update()
        .select_related("session", "voivodeship")
        .get(pk=procedure_id)
    )
    if not can_run_procedure(procedure, profile):
        raise ProcedureError(_("Nie masz uprawnień do tego postępowania."))
    state = manual_qualification(procedure, field_id, mode_id)
    if not state.available:
        raise ProcedureError(" ".join(str(o) for o in state.obstacles))
    application = Application.objects.select_for_update().get(pk=state.next_application.pk)
    application.qualified = True
    application.qualified_manually = True
    application.version += 1
    application.save(update_fields=["qualified", "qualified_manually", "version"])
    referral = create_referral(
        application, action="referral.created_manually", user=user, profile=profile
    )
    log_event(
        application,
        "application.qualified_manually",
        user=user,
        profile=profile,
        data={"ranking_position": application.ranking_position, "referral": referral.number},
    )
    return referral
