"""The referral's documents: its history (seed §14), the PDF the unit received and the
decision's attachment."""

from django.http import FileResponse, Http404
from django.shortcuts import render
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from accounts.models import Role
from accounts.permissions import role_required
from referrals.forms import REASON_FIELD
from referrals.models import Referral, ReferralStatus
from referrals.pdf import is_issued_document, referral_pdf_response
from referrals.views.form.common import OFFICE_ROLES, get_referral
from smk.audit import describe, history
from smk.scoping import get_scoped_object_or_404
from smk.uploads import SIGNATURES, sniff_content_type

#: Who may download a decision's attachment: the office and the unit the referral went to.
ATTACHMENT_READERS = (Role.UW, Role.WOJEWODA, Role.UNIT_STAFF)

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
    referral = get_referral(request, pk)
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


@require_GET
@role_required(*OFFICE_ROLES)
def referral_pdf(request, pk):
    referral = get_referral(request, pk)
    if not is_issued_document(referral):
        raise Http404
    return referral_pdf_response(referral, request=request)


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
