"""Formularz skierowania: the page's view and its buttons, each handed to its function of
:mod:`referrals.services`; the office's non-commencement decision and the register entry."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods
from django_fsm import ConcurrentTransition, TransitionNotAllowed

from accounts.permissions import role_required
from referrals import services
from referrals.forms import REASON_FIELD, NotStartedForm
from referrals.models import Referral
from referrals.views.form.common import (
    OFFICE_ROLES,
    get_referral,
    pending_from_query,
    refuse,
    saved_raw,
)
from referrals.views.form.page import (
    DIRECT_ACTIONS,
    EDITING_ACTIONS,
    STEP_VIEWS,
    add_refusal,
    chosen_values,
    offered_actions,
    referral_form_of,
    render_form,
)

SUCCESS_MESSAGES = {
    "save_draft": gettext_lazy("Wersja robocza skierowania została zapisana."),
    "assign": gettext_lazy("Skierowanie zostało przydzielone."),
    "send": gettext_lazy("Skierowanie zostało wysłane do jednostki szkoleniowej."),
    "withdraw": gettext_lazy("Skierowanie zostało wycofane i wróciło do wersji roboczej."),
    "not_started": gettext_lazy(
        "Wprowadzono informację o niepodjęciu szkolenia; dokonano wpisu w rejestrze o skreśleniu."
    ),
    "strike_off": gettext_lazy("Dokonano wpisu w rejestrze o skreśleniu."),
}


def _action_labels() -> dict[str, str]:
    field = Referral._meta.get_field("status")
    return {t.custom["action"]: t.custom["label"] for t in field.get_all_transitions(Referral)}


def _open_in_status(referral, profile, action: str) -> bool:
    """The action's transition leaves the current status and is this profile's to make;
    its conditions (a unit chosen, data complete) are the service's to report per field."""
    return any(
        transition.custom.get("action") == action
        and transition.source in (referral.status, "*", "+")
        and transition.has_perm(referral, profile)
        for transition in referral.get_all_status_transitions()
    )


def _offers(referral, profile, action: str) -> bool:
    return any(offered["action"] == action for offered in offered_actions(referral, profile))


# ---- Formularz skierowania ------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@role_required(*OFFICE_ROLES)
def referral_form(request, pk):
    referral = get_referral(request, pk)
    if request.method == "POST":
        return _run_action(request, referral)
    pending = pending_from_query(request)
    if not pending or not referral.can_edit_unit_and_programme:
        return render_form(request, referral)
    # Back from "Wybierz jednostkę" / "Wybierz program": show the choice, not saved yet, and
    # check it by the rules the service will apply, so a tampered link says what is wrong.
    data = {
        "version": referral.version,
        **saved_raw(referral),
        REASON_FIELD: referral.planned_end_reason,
        **pending,
    }
    form = referral_form_of(request, referral, data=data)
    if form.is_valid():
        chosen = chosen_values(referral, form)
        try:
            # The service's own rules (it applies them again under the lock when saving).
            services.validate_changes(referral, form.changes())
        except services.ReferralError as error:
            add_refusal(form, error)
    else:
        chosen = chosen_values(referral, form)
    return render_form(request, referral, form=form, chosen=chosen)


def _run_action(request, referral):
    action = request.POST.get("action", "")
    if action in STEP_VIEWS:
        return redirect(STEP_VIEWS[action], pk=referral.pk)
    if action not in (*EDITING_ACTIONS, *DIRECT_ACTIONS) or not _open_in_status(
        referral, request.profile, action
    ):
        return refuse(request, referral)
    form = referral_form_of(request, referral, data=request.POST)
    valid = form.is_valid()
    chosen = chosen_values(referral, form)

    def again():
        return render_form(request, referral, form=form, chosen=chosen)

    if not valid:
        messages.error(request, _fix_fields_message(action))
        return again()
    kwargs = {"version": form.cleaned_data["version"]}
    if action in EDITING_ACTIONS:
        kwargs["changes"] = form.changes()
    return _perform(request, referral, action, kwargs, form=form, again=again)


def _fix_fields_message(action: str) -> str:
    return _("Nie wykonano czynności „%(action)s”: popraw pola oznaczone w formularzu.") % {
        "action": _action_labels().get(action, action)
    }


def _perform(request, referral, action, kwargs, *, form=None, again=None):
    """Call the action's service. Success: the message and back to the form (PRG). A refusal
    naming fields: the page ``again()`` with the messages next to them; any other refusal
    (another status, a stale page): its message, and back to the form as it now is."""
    try:
        services.ACTIONS[action](referral.pk, user=request.user, profile=request.profile, **kwargs)
    except services.ReferralError as error:
        if form is None or isinstance(error, services.StaleReferral) or not error.field_errors:
            messages.error(request, str(error))
            return redirect("referrals:referral_form", pk=referral.pk)
        add_refusal(form, error)
        messages.error(request, _fix_fields_message(action))
        return again()
    except (TransitionNotAllowed, ConcurrentTransition):
        messages.error(request, str(services.STALE_MESSAGE))
        return redirect("referrals:referral_form", pk=referral.pk)
    messages.success(request, str(SUCCESS_MESSAGES[action]))
    return redirect("referrals:referral_form", pk=referral.pk)


# ---- Niepodjęcie szkolenia (the office's decision, seed §10) ---------------------------------


@require_http_methods(["GET", "POST"])
@role_required(*OFFICE_ROLES)
def referral_not_started(request, pk):
    referral = get_referral(request, pk)
    if request.method == "GET":
        if not _offers(referral, request.profile, "not_started"):
            return refuse(request, referral)
        decision_form = NotStartedForm(initial={"version": referral.version})
        return render_form(request, referral, decision_form=decision_form)

    decision_form = NotStartedForm(request.POST, request.FILES)

    def again():
        return render_form(request, referral, decision_form=decision_form)

    if not decision_form.is_valid():
        messages.error(request, _fix_fields_message("not_started"))
        return again()
    data = decision_form.cleaned_data
    kwargs = {
        "version": data["version"],
        "justification": data["justification"],
        "attachment": data["attachment"],
    }
    return _perform(request, referral, "not_started", kwargs, form=decision_form, again=again)


# ---- Wpisz do rejestru (seed §11) ------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@role_required(*OFFICE_ROLES)
def referral_strike_off(request, pk):
    """The confirmation page (the modal's no-JavaScript path) and the entry itself."""
    referral = get_referral(request, pk)
    if request.method == "GET":
        if not _offers(referral, request.profile, "strike_off"):
            return refuse(request, referral)
        return render(
            request,
            "referrals/form/strike_off_confirm.html",
            {"referral": referral, "version": referral.version},
        )
    try:
        version = int(request.POST.get("version", ""))
    except ValueError:
        messages.error(request, str(services.STALE_MESSAGE))
        return redirect("referrals:referral_form", pk=referral.pk)
    return _perform(request, referral, "strike_off", {"version": version})
