"""zapiszHarmonogram: the unit's schedule of training starts."""

from collections.abc import Sequence

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from training.models import ScheduledStart
from training.services.rows import (
    MAX_SCHEDULED_STARTS,
    RowError,
    StartRow,
    TrainingError,
    active_accreditations,
    format_day,
    lock_unit,
    log_training_event,
    not_accredited,
    repeated_rows,
)


def _schedule_problems(starts: Sequence[StartRow], accreditations) -> list[RowError]:
    problems = []
    for start in starts:
        accreditation = accreditations.get(start.field)
        if accreditation is None:
            problems.append(not_accredited(start.row, start.field))
            continue
        if accreditation.valid_to and start.starts_on > accreditation.valid_to:
            problems.append(
                RowError(
                    start.row,
                    "date",
                    _("Data jest późniejsza niż koniec ważności akredytacji (%(day)s).")
                    % {"day": format_day(accreditation.valid_to)},
                )
            )
        if not 1 <= start.places <= accreditation.places:
            problems.append(
                RowError(
                    start.row,
                    "places",
                    _("Liczba miejsc musi wynosić od 1 do %(n)d (miejsca akredytacji).")
                    % {"n": accreditation.places},
                )
            )
    return problems + repeated_rows(
        starts,
        lambda s: (s.field, s.starts_on),
        "date",
        gettext_lazy("Ten termin w tej dziedzinie podano już w wierszu %(row)d."),
    )


@transaction.atomic(durable=True)
def save_schedule(unit_id: int, starts: Sequence[StartRow], *, user, profile) -> dict:
    """ "Harmonogram rozpoczęć": the whole schedule, replacing the one before. Returns the
    counts of starts added, removed and changed."""
    unit = lock_unit(unit_id)
    if len(starts) > MAX_SCHEDULED_STARTS:
        raise TrainingError(
            _("Harmonogram może mieć najwyżej %(n)d terminów.") % {"n": MAX_SCHEDULED_STARTS}
        )
    accreditations = active_accreditations(unit_id)
    problems = _schedule_problems(starts, accreditations)
    if problems:
        raise TrainingError(row_errors=problems)
    current = {
        (s.field.code, s.starts_on): s
        for s in ScheduledStart.objects.filter(unit=unit).select_related("field")
    }
    wanted = {(s.field, s.starts_on): s for s in starts}
    removed = [current[key].pk for key in current.keys() - wanted.keys()]
    added = [
        ScheduledStart(
            unit=unit,
            field=accreditations[key[0]].field,
            starts_on=key[1],
            places=wanted[key].places,
        )
        for key in wanted.keys() - current.keys()
    ]
    changed = [
        current[key]
        for key in wanted.keys() & current.keys()
        if current[key].places != wanted[key].places
    ]
    for start in changed:
        start.places = wanted[(start.field.code, start.starts_on)].places
    ScheduledStart.objects.filter(pk__in=removed).delete()
    ScheduledStart.objects.bulk_create(added)
    ScheduledStart.objects.bulk_update(changed, ["places"])
    counts = {"added": len(added), "removed": len(removed), "changed": len(changed)}
    if any(counts.values()):
        log_training_event(unit, "training.schedule_saved", user=user, profile=profile, data=counts)
    return counts
