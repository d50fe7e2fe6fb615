"""What the form page shows: the referral as saved or as the clerk has chosen it, and the
buttons, exactly the transitions django-fsm opens to the active profile."""

import copy

from django.core.exceptions import ObjectDoesNotExist
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from reference.models import Accreditation, TrainingUnit
from referrals import places, planned_dates, services
from referrals.forms import EDITABLE_FIELDS, REASON_FIELD, ReferralForm
from referrals.models import ReferralStatus
from referrals.pdf import is_issued_document
from referrals.views.form.common import (
    differing,
    form_url,
    list_url,
    pending_query,
    saved_values,
)
from registry.models import EKS, EntryKind
from smk.scoping import scoped
from training.queries import start_days

#: The office's buttons: those taking the form's unit, programme and dates ...
EDITING_ACTIONS = ("save_draft", "assign", "send")
#: ... those acting at once ...
DIRECT_ACTIONS = ("withdraw",)
#: ... and those that first ask for more: the decision section, the confirmation.
STEP_VIEWS = {
    "not_started": "referrals:referral_not_started",
    "strike_off": "referrals:referral_strike_off",
}
OFFICE_ACTIONS = (*EDITING_ACTIONS, *DIRECT_ACTIONS, *STEP_VIEWS)

BUTTON_STYLES = {
    "save_draft": "button--secondary",
    "withdraw": "button--secondary",
    "not_started": "button--danger",
    "strike_off": "button--danger",
}


def referral_form_of(request, referral, **kwargs) -> ReferralForm:
    units = scoped(TrainingUnit, request).filter(voivodeship_id=referral.voivodeship_id)
    window = planned_dates.start_window(referral.session)
    return ReferralForm(units=units, start_window=window, **kwargs)


def chosen_values(referral, form) -> dict:
    """What the form shows: the saved values, replaced by those the form carried validly."""
    chosen = saved_values(referral)
    if form.is_bound:
        for name in form.carried():
            if name in form.cleaned_data:
                chosen[name] = form.cleaned_data[name]
    return chosen


def add_refusal(form, error: services.ReferralError) -> None:
    for name, message in error.field_errors.items():
        form.add_error(name if name in form.fields else None, message)


def offered_actions(referral, profile, chosen: dict | None = None) -> list[dict]:
    """The buttons: the transitions open to ``profile``, judged on the data the form shows.

    A unit or programme chosen but not saved yet counts (the services save the form's data
    with the action), so a chosen unit offers "Przydziel" at once.
    """
    candidate = referral
    if chosen is not None and differing(referral, chosen):
        candidate = copy.copy(referral)
        for name in EDITABLE_FIELDS:
            setattr(candidate, name, chosen[name])
    transitions = sorted(
        candidate.get_available_user_status_transitions(profile),
        key=lambda t: t.custom.get("order", 0),
    )
    actions = []
    for transition in transitions:
        action = transition.custom.get("action")
        if action not in OFFICE_ACTIONS:
            continue
        if action == "send" and candidate.unit_id != referral.unit_id:
            continue  # a newly chosen unit must be assigned ("Przydziel") before sending
        actions.append(
            {
                "action": action,
                "label": transition.custom["label"],
                "style": BUTTON_STYLES.get(action, ""),
            }
        )
    return actions


def _replacement(referral):
    try:
        return referral.replaced_by
    except ObjectDoesNotExist:
        return None


#: At most this many of the unit's starts are named in the warning.
LISTED_STARTS = 5


def schedule_hint(referral, unit, chosen: dict, pending: dict) -> dict | None:
    """A planned start on a day the unit's schedule does not start training in the field: the
    warning shown next to the date (not a refusal), and the link that sets the unit's next
    start in the session's window instead."""
    start, programme = chosen["planned_start"], chosen["programme"]
    schedule = start_days(unit.pk, referral.field_id) if unit is not None and start else []
    if not planned_dates.off_schedule(start, schedule):
        return None
    window = planned_dates.start_window(referral.session)
    in_window = [day for day in schedule if day in window]
    day = planned_dates.day_text
    if in_window:
        text = _(
            "Jednostka nie rozpoczyna szkolenia w tej dziedzinie %(day)s. Terminy z jej "
            "harmonogramu rozpoczęć w oknie sesji: %(days)s."
        ) % {"day": day(start), "days": ", ".join(day(d) for d in in_window[:LISTED_STARTS])}
    else:
        text = _(
            "Harmonogram rozpoczęć jednostki nie ma w tej dziedzinie terminu między %(earliest)s "
            "a %(latest)s — uzgodnij datę rozpoczęcia z jednostką."
        ) % {"earliest": day(window.earliest), "latest": day(window.latest)}
    hint = {"text": text, "url": "", "next": None}
    next_start = planned_dates.next_scheduled_start(referral.session, schedule)
    if next_start is not None and programme is not None:
        end = programme.planned_end_from(next_start)
        hint |= {
            "next": next_start,
            "url": form_url(
                referral,
                {
                    **pending,
                    "planned_start": next_start.isoformat(),
                    "planned_end": end.isoformat(),
                },
            ),
        }
    return hint


def _error_summary(form, anchors: dict[str, str]) -> list[tuple[str, str]]:
    summary = []
    if form is None:
        return summary
    for name, errors in form.errors.items():
        field = form.fields.get(name)
        for error in errors:
            text = f"{field.label}: {error}" if field is not None and field.label else error
            summary.append((anchors.get(name, ""), text))
    return summary


def render_form(request, referral, *, form=None, chosen=None, decision_form=None, status=200):
    """The form page; with ``decision_form`` the "Decyzja" section is open for editing."""
    decision_mode = decision_form is not None
    if form is None:
        form = referral_form_of(
            request,
            referral,
            initial={
                "version": referral.version,
                **saved_values(referral),
                REASON_FIELD: referral.planned_end_reason,
            },
        )
    chosen = chosen if chosen is not None else saved_values(referral)
    editable = referral.can_edit_unit_and_programme and not decision_mode
    actions = [] if decision_mode else offered_actions(referral, request.profile, chosen)
    pending = differing(referral, chosen) if editable else {}
    unit, programme = chosen["unit"], chosen["programme"]
    accreditation = (
        places.with_free_places(Accreditation.objects.active())
        .filter(unit=unit, field_id=referral.field_id)
        .first()
        if unit is not None
        else None
    )
    dates_editable = editable and programme is not None
    anchors = {
        "unit": "unit-section",
        "programme": "programme-section",
        "planned_start": "id_planned_start" if dates_editable else "programme-section",
        "planned_end": "id_planned_end" if dates_editable else "programme-section",
        REASON_FIELD: "id_planned_end_reason" if dates_editable else "programme-section",
        "justification": "id_justification",
        "attachment": "id_attachment",
    }
    query = pending_query(pending)
    entries = referral.register_entries_by_kind
    context = {
        "referral": referral,
        "application": referral.application,
        "form": form,
        "decision_form": decision_form,
        "decision_mode": decision_mode,
        "editable": editable,
        "dates_editable": dates_editable,
        # Asked for only when the end is not the programme's (or the clerk was told to).
        "reason_shown": dates_editable
        and (
            planned_dates.end_differs(programme, chosen["planned_start"], chosen["planned_end"])
            or bool(form[REASON_FIELD].errors)
        ),
        "main_form": not decision_mode and (editable or actions),
        "actions": actions,
        "strike_off_offered": any(a["action"] == "strike_off" for a in actions),
        "unit": unit,
        "accreditation": accreditation,
        "programme": programme,
        "planned_start": chosen["planned_start"],
        "planned_end": chosen["planned_end"],
        "pending": pending,
        "choose_unit_url": reverse("referrals:referral_choose_unit", args=[referral.pk])
        + (f"?{query}" if query else ""),
        "choose_programme_url": reverse("referrals:referral_choose_programme", args=[referral.pk])
        + (f"?{query}" if query else ""),
        "error_summary": _error_summary(decision_form if decision_mode else form, anchors),
        "list_url": list_url(request),
        "pdf_available": is_issued_document(referral),
        "strike_off_entry": entries.get(EntryKind.STRIKE_OFF),
        "start_entry": entries.get(EntryKind.START),
        "eks": EKS.objects.filter(referral=referral).first()
        if referral.status == ReferralStatus.STARTED
        else None,
        "replacement": _replacement(referral),
        "schedule_hint": schedule_hint(referral, unit, chosen, pending) if dates_editable else None,
    }
    return render(request, "referrals/form/referral_form.html", context, status=status)
