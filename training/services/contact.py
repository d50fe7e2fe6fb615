"""zapiszDaneMus: the unit's contact data and notification addresses."""

from collections.abc import Sequence

from django.db import transaction
from django.utils.translation import gettext as _

from training.models import (
    MAX_NOTIFICATION_EMAILS,
    UnitContact,
)
from training.services.rows import (
    TrainingError,
    lock_unit,
    log_training_event,
)


def _clean_addresses(addresses: Sequence[str]) -> list[str]:
    seen, result = set(), []
    for address in addresses:
        address = address.strip()
        if address and address.lower() not in seen:
            seen.add(address.lower())
            result.append(address)
    return result


@transaction.atomic(durable=True)
def save_contact(
    unit_id: int,
    *,
    contact_person: str,
    phone: str,
    email: str,
    notification_emails: Sequence[str],
    user,
    profile,
) -> UnitContact:
    """ "Dane jednostki": contact data and where the unit's e-mails go."""
    unit = lock_unit(unit_id)
    addresses = _clean_addresses(notification_emails)
    if len(addresses) > MAX_NOTIFICATION_EMAILS:
        raise TrainingError(
            field_errors={
                "notification_emails": _("Podaj najwyżej %(n)d adresów do powiadomień.")
                % {"n": MAX_NOTIFICATION_EMAILS}
            }
        )
    contact = UnitContact.objects.filter(unit=unit).first() or UnitContact(unit=unit)
    new = {
        "contact_person": contact_person.strip(),
        "phone": phone.strip(),
        "email": email.strip(),
        "notification_emails": addresses,
    }
    changed = {
        name: [getattr(contact, name, None) if contact.pk else None, value]
        for name, value in new.items()
        if not contact.pk or getattr(contact, name) != value
    }
    if not changed:
        return contact
    for name, value in new.items():
        setattr(contact, name, value)
    contact.save()
    log_training_event(unit, "training.contact_saved", user=user, profile=profile, data=changed)
    return contact
