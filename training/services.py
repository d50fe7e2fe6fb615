"""The training unit's writes: its data, its schedule, the initial load, the offered places
and the activation of its integration (the seed 004 operations, issue 16 item 3).

Each is one durable transaction that locks the unit's catalogue row first (so two writes of
one unit, from two screens or a screen and the API, queue up), checks, changes and writes one
history event naming the actor (a person's institution, or the API client). The screens and
the API call the same functions: parsing is theirs, the rules are here.

Rows (a schedule, a file of trainees, offered places) are refused all or nothing: every
problem is collected as a :class:`RowError` naming the row and the field, and nothing is
written unless there is none.
"""

import datetime
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from stdnum.pl import pesel as pesel_number

from reference.models import Accreditation, TrainingUnit
from smk.audit import log_event, register_actions
from training import capacity
from training.models import (
    MAX_NOTIFICATION_EMAILS,
    Integration,
    OfferedPlaces,
    ScheduledStart,
    Trainee,
    UnitContact,
)

#: One initial load (one request, one file) holds at most this many rows.
MAX_TRAINEE_ROWS = 5000
#: A schedule holds at most this many starts.
MAX_SCHEDULED_STARTS = 1000

register_actions(
    {
        "training.contact_saved": gettext_lazy("Zapisano dane jednostki"),
        "training.schedule_saved": gettext_lazy("Zapisano harmonogram rozpoczęć"),
        "training.trainees_loaded": gettext_lazy("Zasilenie: osoby w trakcie szkolenia"),
        "training.offered_places_saved": gettext_lazy("Zapisano miejsca oferowane"),
        "training.integration_activated": gettext_lazy("Aktywowano integrację jednostki"),
    }
)


class TrainingError(Exception):
    """A write refused; ``field_errors`` name the fields, ``row_errors`` the rows."""

    def __init__(self, message="", *, field_errors=None, row_errors=None):
        self.message = str(message)
        self.field_errors = field_errors or {}
        self.row_errors = sorted(row_errors or (), key=lambda e: (e.row, e.field))
        super().__init__(self.message or self.field_errors or self.row_errors)


@dataclass(frozen=True)
class RowError:
    row: int
    field: str
    message: str


@dataclass(frozen=True)
class StartRow:
    row: int
    field: str  # the field's code
    starts_on: datetime.date
    places: int


@dataclass(frozen=True)
class TraineeRow:
    row: int
    pesel: str
    field: str  # the field's code
    started_on: datetime.date
    ended_on: datetime.date | None = None


@dataclass(frozen=True)
class OfferRow:
    row: int
    field: str  # the field's code
    places: int


@dataclass(frozen=True)
class LoadResult:
    created: int
    updated: int
    unchanged: int


def _day(value: datetime.date) -> str:
    return value.strftime("%d.%m.%Y")


def _lock_unit(unit_id: int) -> TrainingUnit:
    # FOR NO KEY UPDATE: a referral saved with this unit (its foreign key takes FOR KEY SHARE
    # on the row) must not wait for it, or a "Przydziel" holding the accreditation's lock and
    # a load holding this one would deadlock.
    return TrainingUnit.objects.select_for_update(no_key=True).get(pk=unit_id)


def active_accreditations(unit_id: int) -> dict[str, Accreditation]:
    """The unit's accreditations in force today, by their field's code."""
    return {
        a.field.code: a
        for a in Accreditation.objects.active()
        .filter(unit_id=unit_id)
        .select_related("field")
        .order_by("pk")
    }


def _not_accredited(row: int, code: str) -> RowError:
    return RowError(
        row,
        "field",
        _("Jednostka nie ma aktywnej akredytacji w dziedzinie „%(field)s”.") % {"field": code},
    )


def _repeated(rows, key, field: str, message) -> list[RowError]:
    """Rows whose ``key`` an earlier row had already: ``message`` names that row."""
    first_row, problems = {}, []
    for row in rows:
        earlier = first_row.setdefault(key(row), row.row)
        if earlier != row.row:
            problems.append(RowError(row.row, field, str(message) % {"row": earlier}))
    return problems


def _log(unit, action, *, user, profile, data):
    return log_event(unit, action, user=user, profile=profile, data=data)


# ---- zapiszDaneMus --------------------------------------------------------------------------


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
    unit = _lock_unit(unit_id)
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
    _log(unit, "training.contact_saved", user=user, profile=profile, data=changed)
    return contact


# ---- zapiszHarmonogram ----------------------------------------------------------------------


def _schedule_problems(starts: Sequence[StartRow], accreditations) -> list[RowError]:
    problems = []
    for start in starts:
        accreditation = accreditations.get(start.field)
        if accreditation is None:
            problems.append(_not_accredited(start.row, start.field))
            continue
        if accreditation.valid_to and start.starts_on > accreditation.valid_to:
            problems.append(
                RowError(
                    start.row,
                    "date",
                    _("Data jest późniejsza niż koniec ważności akredytacji (%(day)s).")
                    % {"day": _day(accreditation.valid_to)},
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
    return problems + _repeated(
        starts,
        lambda s: (s.field, s.starts_on),
        "date",
        gettext_lazy("Ten termin w tej dziedzinie podano już w wierszu %(row)d."),
    )


@transaction.atomic(durable=True)
def save_schedule(unit_id: int, starts: Sequence[StartRow], *, user, profile) -> dict:
    """ "Harmonogram rozpoczęć": the whole schedule, replacing the one before. Returns the
    counts of starts added, removed and changed."""
    unit = _lock_unit(unit_id)
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
        _log(unit, "training.schedule_saved", user=user, profile=profile, data=counts)
    return counts


# ---- zasilInicjalnie ------------------------------------------------------------------------


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
            problems.append(_not_accredited(row.row, row.field))
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
                        % {"day": _day(today)},
                    )
                )
    return problems + _repeated(
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
    unit = _lock_unit(unit_id)
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
        _log(
            unit,
            "training.trainees_loaded",
            user=user,
            profile=profile,
            data={"created": result.created, "updated": result.updated, "rows": len(rows)},
        )
    return result


# ---- zapiszSloty ----------------------------------------------------------------------------


@transaction.atomic(durable=True)
def save_offered_places(unit_id: int, offers: Sequence[OfferRow], *, user, profile) -> dict:
    """ "Miejsca oferowane" for the coming session, per accredited field, replacing the
    declaration before (a field left out is no longer offered). Never above the free places:
    the accreditation's places minus every place held, read under the accreditation's lock."""
    unit = _lock_unit(unit_id)
    accreditations = active_accreditations(unit_id)
    problems = [_not_accredited(o.row, o.field) for o in offers if o.field not in accreditations]
    problems += [
        RowError(o.row, "places", _("Liczba miejsc nie może być ujemna."))
        for o in offers
        if o.places < 0
    ]
    problems += _repeated(
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
        _log(unit, "training.offered_places_saved", user=user, profile=profile, data=changes)
    return changes


# ---- aktywujMus -----------------------------------------------------------------------------


@dataclass(frozen=True)
class IntegrationStatus:
    activated_at: datetime.datetime | None
    activated_by: str
    #: What activation still waits for (empty: it can be activated).
    missing: tuple[str, ...]

    @property
    def is_active(self) -> bool:
        return self.activated_at is not None


def integration_status(unit_id: int) -> IntegrationStatus:
    integration = Integration.objects.filter(unit_id=unit_id).first()
    missing = []
    if not UnitContact.objects.filter(unit_id=unit_id).exists():
        missing.append(_("dane jednostki (osoba do kontaktu, telefon, e-mail)"))
    accredited = Accreditation.objects.active().filter(unit_id=unit_id).values("field_id")
    if not ScheduledStart.objects.filter(
        unit_id=unit_id, starts_on__gte=timezone.localdate(), field_id__in=accredited
    ).exists():
        missing.append(_("harmonogram rozpoczęć z co najmniej jednym terminem od dziś"))
    return IntegrationStatus(
        activated_at=integration.activated_at if integration else None,
        activated_by=integration.activated_by if integration else "",
        missing=tuple(str(m) for m in missing),
    )


def inactive_reason(status: IntegrationStatus) -> str:
    """Why the unit's integration is not active, as its system is told."""
    if status.missing:
        return _(
            "Integracja jednostki nie jest aktywna. Do aktywacji brakuje: %(missing)s; potem "
            "aktywuj integrację."
        ) % {"missing": "; ".join(status.missing)}
    return _("Integracja jednostki nie jest aktywna — aktywuj integrację.")


@transaction.atomic(durable=True)
def activate(unit_id: int, *, user, profile) -> Integration:
    """ "Aktywuj integrację": once the unit's data and schedule are in. Activating an active
    integration changes nothing."""
    unit = _lock_unit(unit_id)
    integration, _created = Integration.objects.get_or_create(unit=unit)
    if integration.is_active:
        return integration
    status = integration_status(unit_id)
    if status.missing:
        raise TrainingError(
            _("Integracji nie można jeszcze aktywować. Brakuje: %(missing)s.")
            % {"missing": "; ".join(status.missing)}
        )
    event = _log(unit, "training.integration_activated", user=user, profile=profile, data={})
    integration.activated_at = event.created_at
    integration.activated_by = event.acting_as[:300]
    integration.save(update_fields=["activated_at", "activated_by"])
    return integration
