"""The accrediting body's later decisions on a granted accreditation: "Zmień liczbę miejsc",
"Zawieś", "Uchyl zawieszenie", "Cofnij akredytację".

A change of a field's accreditation takes the row lock of :mod:`referrals.places` — the one
an assignment takes before it takes a place — so a change and the assignments in flight
queue up, and each sees what the others did. The places are never reduced below those held,
and the refusal names the referrals that hold them. A suspension or a withdrawal (from a day,
with a reason) stops new assignments from that day; the referrals already made keep their
places, and the office of the unit's voivodeship is told by e-mail.
"""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accreditation import notifications
from accreditation.services.common import (
    AccreditationError,
    check_open,
    check_version,
    log,
    save_version,
    text,
)
from reference.models import Accreditation
from referrals import places as place_accounting
from smk.audit import register_actions

register_actions(
    {
        "accreditation.places_changed": gettext_lazy("Zmiana liczby miejsc szkoleniowych"),
        "accreditation.suspended": gettext_lazy("Zawieszenie akredytacji"),
        "accreditation.resumed": gettext_lazy("Uchylenie zawieszenia akredytacji"),
        "accreditation.withdrawn": gettext_lazy("Cofnięcie akredytacji"),
    }
)


def lock(model, pk: int, version: int | None = None):
    """The accreditation, locked until the transaction ends; a field's accreditation through
    :func:`referrals.places.lock_accreditation`, as every assignment locks it."""
    if model is Accreditation:
        accreditation = place_accounting.lock_accreditation(pk)
    else:
        accreditation = model.objects.select_for_update().get(pk=pk)
    check_version(accreditation, version)
    return accreditation


def holding(accreditation) -> tuple[list[str], int]:
    """Who holds the accreditation's places: the referrals' numbers, and how many trainees
    the unit loaded. An internship's places are held by nothing the system counts."""
    if not isinstance(accreditation, Accreditation):
        return [], 0
    numbers = list(
        place_accounting.holders(accreditation).order_by("number").values_list("number", flat=True)
    )
    return numbers, place_accounting.trainees_holding(accreditation).count()


def holders_text(numbers: list[str], trainees: int) -> str:
    parts = []
    if numbers:
        parts.append(_("skierowania %(numbers)s") % {"numbers": ", ".join(numbers)})
    if trainees:
        parts.append(
            _("osoby w trakcie szkolenia wprowadzone przez jednostkę: %(n)d") % {"n": trainees}
        )
    return "; ".join(parts) or "—"


def _require_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise AccreditationError(field_errors={"reason": _("Podaj uzasadnienie decyzji.")})
    return reason


@transaction.atomic(durable=True)
def change_places(model, pk: int, *, version: int, places: int, reason: str, user, profile):
    """ "Zmień liczbę miejsc": more, or fewer but never below the places held."""
    accreditation = lock(model, pk, version)
    check_open(accreditation, "change_places", profile)
    reason = _require_reason(reason)
    if places is None or places < 0:
        raise AccreditationError(field_errors={"places": _("Podaj liczbę miejsc.")})
    if places == accreditation.places:
        raise AccreditationError(
            field_errors={"places": _("Akredytacja ma już tyle miejsc — nic nie zmieniono.")}
        )
    numbers, trainees = holding(accreditation)
    held = len(numbers) + trainees
    if places < held:
        raise AccreditationError(
            field_errors={
                "places": _(
                    "Nie można zmniejszyć liczby miejsc poniżej zajętych (%(held)d). "
                    "Miejsca zajmują: %(holders)s."
                )
                % {"held": held, "holders": holders_text(numbers, trainees)}
            }
        )
    old = accreditation.places
    accreditation.change_places()
    accreditation.places = places
    save_version(accreditation, ["places"])
    log(
        accreditation,
        "accreditation.places_changed",
        accreditation.status,
        user=user,
        profile=profile,
        data={"places": [old, places], "held": held, "reason": reason},
    )
    return accreditation


def _stop_errors(accreditation, from_day) -> dict:
    if from_day is None:
        return {"from_day": _("Podaj datę, od której decyzja obowiązuje.")}
    if from_day < timezone.localdate():
        return {"from_day": _("Data nie może być przeszła.")}
    if accreditation.valid_to is not None and from_day > accreditation.valid_to:
        return {"from_day": _("Akredytacja wygasa wcześniej — podaj datę przed jej końcem.")}
    return {}


#: The two decisions that stop new assignments from a day: transition, the fields of its day
#: and reason, the history's action.
STOPS = {
    "suspend": ("suspended_from", "suspension_reason", "accreditation.suspended"),
    "withdraw": ("withdrawn_from", "withdrawal_reason", "accreditation.withdrawn"),
}


def _stop(transition, model, pk, *, version, from_day, reason, user, profile):
    """Suspend or withdraw from ``from_day``: record why, name who keeps their places, tell
    the unit and the office."""
    day_field, reason_field, action = STOPS[transition]
    accreditation = lock(model, pk, version)
    check_open(accreditation, transition, profile)
    reason = _require_reason(reason)
    if errors := _stop_errors(accreditation, from_day):
        raise AccreditationError(field_errors=errors)
    old_status = accreditation.status
    getattr(accreditation, transition)()
    setattr(accreditation, day_field, from_day)
    setattr(accreditation, reason_field, reason)
    save_version(accreditation, ["status", day_field, reason_field])
    numbers, trainees = holding(accreditation)
    event = log(
        accreditation,
        action,
        old_status,
        user=user,
        profile=profile,
        data={
            "from_day": text(from_day),
            "reason": reason,
            "kept_by": holders_text(numbers, trainees),
        },
    )
    notifications.tell_office_of_stop(accreditation, event)
    return accreditation


@transaction.atomic(durable=True)
def suspend(model, pk: int, *, version: int, from_day, reason: str, user, profile):
    """ "Zawieś": from ``from_day`` no new assignments (the referrals made keep their places)."""
    return _stop(
        "suspend",
        model,
        pk,
        version=version,
        from_day=from_day,
        reason=reason,
        user=user,
        profile=profile,
    )


@transaction.atomic(durable=True)
def resume(model, pk: int, *, version: int, reason: str, user, profile):
    """ "Uchyl zawieszenie": in force again from today."""
    accreditation = lock(model, pk, version)
    check_open(accreditation, "resume", profile)
    reason = _require_reason(reason)
    old_status, suspended_from = accreditation.status, accreditation.suspended_from
    accreditation.resume()
    accreditation.suspended_from, accreditation.suspension_reason = None, ""
    save_version(accreditation, ["status", "suspended_from", "suspension_reason"])
    log(
        accreditation,
        "accreditation.resumed",
        old_status,
        user=user,
        profile=profile,
        data={"suspended_from": text(suspended_from), "reason": reason},
    )
    return accreditation


@transaction.atomic(durable=True)
def withdraw(model, pk: int, *, version: int, from_day, reason: str, user, profile):
    """ "Cofnij akredytację": final; from ``from_day`` no new assignments (the referrals made
    keep their places)."""
    return _stop(
        "withdraw",
        model,
        pk,
        version=version,
        from_day=from_day,
        reason=reason,
        user=user,
        profile=profile,
    )
