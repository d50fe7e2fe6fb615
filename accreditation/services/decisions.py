"""The accrediting body's decisions on a submitted request: "Udziel akredytacji" (the places
granted, perhaps fewer than asked, valid from / to, the decision's number), "Odmów" (with a
reason), "Wezwij do uzupełnienia" (what is missing, by a deadline). The unit is told each by
e-mail, from the outbox, after the decision commits.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accreditation import notifications
from accreditation.models import InternshipAccreditation, RequestKind
from accreditation.services.common import AccreditationError, check_open, log, save_version, text
from accreditation.services.requests import lock_request
from reference.models import Accreditation
from smk.audit import register_actions

register_actions(
    {
        "accreditation_request.granted": gettext_lazy("Udzielenie akredytacji"),
        "accreditation_request.refused": gettext_lazy("Odmowa udzielenia akredytacji"),
        "accreditation_request.asked_to_complete": gettext_lazy("Wezwanie do uzupełnienia wniosku"),
        "accreditation.granted": gettext_lazy("Udzielenie akredytacji"),
    }
)


def _grant_errors(request, *, places, valid_from, valid_to, decision_number) -> dict:
    errors = {}
    if not decision_number:
        errors["decision_number"] = _("Podaj numer decyzji.")
    if places is None or places < 1:
        errors["places"] = _("Podaj liczbę miejsc (co najmniej 1).")
    elif places > request.places_requested:
        errors["places"] = _(
            "Można udzielić najwyżej tylu miejsc, o ile wnioskuje jednostka (%(n)d)."
        ) % {"n": request.places_requested}
    if valid_from is None:
        errors["valid_from"] = _("Podaj początek ważności akredytacji.")
    if valid_to is None:
        errors["valid_to"] = _("Podaj koniec ważności akredytacji.")
    elif valid_from is not None and valid_to < valid_from:
        errors["valid_to"] = _("Koniec ważności nie może poprzedzać jej początku.")
    elif valid_to < timezone.localdate():
        errors["valid_to"] = _("Koniec ważności nie może być datą przeszłą.")
    return errors


def _new_accreditation(request, **values):
    if request.kind == RequestKind.INTERNSHIP:
        return InternshipAccreditation(unit=request.unit, internship=request.internship, **values)
    return Accreditation(unit=request.unit, field=request.field, **values)


@transaction.atomic(durable=True)
def grant(
    pk: int, *, version: int, places: int, valid_from, valid_to, decision_number: str, user, profile
):
    """ "Udziel akredytacji": a new accreditation in force, with the places granted. Its
    places count at once (``.active()``): the unit chooser and the counters offer them."""
    request = lock_request(pk, version)
    check_open(request, "grant", profile)
    decision_number = (decision_number or "").strip()
    errors = _grant_errors(
        request,
        places=places,
        valid_from=valid_from,
        valid_to=valid_to,
        decision_number=decision_number,
    )
    if errors:
        raise AccreditationError(field_errors=errors)
    accreditation = _new_accreditation(
        request, number=decision_number, valid_from=valid_from, valid_to=valid_to, places=places
    )
    try:
        accreditation.full_clean()
    except ValidationError as error:
        raise AccreditationError(" ".join(error.messages)) from None
    accreditation.save()
    old_status = request.status
    request.grant()
    if request.kind == RequestKind.INTERNSHIP:
        request.internship_accreditation = accreditation
    else:
        request.accreditation = accreditation
    request.decision_number = decision_number
    request.decided_at, request.decided_by = timezone.now(), user
    save_version(
        request,
        [
            "status",
            "accreditation",
            "internship_accreditation",
            "decision_number",
            "decided_at",
            "decided_by",
        ],
    )
    granted = {
        "places": places,
        "places_requested": request.places_requested,
        "valid_from": text(valid_from),
        "valid_to": text(valid_to),
        "decision_number": decision_number,
    }
    event = log(
        request,
        "accreditation_request.granted",
        old_status,
        user=user,
        profile=profile,
        data=granted,
    )
    log(
        accreditation,
        "accreditation.granted",
        "",
        user=user,
        profile=profile,
        data={"request": request.number, **granted},
    )
    notifications.tell_unit_of_decision(request, event)
    return accreditation


@transaction.atomic(durable=True)
def refuse(pk: int, *, version: int, reason: str, decision_number: str = "", user, profile):
    """ "Odmów": with a reason (and the decision's number, when it has one)."""
    request = lock_request(pk, version)
    check_open(request, "refuse", profile)
    reason = (reason or "").strip()
    if not reason:
        raise AccreditationError(field_errors={"reason": _("Podaj uzasadnienie odmowy.")})
    old_status = request.status
    request.refuse()
    request.refusal_reason = reason
    request.decision_number = (decision_number or "").strip()
    request.decided_at, request.decided_by = timezone.now(), user
    save_version(
        request, ["status", "refusal_reason", "decision_number", "decided_at", "decided_by"]
    )
    event = log(
        request,
        "accreditation_request.refused",
        old_status,
        user=user,
        profile=profile,
        data={"reason": reason, "decision_number": request.decision_number or "—"},
    )
    notifications.tell_unit_of_decision(request, event)
    return request


@transaction.atomic(durable=True)
def ask_to_complete(pk: int, *, version: int, note: str, deadline, user, profile):
    """ "Wezwij do uzupełnienia": back to the unit with what is missing and a deadline; the
    unit edits and submits it again (until then the body cannot refuse it)."""
    request = lock_request(pk, version)
    check_open(request, "ask_to_complete", profile)
    note = (note or "").strip()
    errors = {}
    if not note:
        errors["note"] = _("Napisz, co jednostka ma uzupełnić.")
    if deadline is None:
        errors["deadline"] = _("Podaj termin uzupełnienia.")
    elif deadline <= timezone.localdate():
        errors["deadline"] = _("Termin uzupełnienia musi przypadać po dniu dzisiejszym.")
    if errors:
        raise AccreditationError(field_errors=errors)
    old_status = request.status
    request.ask_to_complete()
    request.completion_note, request.completion_deadline = note, deadline
    save_version(request, ["status", "completion_note", "completion_deadline"])
    event = log(
        request,
        "accreditation_request.asked_to_complete",
        old_status,
        user=user,
        profile=profile,
        data={"note": note, "deadline": text(deadline)},
    )
    notifications.tell_unit_of_decision(request, event)
    return request
