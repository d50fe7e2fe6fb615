"""zasilInicjalnie: the diagnosticians already in training at the unit."""

from collections import Counter, defaultdict
from collections.abc import Sequence

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from stdnum.pl import pesel as pesel_number

from training import capacity
from training.models import Trainee
from training.services.rows import (
    MAX_TRAINEE_ROWS,
    LoadResult,
    RowError,
    TraineeRow,
    TrainingError,
    active_accreditations,
    format_day,
    lock_unit,
    log_training_event,
    not_accredited,
    repeated_rows,
)


def _trainee_problems(rows: Sequence[TraineeRow], accreditations, today) -> list[RowError]:
    problems = []
    for row in rows:
        if not (len(row.pesel) == 11 and row.pesel.isdigit() and pesel_number.is_valid(row.pesel)):
            problems.append(
                RowError(
                    row.row, "pesel", _("Niepoprawny PESEL: 11 cyfr z prawidłową cyfrą kontrolną.")
                )
            )
        if row.field not in accreditations:
            problems.append(not_accredited(row.row, row.field))
        if row.ended_on is not None:
            if row.ended_on < row.started_on:
                problems.append(
                    RowError(
                        row.row,
                        "end_date",
                        _("Data zakończenia jest wcześniejsza niż data rozpoczęcia."),
                    )
                )
            elif row.ended_on > today:
                problems.append(
                    RowError(
                        row.row,
                        "end_date",
                        _("Data zakończenia nie może być późniejsza niż dziś (%(day)s).")
                        % {"day": format_day(today)},
                    )
                )
    return problems + repeated_rows(
        rows,
        lambda r: (r.pesel, r.field),
        "pesel",
        gettext_lazy("Ta osoba w tej dziedzinie jest już w wierszu %(row)d."),
    )


def _capacity_problems(unit_id, rows_taking, rows_freeing, accreditations) -> list[RowError]:
    """Rows that would take a place beyond the free ones, per field (the accreditation rows
    are locked here, in the order of their keys, until the transaction ends)."""
    taking = defaultdict(list)
    for row in rows_taking:
        taking[row.field].append(row)
    freeing = Counter(row.field for row in rows_freeing)
    problems = []
    for code in sorted(taking, key=lambda c: accreditations[c].pk):
        accreditation = accreditations[code]
        free = capacity.free_places(accreditation, lock=True) + freeing[code]
        beyond = taking[code][max(free, 0) :]
        problems += [
            RowError(
                row.row,
                "field",
                _(
                    "Brak wolnego miejsca w dziedzinie „%(field)s”: wolnych miejsc %(free)d, "
                    "a zasilenie dodaje %(taking)d osób w trakcie szkolenia."
                )
                % {
                    "field": accreditation.field.name,
                    "free": max(free, 0),
                    "taking": len(taking[code]),
                },
            )
            for row in beyond
        ]
    return problems


@transaction.atomic(durable=True)
def load_trainees(unit_id: int, rows: Sequence[TraineeRow], *, user, profile) -> LoadResult:
    """ "Zasilenie inicjalne": the diagnosticians already in training at the unit.

    Idempotent by PESEL and field: a row already loaded with the same dates changes nothing,
    with other dates it updates the row. All rows or none: any problem refuses the load. A
    trainee in training holds a place, so a load never takes more places of a field than are
    free (the accreditation is locked as ``ensure_free_place`` locks it).
    """
    unit = lock_unit(unit_id)
    if not rows:
        raise TrainingError(_("Zasilenie nie zawiera żadnego wiersza."))
    if len(rows) > MAX_TRAINEE_ROWS:
        raise TrainingError(
            _("Jedno zasilenie może mieć najwyżej %(n)d wierszy (jest %(found)d).")
            % {"n": MAX_TRAINEE_ROWS, "found": len(rows)}
        )
    accreditations = active_accreditations(unit_id)
    problems = _trainee_problems(rows, accreditations, timezone.localdate())
    if problems:
        raise TrainingError(row_errors=problems)
    existing = {
        (t.pesel, t.field.code): t
        for t in Trainee.objects.filter(unit=unit).select_related("field")
    }
    new, changed, taking, freeing = [], [], [], []
    for row in rows:
        trainee = existing.get((row.pesel, row.field))
        if trainee is None:
            new.append(row)
            if row.ended_on is None:
                taking.append(row)
            continue
        if (trainee.started_on, trainee.ended_on) == (row.started_on, row.ended_on):
            continue
        if trainee.ended_on is None and row.ended_on is not None:
            freeing.append(row)
        elif trainee.ended_on is not None and row.ended_on is None:
            taking.append(row)
        trainee.started_on, trainee.ended_on = row.started_on, row.ended_on
        changed.append(trainee)
    problems = _capacity_problems(unit_id, taking, freeing, accreditations)
    if problems:
        raise TrainingError(row_errors=problems)
    Trainee.objects.bulk_create(
        [
            Trainee(
                unit=unit,
                field=accreditations[row.field].field,
                pesel=row.pesel,
                started_on=row.started_on,
                ended_on=row.ended_on,
            )
            for row in new
        ],
        batch_size=1000,
    )
    now = timezone.now()
    for trainee in changed:
        trainee.updated_at = now
    Trainee.objects.bulk_update(changed, ["started_on", "ended_on", "updated_at"], batch_size=500)
    result = LoadResult(
        created=len(new), updated=len(changed), unchanged=len(rows) - len(new) - len(changed)
    )
    if result.created or result.updated:
        log_training_event(
            unit,
            "training.trainees_loaded",
            user=user,
            profile=profile,
            data={"created": result.created, "updated": result.updated, "rows": len(rows)},
        )
    return result
