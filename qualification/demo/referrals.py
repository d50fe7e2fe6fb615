"""Demo referrals in every status (issue 4 item 9, issue 5 item 6), made through the real
services so every history event, register entry and EKS exists as in real use."""

import datetime

from django.utils import timezone

from accounts.models import Profile, Role
from qualification.models import Procedure, Stage
from reference.demo import DEMO_UNIT_NAME
from reference.models import Programme, TrainingUnit
from referrals import planned_dates, services
from referrals.models import Referral, ReferralStatus

PLAN = [
    # (how many, what happens to them)
    (2, "assigned"),
    (3, "issued"),  # jednostka@smk.local has these to decide
    (1, "issued_long_ago"),  # waiting for the unit for more than 14 days
    (2, "accepted"),
    (1, "rejected"),
    (1, "unit_not_started"),  # awaiting "Wpisz do rejestru" or "Wycofaj"
    (1, "office_not_started"),  # final: frees a manual qualification
]


def _profile(email: str, role: str) -> Profile:
    return Profile.objects.get(user__email=email, roles__role=role)


def _programme(referral) -> Programme:
    return (
        Programme.objects.in_force()
        .filter(field_id=referral.field_id, mode_id=referral.mode_id)
        .order_by("-valid_from")
        .first()
    )


def _prepare(referral, unit, office):
    programme = _programme(referral)
    # The dates the form proposes: they pass the rules whenever the demo is loaded.
    start, end = planned_dates.proposed_dates(referral.session, programme)
    changes = services.Changes(
        unit=unit,
        programme=programme,
        planned_start=start,
        planned_end=end,
        fields={"unit", "programme", "planned_start", "planned_end"},
    )
    return services.assign(
        referral.pk, version=referral.version, changes=changes, user=office.user, profile=office
    )


def seed():
    """Move draft referrals of mazowieckie's closed procedure through every status once."""
    procedure = (
        Procedure.objects.filter(voivodeship__name="mazowieckie", stage=Stage.CLOSED)
        .order_by("-session__applications_from")
        .first()
    )
    if procedure is None:
        return 0
    referrals = Referral.objects.filter(
        session_id=procedure.session_id, voivodeship_id=procedure.voivodeship_id
    )
    if referrals.exclude(status=ReferralStatus.DRAFT).exists():
        return 0  # already done on an earlier run
    office = _profile("uw.mazowieckie@smk.local", Role.UW)
    staff = _profile("jednostka@smk.local", Role.UNIT_STAFF)
    unit = TrainingUnit.objects.get(name=DEMO_UNIT_NAME)
    accredited_fields = set(unit.accreditations.active().values_list("field_id", flat=True))
    # The office's non-commencement goes to a list with a not-qualified tail, so
    # "Zakwalifikuj kolejny wniosek" can be tried right away.
    candidates = list(
        referrals.filter(field_id__in=accredited_fields)
        .select_related("application")
        .order_by("-application__points", "number")
    )
    tail_lists = set(
        procedure.session.applications.filter(
            voivodeship_id=procedure.voivodeship_id,
            qualified=False,
            ranking_position__isnull=False,
        ).values_list("field_id", "mode_id")
    )
    candidates.sort(key=lambda r: (r.field_id, r.mode_id) not in tail_lists)
    # diagnosta@smk.local's referral is accepted, so the applicant's EKS can be seen.
    candidates.sort(key=lambda r: r.application.email != "diagnosta@smk.local")
    plan = [step for count, step in reversed(PLAN) for _ in range(count)]
    if candidates and candidates[0].application.email == "diagnosta@smk.local":
        plan.insert(0, "accepted")
    done = 0
    for referral, step in zip(candidates, plan, strict=False):
        done += 1
        if step == "office_not_started":
            services.register_not_started(
                referral.pk,
                version=referral.version,
                user=office.user,
                profile=office,
                justification="Diagnosta złożył pisemną rezygnację z podjęcia szkolenia.",
            )
            continue
        referral = _prepare(referral, unit, office)
        if step == "assigned":
            continue
        referral = services.send(
            referral.pk, version=referral.version, changes=None, user=office.user, profile=office
        )
        if step == "issued_long_ago":
            Referral.objects.filter(pk=referral.pk).update(
                sent_at=timezone.now() - datetime.timedelta(days=21)
            )
        elif step == "accepted":
            services.accept(referral.pk, version=referral.version, user=staff.user, profile=staff)
        elif step == "rejected":
            services.reject(
                referral.pk,
                version=referral.version,
                user=staff.user,
                profile=staff,
                justification="Brak kierownika specjalizacji w tym terminie.",
            )
        elif step == "unit_not_started":
            services.unit_register_not_started(
                referral.pk,
                version=referral.version,
                user=staff.user,
                profile=staff,
                justification="Diagnosta nie zgłosił się w wyznaczonym terminie.",
            )
    return done
