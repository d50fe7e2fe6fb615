"""What every action on an EKS shares: its errors, the lock on the card, the history."""

from django.utils.translation import gettext_lazy

from eks.models import Card
from smk.audit import log_event

STALE_MESSAGE = gettext_lazy(
    "Karta została zmieniona przez innego użytkownika — odśwież stronę i spróbuj ponownie"
)


class EKSError(Exception):
    """An action refused. ``field_errors`` maps form fields to messages shown next to them."""

    def __init__(self, message: str = "", field_errors: dict[str, str] | None = None):
        self.field_errors = field_errors or {}
        super().__init__(message or " ".join(str(m) for m in self.field_errors.values()))


class StaleEKS(EKSError):
    """The card or an entry changed since the page was shown."""

    def __init__(self):
        super().__init__(str(STALE_MESSAGE))


def lock_card(card_id: int, version: int | None = None) -> Card:
    """The card, locked for the rest of the transaction: every action on one card (its
    entries' too) queues here, so each sees what the one before it did. ``version``: the
    card's version the form was shown with; another answers :class:`StaleEKS`."""
    card = (
        Card.objects.select_for_update(of=("self",))
        .select_related("referral__application", "referral__voivodeship", "programme", "unit")
        .get(pk=card_id)
    )
    if version is not None and card.version != version:
        raise StaleEKS
    return card


def bump(card: Card) -> None:
    card.version += 1
    card.save(update_fields=["version"])


def day_text(day) -> str:
    return day.strftime("%d.%m.%Y") if day else "—"


def person(user) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.email


def log(card: Card, action: str, *, user, profile, old_status="", new_status="", data=None):
    """One event in the card's history ("Historia EKS"). The entries' events go there too,
    so the card's history is the whole story in one place."""
    return log_event(
        card,
        action,
        user=user,
        profile=profile,
        old_status=old_status,
        new_status=new_status,
        data=data or {},
    )
