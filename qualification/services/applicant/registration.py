"""A newly registered applicant's account, and the data a new application starts with."""

from django.contrib.contenttypes.models import ContentType
from django.utils.translation import gettext_lazy

from accounts.models import InstitutionKind, Profile, ProfileRole, Role
from qualification.models import Application
from qualification.services.applicant.rules import APPLICANT_FIELDS
from smk.audit import log_event, register_actions
from smk.models import Event

register_actions({"account.registered": gettext_lazy("Zarejestrowano konto wnioskodawcy")})

REGISTERED = "account.registered"


def applicant_defaults(user) -> dict:
    """The data a new application starts with: from the applicant's latest application, else
    from the account (name, e-mail, phone and the PESEL given at registration)."""
    latest = Application.objects.filter(applicant=user).order_by("-created_at", "-pk").first()
    if latest is not None:
        return {name: getattr(latest, name) for name in APPLICANT_FIELDS}
    return {
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "phone": getattr(user, "phone", ""),
        "pesel": registered_pesel(user),
    }


def register_applicant(user, *, pesel: str) -> Profile:
    """Give a newly registered account ("Rejestracja — jestem nowym użytkownikiem") its
    personal profile with the Diagnosta role; the PESEL given is kept in its history."""
    profile, _created = Profile.objects.get_or_create(user=user, kind=InstitutionKind.PERSONAL)
    ProfileRole.objects.get_or_create(profile=profile, role=Role.APPLICANT)
    log_event(user, REGISTERED, user=user, profile=profile, data={"pesel": pesel})
    return profile


def registered_pesel(user) -> str:
    """The PESEL the person gave when registering ("" for accounts made otherwise)."""
    data = (
        Event.objects.filter(
            target_type=ContentType.objects.get_for_model(user, for_concrete_model=False),
            target_id=user.pk,
            action=REGISTERED,
        )
        .order_by("-created_at", "-pk")
        .values_list("data", flat=True)
        .first()
    )
    return (data or {}).get("pesel", "")
