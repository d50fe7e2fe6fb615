"""What the EKS's screens share: the card and the entry reached through the scope, the card's
page with what the acting profile may do on it, and how a refused action is told."""

from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django_fsm import ConcurrentTransition, has_transition_perm

from accounts.models import VOIVODESHIP_ROLES, Role
from eks import services
from eks.models import Card, Entry, is_kierownik_of, is_office_of, is_trainee_of
from eks.services.appointments import is_unit_staff_of
from eks.statuses import EntryStatus
from smk.scoping import get_scoped_object_or_404

#: Who opens a card at all (each sees the cards of their scope, a kierownik their trainees').
READERS = (
    Role.APPLICANT,
    Role.KIEROWNIK,
    Role.UNIT_STAFF,
    Role.UW,
    Role.WOJEWODA,
    Role.ADMINISTRATOR,
)
OFFICE = tuple(VOIVODESHIP_ROLES)

#: The card's transitions, by method name: the page where each is done.
CARD_ACTIONS = {
    "confirm_completion": "eks:complete",
    "verify": "eks:verify",
    "return_for_correction": "eks:return",
}


def cards():
    return Card.objects.select_related(
        "referral__application", "referral__voivodeship", "programme", "unit", "field", "mode"
    )


def get_card(request, pk) -> Card:
    return get_scoped_object_or_404(cards(), request, pk=pk)


def get_entry(request, pk) -> Entry:
    """The entry, and its card with what the permissions read (both through the scope)."""
    entry = get_scoped_object_or_404(Entry.objects.select_related("element"), request, pk=pk)
    entry.card = get_card(request, entry.card_id)
    return entry


def back_to(card):
    return redirect("eks:card_detail", pk=card.pk)


def refused(request, card, error):
    """An action the service refused: a stale page or a rule, told as a message."""
    messages.error(request, str(error))
    return back_to(card)


#: A page older than what it acts on.
STALE = (services.StaleEKS, ConcurrentTransition)


def run_form(request, form, card, action, success):
    """A valid posted ``form`` runs ``action()`` (the service): then ``success`` (a message, or
    a callable making one of the action's result) and the way back to the card. A stale page
    is told as a message; the service's other refusals go next to the form's fields. None:
    show the form (again)."""
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        result = action()
    except STALE:
        return refused(request, card, services.STALE_MESSAGE)
    except services.EKSError as error:
        put_errors(form, error)
        return None
    messages.success(request, str(success(result) if callable(success) else success))
    return back_to(card)


def put_errors(form, error: services.EKSError) -> None:
    """The service's messages next to the form's fields (or above the form)."""
    if not error.field_errors:
        form.add_error(None, str(error))
    for name, message in error.field_errors.items():
        form.add_error(name if name in form.fields else None, message)


def entry_actions(entry, profile) -> dict:
    """What the acting profile may do with one entry (the page offers only these)."""
    return {
        "correct": has_transition_perm(entry.correct, profile),
        "delete": entry.status == EntryStatus.ENTERED
        and has_transition_perm(entry.correct, profile),
        "reject": has_transition_perm(entry.reject, profile),
    }


def card_page(request, card) -> dict:
    """The card's page: data, programme and progress, entries, plan, the kierownik, and the
    buttons of what this profile may do (from the state machines, so the page never offers
    what the services would refuse)."""
    profile = request.profile
    progress = card.progress
    trainee = is_trainee_of(card, profile)
    kierownik = is_kierownik_of(card, profile)
    entries = [e for element in progress.elements for e in element.entries]
    entries.sort(key=lambda e: (e.date_from, e.pk))
    rows = [{"entry": e, **entry_actions(e, profile)} for e in entries]
    to_submit = [e for e in entries if trainee and has_transition_perm(e.submit, profile)]
    to_confirm = [e for e in entries if kierownik and has_transition_perm(e.confirm, profile)]
    transitions = sorted(card.get_available_user_status_transitions(profile), key=lambda t: t.name)
    plan_years = {}
    for element in progress.elements:
        if element.planned_year:
            plan_years.setdefault(element.planned_year, []).append(element)
    years = [
        {
            "year": year,
            "starts": card.year_starts(year),
            "elements": plan_years.get(year, []),
        }
        for year in range(1, card.programme.duration_years + 1)
    ]
    return {
        "card": card,
        "progress": progress,
        "rows": rows,
        "to_submit": to_submit,
        "to_confirm": to_confirm,
        "is_trainee": trainee,
        "is_kierownik": kierownik,
        "is_unit_staff": is_unit_staff_of(card, profile),
        "is_office": is_office_of(card, profile),
        "can_enter": trainee and card.is_open,
        "can_plan": kierownik and card.is_open,
        "can_appoint": is_unit_staff_of(card, profile) and not card.status_is_final,
        "card_actions": [
            {"label": t.custom["label"], "url_name": CARD_ACTIONS[t.name], "name": t.name}
            for t in transitions
            if t.name in CARD_ACTIONS
        ],
        "years": years,
        "appointments": list(
            card.appointments.select_related("kierownik__user").order_by("since", "pk")
        ),
        "submit_form_entries": to_submit,
        "waiting": progress.counts.get(EntryStatus.SUBMITTED, 0),
        "refused_message": _(
            "Nie wszystkie elementy programu są potwierdzone albo wpisy czekają na decyzję."
        ),
    }
