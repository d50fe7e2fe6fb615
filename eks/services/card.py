"""The card as a whole: the kierownik's yearly training plan and "Potwierdź zakończenie
specjalizacji", the office's "Zweryfikuj" (a register entry of the completed
specialization) and "Zwróć do poprawy"."""

from collections.abc import Mapping

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_fsm import has_transition_perm

from eks import notifications
from eks.models import PlanItem, is_kierownik_of
from eks.services.common import EKSError, bump, lock_card, log
from eks.statuses import EntryStatus
from reference.models import ProgrammeElement
from registry import services as registry
from registry.models import EKSStatus
from smk.audit import register_actions

register_actions(
    {
        "eks.plan_saved": gettext_lazy("Zapisanie rocznego planu szkolenia"),
        "eks.completion_confirmed": gettext_lazy(
            "Potwierdzenie zakończenia specjalizacji przez kierownika"
        ),
        "eks.verified": gettext_lazy("Weryfikacja EKS przez Urząd Wojewódzki"),
        "eks.returned": gettext_lazy("Zwrot EKS do poprawy przez Urząd Wojewódzki"),
    }
)


def _year_text(year: int | None) -> str:
    return _("rok %(year)s") % {"year": year} if year else "—"


@transaction.atomic(durable=True)
def save_plan(
    card_id: int, *, version: int, years: Mapping[int, int | None], user, profile
) -> dict:
    """Roczny plan szkolenia: ``years`` maps elements of the card's programme to the year of
    the training they are planned in (None: not planned). A year that has begun is fixed:
    nothing moves into it or out of it. Returns what changed."""
    card = lock_card(card_id, version)
    if not is_kierownik_of(card, profile):
        raise EKSError(_("Roczny plan szkolenia układa kierownik specjalizacji tej karty."))
    if card.status != EKSStatus.OPEN:
        raise EKSError(_("Plan można zmieniać, dopóki karta jest otwarta."))
    elements = {
        e.pk: e for e in ProgrammeElement.objects.filter(module__programme_id=card.programme_id)
    }
    current = {item.element_id: item for item in card.plan_items.select_for_update()}
    last_year = card.programme.duration_years
    today = timezone.localdate()
    errors, changed = {}, {}
    for element_id, year in years.items():
        element = elements.get(element_id)
        if element is None:
            raise EKSError(_("Plan może obejmować tylko elementy programu tej karty."))
        item = current.get(element_id)
        old = item.year if item else None
        if old == year:
            continue
        field_name = f"element_{element_id}"
        if year is not None and not 1 <= year <= last_year:
            errors[field_name] = _("Wybierz rok od 1 do %(last)s.") % {"last": last_year}
        elif old is not None and card.year_started(old, today):
            errors[field_name] = _(
                "Rok %(year)s szkolenia już się rozpoczął: jego planu nie można zmienić."
            ) % {"year": old}
        elif year is not None and card.year_started(year, today):
            errors[field_name] = _(
                "Rok %(year)s szkolenia już się rozpoczął: nie można do niego dopisać elementu."
            ) % {"year": year}
        else:
            changed[element.name] = [_year_text(old), _year_text(year)]
            if year is None:
                item.delete()
            elif item is None:
                PlanItem.objects.create(card=card, element=element, year=year)
            else:
                item.year = year
                item.save(update_fields=["year"])
    if errors:
        raise EKSError(field_errors=errors)
    if changed:
        bump(card)
        log(
            card,
            "eks.plan_saved",
            user=user,
            profile=profile,
            data={name: " → ".join(values) for name, values in changed.items()},
        )
    return changed


def _check_open(card, method_name: str, profile, refused: str) -> None:
    if not has_transition_perm(getattr(card, method_name), profile):
        raise EKSError(refused)


@transaction.atomic(durable=True)
def confirm_completion(card_id: int, *, version: int, user, profile):
    """ "Potwierdź zakończenie specjalizacji": open only when every element of the programme
    is confirmed and no entry waits; the card goes to the office for verification."""
    card = lock_card(card_id, version)
    if card.status == EKSStatus.OPEN and is_kierownik_of(card, profile):
        if not card.progress.complete:
            raise EKSError(
                _(
                    "Nie wszystkie elementy programu są potwierdzone: zakończenie "
                    "specjalizacji można potwierdzić po potwierdzeniu wszystkich."
                )
            )
        if card.progress.counts.get(EntryStatus.SUBMITTED):
            raise EKSError(_("Najpierw potwierdź albo odrzuć wpisy oczekujące na potwierdzenie."))
    _check_open(
        card,
        "confirm_completion",
        profile,
        _("Zakończenie specjalizacji potwierdza kierownik specjalizacji otwartej karty."),
    )
    old_status = card.status
    card.confirm_completion()
    card.completion_confirmed_at, card.completion_confirmed_by = timezone.now(), user
    card.version += 1
    card.save()
    log(
        card,
        "eks.completion_confirmed",
        user=user,
        profile=profile,
        old_status=old_status,
        new_status=card.status,
    )
    notifications.card_submitted(card)
    return card


@transaction.atomic(durable=True)
def verify(card_id: int, *, version: int, user, profile):
    """ "Zweryfikuj": the office accepts the card; the register gets an entry of the
    completed specialization."""
    card = lock_card(card_id, version)
    _check_open(
        card,
        "verify",
        profile,
        _("Zweryfikować można kartę przekazaną do weryfikacji, w urzędzie jej województwa."),
    )
    old_status = card.status
    card.verify()
    card.verified_at, card.verified_by = timezone.now(), user
    card.version += 1
    card.save()
    entry = registry.make_completion_entry(
        card.referral,
        user=user,
        reason=_("Weryfikacja EKS nr %(number)s") % {"number": card.number},
    )
    log(
        card,
        "eks.verified",
        user=user,
        profile=profile,
        old_status=old_status,
        new_status=card.status,
        data={"register_entry": entry.number},
    )
    notifications.card_verified(card, entry)
    return card


@transaction.atomic(durable=True)
def return_for_correction(card_id: int, *, version: int, reason: str, user, profile):
    """ "Zwróć do poprawy" with a reason: the card is open again for the diagnostician and
    the kierownik, who confirms the end anew."""
    card = lock_card(card_id, version)
    _check_open(
        card,
        "return_for_correction",
        profile,
        _("Zwrócić można kartę przekazaną do weryfikacji, w urzędzie jej województwa."),
    )
    reason = (reason or "").strip()
    if not reason:
        raise EKSError(field_errors={"reason": _("Podaj powód zwrotu do poprawy.")})
    old_status = card.status
    card.return_for_correction()
    card.return_reason = reason
    card.completion_confirmed_at = card.completion_confirmed_by = None
    card.version += 1
    card.save()
    log(
        card,
        "eks.returned",
        user=user,
        profile=profile,
        old_status=old_status,
        new_status=card.status,
        data={"reason": reason},
    )
    notifications.card_returned(card, reason)
    return card
