"""Formularz skierowania for the voivodeship office (seed 000 §5.2–§12, §14).

One page shows the referral and application data, the diagnostician, the unit, the programme
with its planned dates and the decision. Its buttons are exactly the transitions django-fsm
opens to the active profile, so the page never offers a move the model refuses; every button
posts the one form, and the view hands it to the matching function of
:mod:`referrals.services`, which decides under the row lock.

Choosing a unit or a programme is not saved (seed §6.1: it is kept with "Zapisz wersję
roboczą"): the choice travels back to the form in the query string, the form shows it as not
saved yet and carries it in hidden fields until a button is pressed.
"""

import copy
import datetime

from django.contrib import messages
from django.core.exceptions import ObjectDoesNotExist
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods
from django_fsm import ConcurrentTransition, TransitionNotAllowed

from accounts.models import Role
from accounts.permissions import role_required
from reference.models import Accreditation, Programme, TrainingUnit
from referrals import places, planned_dates, services
from referrals.forms import EDITABLE_FIELDS, REASON_FIELD, NotStartedForm, ReferralForm
from referrals.models import DecidedBy, Referral, ReferralStatus
from referrals.views.list import LIST_URL_SESSION_KEY
from registry.models import EKS, EntryKind
from smk.audit import describe, history
from smk.pdf import pdf_response
from smk.redirects import safe_local_url
from smk.scoping import get_scoped_object_or_404, scoped
from smk.uploads import SIGNATURES, sniff_content_type

#: Who handles referrals on the office's side (seed 000 §3).
OFFICE_ROLES = (Role.UW, Role.WOJEWODA)
#: Who may download a decision's attachment: the office and the unit the referral went to.
ATTACHMENT_READERS = (Role.UW, Role.WOJEWODA, Role.UNIT_STAFF)

#: Query parameters carrying a choice that is not saved yet.
PENDING_PARAMS = {
    "unit": "jednostka",
    "programme": "program",
    "planned_start": "od",
    "planned_end": "do",
}

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

#: Statuses from which the referral is a document the unit received (seed §8 onwards).
ISSUED_STATUSES = (ReferralStatus.ISSUED, ReferralStatus.STARTED, ReferralStatus.REJECTED)


def _action_labels() -> dict[str, str]:
    field = Referral._meta.get_field("status")
    return {t.custom["action"]: t.custom["label"] for t in field.get_all_transitions(Referral)}


# ---- Shared helpers -------------------------------------------------------------------------


def _get_referral(request, pk) -> Referral:
    referral = get_scoped_object_or_404(
        Referral.objects.select_related(
            "application",
            "session",
            "voivodeship",
            "field",
            "mode",
            "unit",
            "programme",
            "decided_by",
            "replaces",
        ),
        request,
        pk=pk,
    )
    referral.register_entries_by_kind = {e.kind: e for e in referral.register_entries.all()}
    # The model reads this cache instead of asking the register again for every button.
    referral._struck_off = EntryKind.STRIKE_OFF in referral.register_entries_by_kind
    return referral


def _form_url(referral, pending: dict[str, str] | None = None) -> str:
    url = reverse("referrals:referral_form", args=[referral.pk])
    return f"{url}?{_pending_query(pending)}" if pending else url


def _pending_query(pending: dict[str, str]) -> str:
    return urlencode({PENDING_PARAMS[name]: value for name, value in pending.items()})


def _pending_from_query(request) -> dict[str, str]:
    return {
        name: request.GET[param] for name, param in PENDING_PARAMS.items() if param in request.GET
    }


def _raw(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value.pk)


def _date_or_none(raw: str) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(raw) if raw else None
    except ValueError:
        return None


def _saved(referral) -> dict:
    return {name: getattr(referral, name) for name in EDITABLE_FIELDS}


def _saved_raw(referral) -> dict[str, str]:
    return {name: _raw(value) for name, value in _saved(referral).items()}


def _differing(referral, chosen: dict) -> dict[str, str]:
    """The chosen values that are not the saved ones, as query-string values."""
    saved = _saved(referral)
    return {name: _raw(chosen[name]) for name in EDITABLE_FIELDS if chosen[name] != saved[name]}


def list_url(request) -> str:
    """The referral list with the filters it was left with; only a path on this site."""
    url = request.session.get(LIST_URL_SESSION_KEY)
    return safe_local_url(request, url) or reverse("referrals:referral_list")


def _refuse(request, referral):
    """Back to the form with the message that the action is not open in this status."""
    messages.error(
        request,
        _("Tej czynności nie można wykonać dla skierowania w statusie „%(status)s”.")
        % {"status": referral.get_status_display()},
    )
    return redirect("referrals:referral_form", pk=referral.pk)


def _referral_form(request, referral, **kwargs) -> ReferralForm:
    units = scoped(TrainingUnit, request).filter(voivodeship_id=referral.voivodeship_id)
    window = planned_dates.start_window(referral.session)
    return ReferralForm(units=units, start_window=window, **kwargs)


def _chosen(referral, form) -> dict:
    """What the form shows: the saved values, replaced by those the form carried validly."""
    chosen = _saved(referral)
    if form.is_bound:
        for name in form.carried():
            if name in form.cleaned_data:
                chosen[name] = form.cleaned_data[name]
    return chosen


def _add_refusal(form, error: services.ReferralError) -> None:
    for name, message in error.field_errors.items():
        form.add_error(name if name in form.fields else None, message)


def offered_actions(referral, profile, chosen: dict | None = None) -> list[dict]:
    """The buttons: the transitions open to ``profile``, judged on the data the form shows.

    A unit or programme chosen but not saved yet counts (the services save the form's data
    with the action), so a chosen unit offers "Przydziel" at once.
    """
    candidate = referral
    if chosen is not None and _differing(referral, chosen):
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


def is_issued_document(referral) -> bool:
    """Sent to a unit at some point: "Pobierz skierowanie (PDF)" is offered."""
    if referral.status in ISSUED_STATUSES:
        return True
    return referral.status == ReferralStatus.NOT_STARTED and bool(
        referral.sent_at or referral.decided_by_kind == DecidedBy.UNIT
    )


def _replacement(referral):
    try:
        return referral.replaced_by
    except ObjectDoesNotExist:
        return None


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


def _render_form(request, referral, *, form=None, chosen=None, decision_form=None, status=200):
    """The form page; with ``decision_form`` the "Decyzja" section is open for editing."""
    decision_mode = decision_form is not None
    if form is None:
        form = _referral_form(
            request,
            referral,
            initial={
                "version": referral.version,
                **_saved(referral),
                REASON_FIELD: referral.planned_end_reason,
            },
        )
    chosen = chosen if chosen is not None else _saved(referral)
    editable = referral.can_edit_unit_and_programme and not decision_mode
    actions = [] if decision_mode else offered_actions(referral, request.profile, chosen)
    pending = _differing(referral, chosen) if editable else {}
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
    query = _pending_query(pending)
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
    }
    return render(request, "referrals/form/referral_form.html", context, status=status)


# ---- Formularz skierowania ------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@role_required(*OFFICE_ROLES)
def referral_form(request, pk):
    referral = _get_referral(request, pk)
    if request.method == "POST":
        return _run_action(request, referral)
    pending = _pending_from_query(request)
    if not pending or not referral.can_edit_unit_and_programme:
        return _render_form(request, referral)
    # Back from "Wybierz jednostkę" / "Wybierz program": show the choice, not saved yet, and
    # check it by the rules the service will apply, so a tampered link says what is wrong.
    data = {
        "version": referral.version,
        **_saved_raw(referral),
        REASON_FIELD: referral.planned_end_reason,
        **pending,
    }
    form = _referral_form(request, referral, data=data)
    if form.is_valid():
        chosen = _chosen(referral, form)
        try:
            # The service's own rules (it applies them again under the lock when saving).
            services.validate_changes(referral, form.changes())
        except services.ReferralError as error:
            _add_refusal(form, error)
    else:
        chosen = _chosen(referral, form)
    return _render_form(request, referral, form=form, chosen=chosen)


def _run_action(request, referral):
    action = request.POST.get("action", "")
    if action in STEP_VIEWS:
        return redirect(STEP_VIEWS[action], pk=referral.pk)
    if action not in (*EDITING_ACTIONS, *DIRECT_ACTIONS) or not _open_in_status(
        referral, request.profile, action
    ):
        return _refuse(request, referral)
    form = _referral_form(request, referral, data=request.POST)
    valid = form.is_valid()
    chosen = _chosen(referral, form)

    def again():
        return _render_form(request, referral, form=form, chosen=chosen)

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
        _add_refusal(form, error)
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
    referral = _get_referral(request, pk)
    if request.method == "GET":
        if not _offers(referral, request.profile, "not_started"):
            return _refuse(request, referral)
        decision_form = NotStartedForm(initial={"version": referral.version})
        return _render_form(request, referral, decision_form=decision_form)

    decision_form = NotStartedForm(request.POST, request.FILES)

    def again():
        return _render_form(request, referral, decision_form=decision_form)

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
    referral = _get_referral(request, pk)
    if request.method == "GET":
        if not _offers(referral, request.profile, "strike_off"):
            return _refuse(request, referral)
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


# ---- Wybierz jednostkę / Wybierz program (seed §6) -------------------------------------------


def _refuse_editing(request, referral):
    messages.error(
        request,
        _("Jednostkę i program można zmieniać tylko w statusie Wersja robocza lub Przydzielone."),
    )
    return redirect("referrals:referral_form", pk=referral.pk)


@require_GET
@role_required(*OFFICE_ROLES)
def referral_choose_unit(request, pk):
    referral = _get_referral(request, pk)
    if not referral.can_edit_unit_and_programme:
        return _refuse_editing(request, referral)
    keep = _pending_from_query(request)
    accreditations = list(
        places.with_free_places(scoped(Accreditation, request).active())
        .filter(field_id=referral.field_id, unit__voivodeship_id=referral.voivodeship_id)
        .select_related("unit")
        .order_by("unit__name", "unit_id")
    )
    if len(accreditations) == 1:
        unit = accreditations[0].unit
        messages.info(
            request,
            _(
                "W województwie jest jedna jednostka akredytowana w tej dziedzinie — wybrano ją "
                "automatycznie: %(unit)s. Aby zachować wybór, zapisz wersję roboczą."
            )
            % {"unit": unit},
        )
        return redirect(_form_url(referral, {**keep, "unit": str(unit.pk)}))
    by_unit = {accreditation.unit_id: accreditation for accreditation in accreditations}
    preferred = [
        {
            "position": preference.position,
            "unit": preference.unit,
            "accreditation": by_unit.get(preference.unit_id),
            "url": _form_url(referral, {**keep, "unit": str(preference.unit_id)}),
        }
        for preference in referral.application.preferred_units.select_related("unit").order_by(
            "position"
        )
    ]
    units = [
        {
            "unit": accreditation.unit,
            "accreditation": accreditation,
            "url": _form_url(referral, {**keep, "unit": str(accreditation.unit_id)}),
        }
        for accreditation in accreditations
    ]
    return render(
        request,
        "referrals/form/choose_unit.html",
        {
            "referral": referral,
            "preferred": preferred,
            "units": units,
            "current_unit_id": keep.get("unit", _raw(referral.unit)),
            "back_url": _form_url(referral, keep),
        },
    )


@require_GET
@role_required(*OFFICE_ROLES)
def referral_choose_programme(request, pk):
    referral = _get_referral(request, pk)
    if not referral.can_edit_unit_and_programme:
        return _refuse_editing(request, referral)
    keep = _pending_from_query(request)
    saved = _saved_raw(referral)
    current = {name: keep.get(name, saved[name]) for name in EDITABLE_FIELDS}
    start = _date_or_none(current["planned_start"])
    programmes = list(
        Programme.objects.in_force()
        .filter(field_id=referral.field_id, mode_id=referral.mode_id)
        .order_by("name", "pk")
    )

    def choice_url(programme):
        # Seed §6.2: the planned end comes from the programme. A start already given stays;
        # so does the end, unless another programme is chosen.
        pending = {**keep, "programme": str(programme.pk)}
        if start is None:
            proposed, end = planned_dates.proposed_dates(referral.session, programme)
            pending |= {"planned_start": proposed.isoformat(), "planned_end": end.isoformat()}
        elif str(programme.pk) != current["programme"] or not current["planned_end"]:
            pending["planned_end"] = programme.planned_end_from(start).isoformat()
        return _form_url(referral, pending)

    if len(programmes) == 1:
        messages.info(
            request,
            _(
                "Dla dziedziny i trybu skierowania obowiązuje jeden program — wybrano go "
                "automatycznie: %(programme)s. Aby zachować wybór, zapisz wersję roboczą."
            )
            % {"programme": programmes[0]},
        )
        return redirect(choice_url(programmes[0]))
    return render(
        request,
        "referrals/form/choose_programme.html",
        {
            "referral": referral,
            "programmes": [
                {
                    "programme": p,
                    "url": choice_url(p),
                    "current": str(p.pk) == current["programme"],
                }
                for p in programmes
            ],
            "back_url": _form_url(referral, keep),
        },
    )


# ---- Historia skierowania (seed §14) ---------------------------------------------------------

CHANGE_LABELS = {
    "unit": gettext_lazy("Jednostka szkoleniowa"),
    "programme": gettext_lazy("Program specjalizacji"),
    "planned_start": gettext_lazy("Planowana data rozpoczęcia"),
    "planned_end": gettext_lazy("Planowana data zakończenia"),
    REASON_FIELD: gettext_lazy("Uzasadnienie innej daty zakończenia"),
}
DETAIL_LABELS = {
    "number": gettext_lazy("Numer skierowania"),
    "replaces": gettext_lazy("Zastępuje skierowanie"),
    "new_referral": gettext_lazy("Nowe skierowanie"),
    "justification": gettext_lazy("Uzasadnienie decyzji"),
    "register_entry": gettext_lazy("Numer wpisu w rejestrze"),
    "eks": gettext_lazy("Numer EKS"),
}
PREVIOUS_DECISION_LABELS = {
    "decision": gettext_lazy("Wycofana decyzja"),
    "decided_by": gettext_lazy("Decyzję wprowadził"),
    "justification": gettext_lazy("Uzasadnienie wycofanej decyzji"),
}


def _person(user) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.email


def _status_label(value: str) -> str:
    if not value:
        return "—"
    try:
        return str(ReferralStatus(value).label)
    except ValueError:
        return value


def _event_details(data: dict) -> list[tuple[str, str]]:
    details = []
    for name, value in data.items():
        if name in CHANGE_LABELS and isinstance(value, list) and len(value) == 2:
            details.append((str(CHANGE_LABELS[name]), f"{value[0]} → {value[1]}"))
        elif name == "previous_decision" and isinstance(value, dict):
            details.extend(
                (str(label), str(value[key]))
                for key, label in PREVIOUS_DECISION_LABELS.items()
                if value.get(key)
            )
        elif value not in ("", None, [], {}):
            details.append((str(DETAIL_LABELS.get(name, name)), str(value)))
    return details


@require_GET
@role_required(*OFFICE_ROLES)
def referral_history(request, pk):
    referral = _get_referral(request, pk)
    events = [
        {
            "at": event.created_at,
            "text": describe(event),
            "person": _person(event.user),
            "acting_as": event.acting_as,
            "old_status": _status_label(event.old_status),
            "new_status": _status_label(event.new_status),
            "details": _event_details(event.data or {}),
        }
        for event in history(referral)
    ]
    return render(
        request,
        "referrals/form/history.html",
        {"referral": referral, "events": events},
    )


# ---- Pobierz skierowanie (PDF) ---------------------------------------------------------------


def _issue_date(referral):
    if referral.sent_at:
        return timezone.localtime(referral.sent_at).date()
    sent = [e for e in history(referral) if e.action == "referral.sent"]
    return timezone.localtime(sent[-1].created_at).date() if sent else None


@require_GET
@role_required(*OFFICE_ROLES)
def referral_pdf(request, pk):
    referral = _get_referral(request, pk)
    if not is_issued_document(referral):
        raise Http404
    context = {
        "referral": referral,
        "application": referral.application,
        "issue_date": _issue_date(referral),
        "generated_at": timezone.localtime(),
    }
    filename = "skierowanie-" + referral.number.replace("/", "-") + ".pdf"
    return pdf_response("referrals/form/referral_pdf.html", context, filename, request=request)


# ---- The decision's attachment ---------------------------------------------------------------


@require_GET
@role_required(*ATTACHMENT_READERS)
def decision_attachment(request, pk):
    """Served only through the scoped queryset: the office of the referral's voivodeship and
    the unit it was sent to; never from a public URL."""
    referral = get_scoped_object_or_404(Referral, request, pk=pk)
    if not referral.decision_attachment:
        raise Http404
    try:
        handle = referral.decision_attachment.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    content_type = sniff_content_type(handle.read(8)) or "application/octet-stream"
    handle.seek(0)
    extension = SIGNATURES[content_type][1][0] if content_type in SIGNATURES else ""
    filename = "decyzja-" + referral.number.replace("/", "-") + extension
    response = FileResponse(
        handle, as_attachment=True, filename=filename, content_type=content_type
    )
    response["Cache-Control"] = "private, no-store"
    return response


urlpatterns = [
    path("<int:pk>/", referral_form, name="referral_form"),
    path("<int:pk>/wybierz-jednostke/", referral_choose_unit, name="referral_choose_unit"),
    path("<int:pk>/wybierz-program/", referral_choose_programme, name="referral_choose_programme"),
    path("<int:pk>/niepodjecie-szkolenia/", referral_not_started, name="referral_not_started"),
    path("<int:pk>/wpis-do-rejestru/", referral_strike_off, name="referral_strike_off"),
    path("<int:pk>/historia/", referral_history, name="referral_history"),
    path("<int:pk>/skierowanie.pdf", referral_pdf, name="referral_pdf"),
    path("<int:pk>/zalacznik-decyzji/", decision_attachment, name="decision_attachment"),
]
