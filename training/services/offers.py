"""zapiszSloty: the places the unit offers for the coming session."""

from collections.abc import Sequence

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from training import capacity
from training.models import OfferedPlaces
from training.services.rows import (
    OfferRow,
    RowError,
    TrainingError,
    active_accreditations,
    lock_unit,
    log_training_event,
    not_accredited,
    repeated_rows,
)


@transaction.atomic(durable=True)
def save_offered_places(unit_id: int, offers: Sequence[OfferRow], *, user, profile) -> dict:
    """ "Miejsca oferowane" for the coming session, per accredited field, replacing the
    declaration before (a field left out is no longer offered). Never above the free places:
    the accreditation's places minus every place held, read under the accreditation's lock."""
    unit = lock_unit(unit_id)
    accreditations = active_accreditations(unit_id)
    problems = [not_accredited(o.row, o.field) for o in offers if o.field not in accreditations]
    problems += [
        RowError(o.row, "places", _("Liczba miejsc nie może być ujemna."))
        for o in offers
        if o.places < 0
    ]
    problems += repeated_rows(
        offers,
        lambda o: o.field,
        "field",
        gettext_lazy("Tę dziedzinę podano już w wierszu %(row)d."),
    )
    if problems:
        raise TrainingError(row_errors=problems)
    wanted = {offer.field: offer for offer in offers}
    for code in sorted(wanted, key=lambda c: accreditations[c].pk):
        offer, accreditation = wanted[code], accreditations[code]
        free = max(capacity.free_places(accreditation, lock=True), 0)
        if offer.places > free:
            problems.append(
                RowError(
                    offer.row,
                    "places",
                    _(
                        "Najwyżej %(free)d: tyle miejsc akredytacji (%(places)d) jest wolnych "
                        "po odjęciu zajętych."
                    )
                    % {"free": free, "places": accreditation.places},
                )
            )
    if problems:
        raise TrainingError(row_errors=problems)
    current = {
        o.field.code: o for o in OfferedPlaces.objects.filter(unit=unit).select_related("field")
    }
    changes = {}
    for code, offer in wanted.items():
        old = current.get(code)
        if old is None:
            OfferedPlaces.objects.create(
                unit=unit, field=accreditations[code].field, places=offer.places
            )
            changes[code] = [None, offer.places]
        elif old.places != offer.places:
            changes[code] = [old.places, offer.places]
            old.places = offer.places
            old.save(update_fields=["places", "updated_at"])
    for code in current.keys() - wanted.keys():
        changes[code] = [current[code].places, None]
        current[code].delete()
    if changes:
        log_training_event(
            unit, "training.offered_places_saved", user=user, profile=profile, data=changes
        )
    return changes
