"""Register entries and EKS cards; called from the referral services inside their transaction."""

from django.utils import timezone

from registry.models import EKS, EntryKind, RegisterEntry
from smk.numbering import next_number


def _person(referral):
    application = referral.application
    return {
        "first_name": application.first_name,
        "last_name": application.last_name,
        "pesel": application.pesel,
    }


def make_entry(referral, kind: str, *, user, reason: str = "") -> RegisterEntry:
    today = timezone.localdate()
    return RegisterEntry.objects.create(
        number=next_number(f"REJ/{referral.voivodeship.teryt}/{today.year}"),
        kind=kind,
        entry_date=today,
        referral=referral,
        voivodeship_id=referral.voivodeship_id,
        field_id=referral.field_id,
        unit_id=referral.unit_id,
        reason=reason,
        created_by=user if user is not None and user.is_authenticated else None,
        **_person(referral),
    )


def make_start_entry(referral, *, user) -> RegisterEntry:
    return make_entry(referral, EntryKind.START, user=user)


def make_strike_off_entry(referral, *, user, reason: str) -> RegisterEntry:
    return make_entry(referral, EntryKind.STRIKE_OFF, user=user, reason=reason)


def make_completion_entry(referral, *, user, reason: str = "") -> RegisterEntry:
    """The office verified the EKS: the specialization is completed (issue 17)."""
    return make_entry(referral, EntryKind.COMPLETION, user=user, reason=reason)


def create_eks(referral) -> EKS:
    today = timezone.localdate()
    return EKS.objects.create(
        number=next_number(f"EKS/{referral.voivodeship.teryt}/{today.year}"),
        referral=referral,
        voivodeship_id=referral.voivodeship_id,
        field_id=referral.field_id,
        mode_id=referral.mode_id,
        programme_id=referral.programme_id,
        unit_id=referral.unit_id,
        start_date=referral.planned_start or today,
        planned_end=referral.planned_end,
        **_person(referral),
    )
