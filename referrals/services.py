"""Every action on a referral (SPEC §4): one function, one transaction.

Each function locks the referral row, refuses a form posted from an older version, checks the
transition is open to this profile (django-fsm conditions and permission), applies the form's
data, takes or releases the training place, writes register entries / EKS / a new referral
where due, and one history event. Nothing is half-done: any error rolls everything back.

One module past 400 lines on purpose: every action shares the lock, the stale-form check,
the place accounting and the history written above; split, an action would be read apart
from the rules it must keep.
"""

import datetime
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_fsm import has_transition_perm

from reference.models import Accreditation, Programme, TrainingUnit
from referrals import planned_dates
from referrals.models import DecidedBy, DecisionKind, Referral, ReferralStatus, copies_of
from referrals.places import NoFreePlace, ensure_free_place
from referrals.signals import referral_event
from registry import services as registry
from smk.audit import log_event, register_actions
from smk.numbering import next_number

STALE_MESSAGE = gettext_lazy(
    "Skierowanie zostało zmienione przez innego użytkownika — odśwież i spróbuj ponownie"
)

register_actions(
    {
        "referral.created": gettext_lazy("Utworzenie skierowania (wersja robocza)"),
        "referral.saved": gettext_lazy("Zapisanie wersji roboczej"),
        "referral.assigned": gettext_lazy("Przydzielenie skierowania"),
        "referral.sent": gettext_lazy("Wysłanie skierowania do jednostki"),
        "referral.withdrawn": gettext_lazy("Wycofanie skierowania"),
        "referral.not_started": gettext_lazy("Niepodjęcie szkolenia (Urząd Wojewódzki)"),
        "referral.struck_off": gettext_lazy("Wpis do rejestru — skreślenie"),
        "referral.accepted": gettext_lazy("Akceptacja skierowania przez jednostkę"),
        "referral.rejected": gettext_lazy("Odrzucenie skierowania przez jednostkę"),
        "referral.unit_not_started": gettext_lazy("Niepodjęcie szkolenia (jednostka szkoleniowa)"),
        "referral.created_after_rejection": gettext_lazy(
            "Utworzenie skierowania po odrzuceniu poprzedniego"
        ),
        "referral.created_manually": gettext_lazy(
            "Utworzenie skierowania po ręcznej kwalifikacji wniosku"
        ),
        "referral.copies_updated": gettext_lazy(
            "Aktualizacja danych wniosku w skierowaniu (korekta wniosku)"
        ),
    }
)


class ReferralError(Exception):
    """An action refused. ``field_errors`` maps form fields to messages shown next to them."""

    def __init__(self, message: str = "", field_errors: dict[str, str] | None = None):
        self.field_errors = field_errors or {}
        super().__init__(message or " ".join(str(m) for m in self.field_errors.values()))


class StaleReferral(ReferralError):
    def __init__(self):
        super().__init__(str(STALE_MESSAGE))


@dataclass
class Changes:
    """The editable part of the form: unit, programme and planned dates, and the reason for
    an end other than the programme's."""

    unit: TrainingUnit | None = None
    programme: Programme | None = None
    planned_start: datetime.date | None = None
    planned_end: datetime.date | None = None
    planned_end_reason: str = ""
    fields: set[str] = field(default_factory=set)  # which of them the form carried

    @classmethod
    def of(cls, referral: Referral) -> "Changes":
        return cls(
            referral.unit,
            referral.programme,
            referral.planned_start,
            referral.planned_end,
            referral.planned_end_reason,
            fields=set(),
        )


def _lock(referral_id: int, version: int | None) -> Referral:
    referral = (
        Referral.objects.select_for_update(of=("self",))
        .select_related(
            "voivodeship", "session", "application", "unit", "programme", "field", "mode"
        )
        .get(pk=referral_id)
    )
    if version is not None and referral.version != version:
        raise StaleReferral
    return referral


def _check_open(referral: Referral, method_name: str, profile) -> None:
    method = getattr(referral, method_name)
    if not has_transition_perm(method, profile):
        raise ReferralError(
            _("Tej czynności nie można wykonać dla skierowania w statusie „%(status)s”.")
            % {"status": referral.get_status_display()}
        )


def active_accreditation(unit_id: int, field_id: int) -> Accreditation | None:
    return Accreditation.objects.active().filter(unit_id=unit_id, field_id=field_id).first()


#: What the planned dates' rules (:func:`planned_dates.errors`) read of a referral.
DATES_RULES_READ = ("programme", "planned_start", "planned_end", "planned_end_reason")


def validate_changes(referral: Referral, changes: Changes) -> None:
    """Refuse values the screens would never offer (tampered forms) and bad dates."""
    errors = {}
    if changes.unit is not None and (
        changes.unit.voivodeship_id != referral.voivodeship_id
        or active_accreditation(changes.unit.pk, referral.field_id) is None
    ):
        errors["unit"] = _(
            "Wybierz jednostkę z aktywną akredytacją w dziedzinie skierowania w tym województwie."
        )
    if changes.programme is not None and (
        changes.programme.field_id != referral.field_id
        or changes.programme.mode_id != referral.mode_id
        or not changes.programme.is_in_force()
    ):
        errors["programme"] = _("Wybierz program obowiązujący dla dziedziny i trybu skierowania.")
    if (changes.planned_start or changes.planned_end) and changes.programme is None:
        errors["planned_start"] = _("Planowane daty można wprowadzić po wybraniu programu.")
    elif changes.fields.intersection(DATES_RULES_READ):
        # The dates as they would be saved: a field the form did not carry keeps its value.
        errors |= planned_dates.errors(
            referral.session,
            **{
                name: getattr(changes if name in changes.fields else referral, name)
                for name in DATES_RULES_READ
            },
        )
    if errors:
        raise ReferralError(field_errors=errors)


def _planned_dates_errors(referral: Referral) -> dict[str, str]:
    """:func:`planned_dates.errors` of the dates saved on ``referral``."""
    return planned_dates.errors(
        referral.session, **{name: getattr(referral, name) for name in DATES_RULES_READ}
    )


def _apply(referral: Referral, changes: Changes | None) -> dict:
    """Put the form's unit, programme and dates on the referral; return what changed."""
    if changes is None or not changes.fields:
        return {}
    if not referral.can_edit_unit_and_programme:
        raise ReferralError(
            _(
                "Jednostkę i program można zmieniać tylko w statusie Wersja robocza "
                "lub Przydzielone."
            )
        )
    validate_changes(referral, changes)
    changed = {}
    for name in ("unit", "programme", "planned_start", "planned_end"):
        if name not in changes.fields:
            continue
        old, new = getattr(referral, name), getattr(changes, name)
        if old != new:
            changed[name] = [_text(old), _text(new)]
            setattr(referral, name, new)
    # The reason goes with an end other than the programme's, and only with it.
    reason = referral.planned_end_reason
    if "planned_end_reason" in changes.fields:
        reason = (changes.planned_end_reason or "").strip()
    if not planned_dates.end_differs(
        referral.programme, referral.planned_start, referral.planned_end
    ):
        reason = ""
    if reason != referral.planned_end_reason:
        changed["planned_end_reason"] = [_text(referral.planned_end_reason), _text(reason)]
        referral.planned_end_reason = reason
    return changed


def _text(value) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, datetime.date):
        return value.strftime("%d.%m.%Y")
    return str(value)


def _save(referral: Referral) -> None:
    referral.version += 1
    referral.save()


def _log(referral, action, old_status, *, user, profile, data=None):
    event = log_event(
        referral,
        action,
        user=user,
        profile=profile,
        old_status=old_status,
        new_status=referral.status,
        data=data or {},
    )
    referral_event.send(
        sender=Referral, referral=referral, action=action, event=event, user=user, profile=profile
    )


@transaction.atomic(durable=True)
def save_draft(referral_id: int, *, version: int, changes: Changes, user, profile) -> Referral:
    """ "Zapisz wersję roboczą": keep the data; from Przydzielone the place is given back."""
    referral = _lock(referral_id, version)
    _check_open(referral, "save_draft", profile)
    old_status = referral.status
    changed = _apply(referral, changes)
    referral.save_draft()
    _save(referral)
    _log(referral, "referral.saved", old_status, user=user, profile=profile, data=changed)
    return referral


@transaction.atomic(durable=True)
def assign(referral_id: int, *, version: int, changes: Changes, user, profile) -> Referral:
    """ "Przydziel": take one place of the chosen unit (re-assigning frees the old one)."""
    referral = _lock(referral_id, version)
    old_status, old_unit_id = referral.status, referral.unit_id
    changed = _apply(referral, changes)
    if referral.unit_id is None:
        raise ReferralError(
            field_errors={"unit": _("Wybierz jednostkę szkoleniową (Wybierz jednostkę).")}
        )
    _check_open(referral, "assign", profile)
    accreditation = active_accreditation(referral.unit_id, referral.field_id)
    if accreditation is None:
        raise ReferralError(
            field_errors={"unit": _("Jednostka nie ma aktywnej akredytacji w tej dziedzinie.")}
        )
    already_holds_here = old_status == ReferralStatus.ASSIGNED and old_unit_id == referral.unit_id
    if not already_holds_here:
        try:
            # Locks the accreditation row: concurrent assignments to this unit queue here.
            ensure_free_place(accreditation)
        except NoFreePlace:
            raise ReferralError(
                field_errors={
                    "unit": _("Jednostka %(unit)s nie ma wolnych miejsc w tej dziedzinie.")
                    % {"unit": referral.unit}
                }
            ) from None
    referral.assign()
    _save(referral)
    _log(referral, "referral.assigned", old_status, user=user, profile=profile, data=changed)
    return referral


@transaction.atomic(durable=True)
def send(referral_id: int, *, version: int, changes: Changes | None, user, profile) -> Referral:
    """ "Wyślij": the unit can now see the referral (seed 000 §8 conditions)."""
    referral = _lock(referral_id, version)
    old_status, assigned_unit_id = referral.status, referral.unit_id
    changed = _apply(referral, changes)
    if referral.unit_id != assigned_unit_id:
        raise ReferralError(
            field_errors={
                "unit": _(
                    "Zmieniono jednostkę — najpierw przydziel skierowanie do nowej jednostki."
                )
            }
        )
    missing = {}
    if referral.programme_id is None:
        missing["programme"] = _("Wybierz program specjalizacji.")
    if referral.planned_start is None:
        missing["planned_start"] = _("Podaj planowaną datę rozpoczęcia szkolenia.")
    if referral.planned_end is None:
        missing["planned_end"] = _("Podaj planowaną datę zakończenia szkolenia.")
    # Also the dates saved earlier, not only those this form carried, go out by the rules.
    problems = missing or _planned_dates_errors(referral)
    if problems:
        raise ReferralError(field_errors=problems)
    _check_open(referral, "send", profile)
    if active_accreditation(referral.unit_id, referral.field_id) is None:
        raise ReferralError(_("Akredytacja wybranej jednostki w tej dziedzinie wygasła."))
    referral.send()
    referral.sent_at = timezone.now()
    _save(referral)
    _log(referral, "referral.sent", old_status, user=user, profile=profile, data=changed)
    return referral


def _decision_data(referral) -> dict:
    if not referral.decision:
        return {}
    return {
        "decision": referral.get_decision_display(),
        "decided_by": referral.get_decided_by_kind_display(),
        "justification": referral.decision_justification,
        "attachment": referral.decision_attachment.name if referral.decision_attachment else "",
        "decided_at": referral.decided_at.isoformat() if referral.decided_at else "",
    }


def _clear_decision(referral) -> None:
    referral.decision = ""
    referral.decided_by_kind = ""
    referral.decision_justification = ""
    referral.decision_attachment = ""
    referral.decided_at = None
    referral.decided_by = None


def _set_decision(referral, kind, by_kind, *, user, justification="", attachment=None):
    referral.decision = kind
    referral.decided_by_kind = by_kind
    referral.decision_justification = justification
    if attachment is not None:
        referral.decision_attachment = attachment
    referral.decided_at = timezone.now()
    referral.decided_by = user


def _require_justification(justification: str) -> str:
    justification = (justification or "").strip()
    if not justification:
        raise ReferralError(field_errors={"justification": _("Podaj uzasadnienie decyzji.")})
    return justification


@transaction.atomic(durable=True)
def withdraw(referral_id: int, *, version: int, user, profile) -> Referral:
    """ "Wycofaj": back to Wersja robocza; the place is freed, the unit's decision is kept in
    the history only."""
    referral = _lock(referral_id, version)
    _check_open(referral, "withdraw", profile)
    old_status = referral.status
    data = {"previous_decision": _decision_data(referral)} if referral.decision else {}
    referral.withdraw()
    _clear_decision(referral)
    referral.sent_at = None
    _save(referral)
    _log(referral, "referral.withdrawn", old_status, user=user, profile=profile, data=data)
    return referral


@transaction.atomic(durable=True)
def register_not_started(
    referral_id: int, *, version: int, justification: str, attachment=None, user, profile
) -> Referral:
    """The office's "Niepodjęcie szkolenia" + "Zapisz": final, with a skreślenie entry."""
    referral = _lock(referral_id, version)
    _check_open(referral, "register_not_started", profile)
    justification = _require_justification(justification)
    old_status = referral.status
    referral.register_not_started()
    _set_decision(
        referral,
        DecisionKind.NOT_STARTED,
        DecidedBy.OFFICE,
        user=user,
        justification=justification,
        attachment=attachment,
    )
    _save(referral)
    entry = registry.make_strike_off_entry(referral, user=user, reason=justification)
    _log(
        referral,
        "referral.not_started",
        old_status,
        user=user,
        profile=profile,
        data={"justification": justification, "register_entry": entry.number},
    )
    return referral


@transaction.atomic(durable=True)
def strike_off(referral_id: int, *, version: int, user, profile) -> Referral:
    """ "Wpisz do rejestru" → "Tak, wpisz do rejestru": the unit's non-commencement is final."""
    referral = _lock(referral_id, version)
    _check_open(referral, "strike_off", profile)
    old_status = referral.status
    referral.strike_off()
    _save(referral)
    entry = registry.make_strike_off_entry(
        referral, user=user, reason=referral.decision_justification
    )
    _log(
        referral,
        "referral.struck_off",
        old_status,
        user=user,
        profile=profile,
        data={"register_entry": entry.number},
    )
    return referral


@transaction.atomic(durable=True)
def accept(referral_id: int, *, version: int, user, profile) -> Referral:
    """The unit's "Akceptuj": Specjalizacja rozpoczęta, an EKS and a start entry."""
    referral = _lock(referral_id, version)
    _check_open(referral, "accept", profile)
    old_status = referral.status
    referral.accept()
    _set_decision(referral, DecisionKind.ACCEPTED, DecidedBy.UNIT, user=user)
    _save(referral)
    eks = registry.create_eks(referral)
    entry = registry.make_start_entry(referral, user=user)
    _log(
        referral,
        "referral.accepted",
        old_status,
        user=user,
        profile=profile,
        data={"eks": eks.number, "register_entry": entry.number},
    )
    return referral


@transaction.atomic(durable=True)
def reject(referral_id: int, *, version: int, justification: str, user, profile) -> Referral:
    """The unit's "Odrzuć": the place is freed and a new draft referral, with a new number,
    is created for the same applicant."""
    referral = _lock(referral_id, version)
    _check_open(referral, "reject", profile)
    justification = _require_justification(justification)
    old_status = referral.status
    referral.reject()
    _set_decision(
        referral, DecisionKind.REJECTED, DecidedBy.UNIT, user=user, justification=justification
    )
    _save(referral)
    replacement = create_referral(
        referral.application,
        replaces=referral,
        action="referral.created_after_rejection",
        user=user,
        profile=profile,
    )
    _log(
        referral,
        "referral.rejected",
        old_status,
        user=user,
        profile=profile,
        data={"justification": justification, "new_referral": replacement.number},
    )
    return referral


@transaction.atomic(durable=True)
def unit_register_not_started(
    referral_id: int, *, version: int, justification: str, attachment=None, user, profile
) -> Referral:
    """The unit's "Niepodjęcie szkolenia": no register entry; the office then registers it
    ("Wpisz do rejestru") or withdraws the referral ("Wycofaj")."""
    referral = _lock(referral_id, version)
    _check_open(referral, "unit_register_not_started", profile)
    justification = _require_justification(justification)
    old_status = referral.status
    referral.unit_register_not_started()
    _set_decision(
        referral,
        DecisionKind.NOT_STARTED,
        DecidedBy.UNIT,
        user=user,
        justification=justification,
        attachment=attachment,
    )
    _save(referral)
    _log(
        referral,
        "referral.unit_not_started",
        old_status,
        user=user,
        profile=profile,
        data={"justification": justification},
    )
    return referral


def referral_number_prefix(session, voivodeship) -> str:
    """``SK/2026/14``: referrals are numbered per session year and voivodeship."""
    return f"SK/{session.year}/{voivodeship.teryt}"


def create_referral(application, *, replaces=None, action, user, profile) -> Referral:
    """A new draft referral for ``application`` (inside the caller's transaction)."""
    referral = Referral.objects.create(
        number=next_number(referral_number_prefix(application.session, application.voivodeship)),
        application=application,
        session_id=application.session_id,
        voivodeship_id=application.voivodeship_id,
        field_id=application.field_id,
        mode_id=application.mode_id,
        **copies_of(application),
        replaces=replaces,
        created_by=user if user is not None and user.is_authenticated else None,
    )
    data = {"number": referral.number}
    if replaces is not None:
        data["replaces"] = replaces.number
    _log(referral, action, "", user=user, profile=profile, data=data)
    return referral


def update_copies_of_application(application, *, user=None, profile=None) -> list[Referral]:
    """Bring the referrals' copies of ``application``'s name and points up to date after a
    correction of the application (the administrator's edit in the admin), in the caller's
    transaction: one history event per referral naming each value before and after. Returns
    the referrals changed."""
    copies = copies_of(application)
    changed_referrals = []
    referrals = Referral.objects.select_for_update().filter(application=application)
    for referral in referrals.order_by("pk"):
        changed = {
            name: [str(getattr(referral, name)), str(value)]
            for name, value in copies.items()
            if getattr(referral, name) != value
        }
        if not changed:
            continue
        for name in changed:
            setattr(referral, name, copies[name])
        referral.save(update_fields=list(changed))
        log_event(
            referral,
            "referral.copies_updated",
            user=user,
            profile=profile,
            old_status=referral.status,
            new_status=referral.status,
            data=changed,
        )
        changed_referrals.append(referral)
    return changed_referrals


#: The service behind each transition's ``custom["action"]`` (the form's buttons).
ACTIONS = {
    "save_draft": save_draft,
    "assign": assign,
    "send": send,
    "withdraw": withdraw,
    "not_started": register_not_started,
    "strike_off": strike_off,
    "accept": accept,
    "reject": reject,
    "unit_not_started": unit_register_not_started,
}
