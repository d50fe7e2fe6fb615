"""What the referral form's views share: the referral reached through the scope, the
choice not saved yet that travels in the query string, the saved values, the way back."""

import datetime

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from accounts.models import Role
from referrals.forms import EDITABLE_FIELDS
from referrals.models import Referral
from referrals.views.list import LIST_URL_SESSION_KEY
from registry.models import EntryKind
from smk.redirects import safe_local_url
from smk.scoping import get_scoped_object_or_404

#: Who handles referrals on the office's side (seed 000 §3).
OFFICE_ROLES = (Role.UW, Role.WOJEWODA)

#: Query parameters carrying a choice that is not saved yet.
PENDING_PARAMS = {
    "unit": "jednostka",
    "programme": "program",
    "planned_start": "od",
    "planned_end": "do",
}


def get_referral(request, pk) -> Referral:
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


def form_url(referral, pending: dict[str, str] | None = None) -> str:
    url = reverse("referrals:referral_form", args=[referral.pk])
    return f"{url}?{pending_query(pending)}" if pending else url


def pending_query(pending: dict[str, str]) -> str:
    return urlencode({PENDING_PARAMS[name]: value for name, value in pending.items()})


def pending_from_query(request) -> dict[str, str]:
    return {
        name: request.GET[param] for name, param in PENDING_PARAMS.items() if param in request.GET
    }


def raw(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value.pk)


def saved_values(referral) -> dict:
    return {name: getattr(referral, name) for name in EDITABLE_FIELDS}


def saved_raw(referral) -> dict[str, str]:
    return {name: raw(value) for name, value in saved_values(referral).items()}


def differing(referral, chosen: dict) -> dict[str, str]:
    """The chosen values that are not the saved ones, as query-string values."""
    saved = saved_values(referral)
    return {name: raw(chosen[name]) for name in EDITABLE_FIELDS if chosen[name] != saved[name]}


def list_url(request) -> str:
    """The referral list with the filters it was left with; only a path on this site."""
    url = request.session.get(LIST_URL_SESSION_KEY)
    return safe_local_url(request, url) or reverse("referrals:referral_list")


def refuse(request, referral):
    """Back to the form with the message that the action is not open in this status."""
    messages.error(
        request,
        _("Tej czynności nie można wykonać dla skierowania w statusie „%(status)s”.")
        % {"status": referral.get_status_display()},
    )
    return redirect("referrals:referral_form", pk=referral.pk)
