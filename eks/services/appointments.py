"""The unit's staff appoint the kierownik specjalizacji of a card, and change them."""

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import InstitutionKind, Profile, Role
from eks import notifications
from eks.models import Appointment, Card
from eks.services.common import EKSError, bump, day_text, lock_card, log, person
from smk.audit import register_actions

register_actions(
    {
        "eks.kierownik_appointed": gettext_lazy("Wyznaczenie kierownika specjalizacji"),
        "eks.kierownik_changed": gettext_lazy("Zmiana kierownika specjalizacji"),
    }
)


def is_unit_staff_of(card: Card, profile) -> bool:
    return (
        profile is not None
        and getattr(profile, "unit_id", None) == card.unit_id
        and profile.has_role(Role.UNIT_STAFF)
    )


def kierownik_candidates(unit_id: int):
    """Profiles of the unit holding the role Kierownik specjalizacji (approved through a role
    request) that can be worked in."""
    return (
        Profile.objects.usable()
        .filter(kind=InstitutionKind.TRAINING_UNIT, unit_id=unit_id, roles__role=Role.KIEROWNIK)
        .select_related("user")
        .order_by("user__last_name", "user__first_name", "pk")
        .distinct()
    )


def kierownik_name(profile) -> str:
    return person(profile.user) if profile is not None else ""


@transaction.atomic(durable=True)
def appoint_kierownik(
    card_id: int, *, version: int, kierownik_id: int, since: datetime.date, user, profile
) -> Appointment:
    """Make ``kierownik_id`` (a profile of the card's unit with the role) the card's kierownik
    from ``since``; the current one, if any, is kierownik until that day."""
    card = lock_card(card_id, version)
    if not is_unit_staff_of(card, profile):
        raise EKSError(_("Kierownika specjalizacji wyznacza jednostka szkoleniowa karty."))
    if card.status_is_final:
        raise EKSError(_("Karta jest zweryfikowana: kierownika nie można już zmienić."))
    kierownik = kierownik_candidates(card.unit_id).filter(pk=kierownik_id).first()
    if kierownik is None:
        raise EKSError(
            field_errors={
                "kierownik": _("Wybierz osobę z rolą Kierownik specjalizacji w tej jednostce.")
            }
        )
    current = card.current_appointment
    if current is not None and current.kierownik_id == kierownik.pk:
        raise EKSError(
            field_errors={"kierownik": _("Ta osoba jest już kierownikiem specjalizacji.")}
        )
    if since > timezone.localdate():
        raise EKSError(field_errors={"since": _("Data nie może być późniejsza niż dziś.")})
    if current is not None and since < current.since:
        raise EKSError(
            field_errors={
                "since": _(
                    "Obecny kierownik jest kierownikiem od %(day)s: data zmiany nie może być "
                    "wcześniejsza."
                )
                % {"day": day_text(current.since)}
            }
        )
    data = {"kierownik": kierownik_name(kierownik), "since": day_text(since)}
    if current is not None:
        current.until = since
        current.save(update_fields=["until"])
        data["previous_kierownik"] = kierownik_name(current.kierownik)
    appointment = Appointment.objects.create(
        card=card,
        kierownik=kierownik,
        since=since,
        appointed_by=user if user is not None and user.is_authenticated else None,
    )
    card.__dict__.pop("_current_appointment", None)  # read again: the new one
    bump(card)
    action = "eks.kierownik_changed" if current is not None else "eks.kierownik_appointed"
    log(card, action, user=user, profile=profile, data=data)
    notifications.kierownik_appointed(card)
    return appointment
