"""Who is told what by e-mail about an EKS (issue 17, item 5), through the outbox:

- the kierownik specjalizacji: entries wait for confirmation, and they were appointed (with
  no kierownik appointed, the unit's staff are told that entries wait for one);
- the diagnostician (the e-mail of the application): an entry confirmed or rejected, the card
  returned for correction or verified;
- the voivodeship office (UW and Wojewoda): a card waits for verification;
- the kierownik also hears of the card returned.

Called by the services inside their transaction: the outbox rows commit or roll back with
the action, and are sent by the background task after the commit (:mod:`smk.notifications`).
"""

from django.utils.translation import gettext as _

from referrals.notifications import office_addresses, unit_staff_addresses
from smk.notifications import absolute_url, queue_email

TEMPLATES = "eks/email/"


def _kierownik_address(card) -> list[str]:
    kierownik = card.kierownik
    if kierownik is None:
        return []
    return [kierownik.contact_email or kierownik.user.email]


def _trainee_address(card) -> list[str]:
    return [card.referral.application.email]


def _send(recipients, subject, template, card, action, **context):
    queue_email(
        recipients,
        subject % {"number": card.number},
        template=TEMPLATES + template,
        context={
            "card": card,
            "url": absolute_url("eks:card_detail", card.pk),
            "site_url": absolute_url(),
            **context,
        },
        reason=f"{action} #{card.pk}",
    )


def entries_waiting(card, entries) -> None:
    recipients = _kierownik_address(card)
    _send(
        recipients or unit_staff_addresses(card.unit_id),
        _("EKS nr %(number)s: wpisy oczekują na potwierdzenie"),
        "entries_waiting.txt",
        card,
        "eks.entries_submitted",
        entries=entries,
        no_kierownik=not recipients,
        queue_url=absolute_url("eks:queue"),
    )


def entries_decided(card, entries, *, confirmed: bool) -> None:
    _send(
        _trainee_address(card),
        _("EKS nr %(number)s: wpisy potwierdzone")
        if confirmed
        else _("EKS nr %(number)s: wpis odrzucony"),
        "entries_decided.txt",
        card,
        "eks.entries_confirmed" if confirmed else "eks.entry_rejected",
        entries=entries,
        confirmed=confirmed,
    )


def card_submitted(card) -> None:
    _send(
        office_addresses(card.referral.voivodeship_id),
        _("EKS nr %(number)s czeka na weryfikację"),
        "card_submitted.txt",
        card,
        "eks.completion_confirmed",
    )


def card_returned(card, reason: str) -> None:
    _send(
        _trainee_address(card) + _kierownik_address(card),
        _("EKS nr %(number)s zwrócona do poprawy"),
        "card_returned.txt",
        card,
        "eks.returned",
        reason=reason,
    )


def card_verified(card, register_entry) -> None:
    _send(
        _trainee_address(card) + _kierownik_address(card),
        _("EKS nr %(number)s została zweryfikowana"),
        "card_verified.txt",
        card,
        "eks.verified",
        register_entry=register_entry,
    )


def kierownik_appointed(card) -> None:
    _send(
        _kierownik_address(card),
        _("Kierownik specjalizacji — EKS nr %(number)s"),
        "kierownik_appointed.txt",
        card,
        "eks.kierownik_appointed",
    )
