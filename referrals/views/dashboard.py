"""„Do obsłużenia”: what waits for the voivodeship office (issue 5).

Counts of referrals per status in the newest session, referrals waiting for a unit's decision
for more than 14 days, the units' non-commencements awaiting „Wpisz do rejestru”, free
training places per field, and the units' accreditations that expire within 90 days or were
suspended or withdrawn (the accrediting body's decisions, issue 18). Every referral figure
links to the referral list filtered to match (parameters of
:class:`referrals.filters.ReferralFilter`; an empty ``session`` means every session). A fixed
number of queries, however many referrals there are.
"""

import datetime
from urllib.parse import urlencode

from django.db.models import Count, Exists, OuterRef, Sum
from django.shortcuts import render
from django.urls import path, reverse
from django.utils import timezone

from accounts.models import Role
from accounts.permissions import role_required
from reference.accreditations import EXPIRY_NOTICE_DAYS
from reference.models import Accreditation
from referrals import places
from referrals.filters import DECISION_OVERDUE_AFTER, SESSION_PARAM, Attention, newest_session
from referrals.models import DecidedBy, Referral, ReferralStatus
from registry.models import EntryKind, RegisterEntry
from smk.scoping import scoped

#: Rows shown in each list on the dashboard; the link to the referral list shows them all.
LIST_LIMIT = 50


def referral_list_url(**params) -> str:
    """The referral list filtered by ``params`` (``session=""`` means every session)."""
    params.setdefault(SESSION_PARAM, "")
    return f"{reverse('referrals:referral_list')}?{urlencode(params)}"


def _limited(queryset):
    """The first rows of ``queryset`` and how many there are in all (one query when few)."""
    rows = list(queryset[:LIST_LIMIT])
    total = queryset.count() if len(rows) == LIST_LIMIT else len(rows)
    return rows, total


def _waiting_since(rows, attribute: str, now):
    """Give each row ``waiting_since`` (its ``attribute``) and whole ``days_waiting``."""
    for row in rows:
        row.waiting_since = getattr(row, attribute)
        row.days_waiting = (now - row.waiting_since).days if row.waiting_since else None
    return rows


def status_counts(referrals, session) -> list[dict]:
    """One row per status, in the order of the state machine, zeros included."""
    counts = {}
    if session is not None:
        counts = dict(
            referrals.filter(session=session)
            .order_by()
            .values_list("status")
            .annotate(n=Count("pk"))
        )
    return [
        {
            "status": status,
            "label": status.label,
            "count": counts.get(status.value, 0),
            "url": referral_list_url(
                status=status.value, **{SESSION_PARAM: session.pk if session else ""}
            ),
        }
        for status in ReferralStatus
    ]


def overdue_for_decision(referrals, now):
    """Sent to a unit more than 14 days ago and still without its decision (Wystawione)."""
    rows, total = _limited(
        referrals.filter(status=ReferralStatus.ISSUED, sent_at__lt=now - DECISION_OVERDUE_AFTER)
        .select_related("application", "unit")
        .order_by("sent_at", "pk")
    )
    return _waiting_since(rows, "sent_at", now), total


def awaiting_registration(referrals, now):
    """The units' non-commencements with no skreślenie entry yet: the office must „Wpisz do
    rejestru” or „Wycofaj”."""
    struck_off = RegisterEntry.objects.filter(referral_id=OuterRef("pk"), kind=EntryKind.STRIKE_OFF)
    rows, total = _limited(
        referrals.filter(status=ReferralStatus.NOT_STARTED, decided_by_kind=DecidedBy.UNIT)
        .filter(~Exists(struck_off))
        .select_related("application", "unit")
        .order_by("decided_at", "pk")
    )
    return _waiting_since(rows, "decided_at", now), total


def free_places_per_field(request) -> list[dict]:
    """Places, held and free places of the active accreditations, summed per field."""
    rows = (
        places.with_free_places(scoped(Accreditation, request).active())
        .order_by()
        .values("field_id", "field__name")
        .annotate(
            total_places=Sum("places"),
            total_held=Sum("held_places"),
            total_free=Sum("free_places"),
        )
        .order_by("field__name", "field_id")
    )
    units_url = reverse("units:unit_list")
    return [
        {
            "field": row["field__name"],
            "places": row["total_places"],
            "held": row["total_held"],
            "free": row["total_free"],
            "referrals_url": referral_list_url(
                field=row["field_id"], attention=Attention.HOLDING.value
            ),
            "units_url": f"{units_url}?{urlencode({'field': row['field_id']})}",
        }
        for row in rows
    ]


def accreditations_to_watch(request, today) -> dict:
    """The voivodeship's accreditations in force that expire within 90 days (soonest first),
    and those suspended or withdrawn in the last 90 days or from a day to come: after that
    day no referral can be assigned to the unit in the field, those assigned keep their
    places."""
    accreditations = scoped(Accreditation, request).select_related("unit", "field")
    since = today - datetime.timedelta(days=EXPIRY_NOTICE_DAYS)
    expiring, expiring_total = _limited(
        accreditations.expiring(today).order_by("valid_to", "unit__name", "pk")
    )
    stopped, stopped_total = _limited(
        accreditations.stopped_since(since).order_by("unit__name", "field__name", "pk")
    )
    for accreditation in expiring:
        accreditation.days_left = (accreditation.valid_to - today).days
    return {
        "expiring_accreditations": expiring,
        "expiring_total": expiring_total,
        "stopped_accreditations": stopped,
        "stopped_total": stopped_total,
        "expiry_notice_days": EXPIRY_NOTICE_DAYS,
    }


@role_required(Role.UW, Role.WOJEWODA)
def dashboard(request):
    now = timezone.now()
    referrals = scoped(Referral, request)
    session = newest_session(referrals)
    overdue, overdue_total = overdue_for_decision(referrals, now)
    not_registered, not_registered_total = awaiting_registration(referrals, now)
    return render(
        request,
        "referrals/dashboard/dashboard.html",
        {
            "session": session,
            "status_counts": status_counts(referrals, session),
            "overdue": overdue,
            "overdue_total": overdue_total,
            "overdue_days": DECISION_OVERDUE_AFTER.days,
            "overdue_url": referral_list_url(attention=Attention.OVERDUE.value),
            "not_registered": not_registered,
            "not_registered_total": not_registered_total,
            "not_registered_url": referral_list_url(attention=Attention.TO_REGISTER.value),
            "fields": free_places_per_field(request),
            **accreditations_to_watch(request, timezone.localdate()),
        },
    )


urlpatterns = [
    path("do-obsluzenia/", dashboard, name="dashboard"),
]
