"""The entries of a card: the diagnostician enters, corrects, deletes and passes them on
("Przekaż do potwierdzenia"); the kierownik confirms them ("Potwierdź", many at once) or
rejects them with a reason ("Odrzuć").

Every action locks the card first, so it queues behind any other action on the same card
(the kierownik's "Potwierdź zakończenie specjalizacji" included), then the entries it
changes; each entry the form showed carries its version, and an older one refuses the whole
action, which changes nothing.
"""

import datetime
from collections.abc import Mapping

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_fsm import has_transition_perm

from eks import notifications
from eks.models import Entry, is_trainee_of
from eks.services.common import EKSError, StaleEKS, day_text, lock_card, log
from eks.statuses import EntryStatus
from reference.models import ElementKind, ProgrammeElement
from registry.models import EKSStatus
from smk.audit import register_actions
from smk.uploads import delete_after_commit, removed_on_failure

register_actions(
    {
        "eks.entry_added": gettext_lazy("Wprowadzenie wpisu"),
        "eks.entry_corrected": gettext_lazy("Poprawienie wpisu"),
        "eks.entry_deleted": gettext_lazy("Usunięcie wpisu"),
        "eks.entries_submitted": gettext_lazy("Przekazanie wpisów do potwierdzenia"),
        "eks.entries_confirmed": gettext_lazy("Potwierdzenie wpisów przez kierownika"),
        "eks.entry_rejected": gettext_lazy("Odrzucenie wpisu przez kierownika"),
    }
)

#: Procedures one entry may record at most (a tampered form gets a message).
MAX_COUNT = 999


def entry_text(entry) -> str:
    """How the history names an entry: its element and dates."""
    return f"{entry.element.name} ({day_text(entry.date_from)}–{day_text(entry.date_to)})"


def _refuse_closed(card) -> None:
    if card.status != EKSStatus.OPEN:
        raise EKSError(
            _("Karta ma status „%(status)s”: wpisów nie można teraz zmieniać.")
            % {"status": card.status_label}
        )


def _element(card, element_id) -> ProgrammeElement:
    element = (
        ProgrammeElement.objects.select_related("module")
        .filter(pk=element_id, module__programme_id=card.programme_id)
        .first()
    )
    if element is None:
        raise EKSError(field_errors={"element": _("Wybierz element programu tej karty.")})
    return element


def _checked(card, element, *, date_from, date_to, place, count, has_certificate) -> dict:
    """The entry's values as they will be saved, or every problem next to its field."""
    errors = {}
    today = timezone.localdate()
    if date_from < card.start_date:
        errors["date_from"] = _(
            "Data nie może być wcześniejsza niż rozpoczęcie szkolenia (%(day)s)."
        ) % {"day": day_text(card.start_date)}
    if date_to < date_from:
        errors["date_to"] = _("Data zakończenia nie może być wcześniejsza niż rozpoczęcia.")
    elif date_to > today:
        errors["date_to"] = _("Wpisz to, co zostało już odbyte: data nie może być z przyszłości.")
    place = (place or "").strip()
    if not place:
        errors["place"] = _("Podaj miejsce odbycia.")
    if element.kind == ElementKind.PROCEDURE:
        if not count or not 1 <= count <= MAX_COUNT:
            errors["count"] = _("Podaj liczbę wykonanych procedur (od 1 do %(max)s).") % {
                "max": MAX_COUNT
            }
    else:
        count = None
    if element.kind != ElementKind.PROCEDURE and not has_certificate:
        errors["certificate"] = _("Dołącz zaświadczenie (PDF lub JPG).")
    if errors:
        raise EKSError(field_errors=errors)
    return {"date_from": date_from, "date_to": date_to, "place": place, "count": count}


def _store_certificate(entry, upload, content_type) -> None:
    entry.certificate_name = (upload.name or "zaswiadczenie")[-255:]
    entry.certificate_size = upload.size
    entry.certificate_type = content_type
    upload.seek(0)
    entry.certificate.save(upload.name or "zaswiadczenie", upload, save=False)


def add_entry(
    card_id: int,
    *,
    element_id: int,
    date_from: datetime.date,
    date_to: datetime.date,
    place: str,
    count: int | None = None,
    certificate=None,
    content_type: str = "",
    user,
    profile,
) -> Entry:
    """A new entry (status wprowadzony). ``certificate``: an upload the form has checked
    (``smk.uploads.validate_document``) with its ``content_type``; required for courses and
    internships."""
    with removed_on_failure() as kept, transaction.atomic(durable=True):
        card = lock_card(card_id)
        if not is_trainee_of(card, profile):
            raise EKSError(_("Wpisy wprowadza Diagnosta, którego jest ta karta."))
        _refuse_closed(card)
        element = _element(card, element_id)
        values = _checked(
            card,
            element,
            date_from=date_from,
            date_to=date_to,
            place=place,
            count=count,
            has_certificate=certificate is not None,
        )
        entry = Entry(card=card, element=element, created_by=user, **values)
        if certificate is not None:
            _store_certificate(entry, certificate, content_type)
            kept(entry.certificate)
        entry.save()
        log(
            card,
            "eks.entry_added",
            user=user,
            profile=profile,
            data={"entry": entry_text(entry), "place": entry.place, **_amount(entry)},
        )
    return entry


def _amount(entry) -> dict:
    if entry.element.kind == ElementKind.PROCEDURE:
        return {"count": str(entry.count)}
    if entry.element.kind == ElementKind.INTERNSHIP:
        return {"weeks": str(entry.weeks)}
    return {}


def _locked_entry(card, entry_id: int, version: int | None) -> Entry:
    entry = (
        Entry.objects.select_for_update(of=("self",))
        .select_related("element")
        .filter(pk=entry_id, card_id=card.pk)
        .first()
    )
    if entry is None:
        raise EKSError(_("Nie znaleziono wpisu."))
    entry.card = card  # the locked card, with what the permissions read
    if version is not None and entry.version != version:
        raise StaleEKS
    return entry


def _card_of(entry_id: int) -> int:
    card_id = Entry.objects.filter(pk=entry_id).values_list("card_id", flat=True).first()
    if card_id is None:
        raise EKSError(_("Nie znaleziono wpisu."))
    return card_id


def _check(entry, method_name: str, profile) -> None:
    if not has_transition_perm(getattr(entry, method_name), profile):
        raise EKSError(
            _("Tego nie można zrobić z wpisem w statusie „%(status)s”.")
            % {"status": entry.status_label}
        )


def correct_entry(
    entry_id: int,
    *,
    version: int,
    date_from: datetime.date,
    date_to: datetime.date,
    place: str,
    count: int | None = None,
    certificate=None,
    content_type: str = "",
    user,
    profile,
) -> Entry:
    """Change an entered or rejected entry (it comes back as wprowadzony). Without a new
    certificate the one attached stays."""
    with removed_on_failure() as kept, transaction.atomic(durable=True):
        card = lock_card(_card_of(entry_id))
        entry = _locked_entry(card, entry_id, version)
        _refuse_closed(card)
        _check(entry, "correct", profile)
        old_status = entry.status
        values = _checked(
            card,
            entry.element,
            date_from=date_from,
            date_to=date_to,
            place=place,
            count=count,
            has_certificate=certificate is not None or bool(entry.certificate),
        )
        changed = {
            name: [_text(getattr(entry, name)), _text(value)]
            for name, value in values.items()
            if getattr(entry, name) != value
        }
        for name, value in values.items():
            setattr(entry, name, value)
        if certificate is not None:
            old_name = entry.certificate_name
            delete_after_commit(entry.certificate)  # the file replaced, once this commits
            _store_certificate(entry, certificate, content_type)
            kept(entry.certificate)
            changed["certificate"] = [_text(old_name), entry.certificate_name]
        entry.correct()
        entry.rejection_reason = ""
        entry.version += 1
        entry.save()
        log(
            card,
            "eks.entry_corrected",
            user=user,
            profile=profile,
            data={
                "entry": entry_text(entry),
                "entry_status": [str(EntryStatus(old_status).label), entry.status_label],
                **{f"changed_{k}": " → ".join(v) for k, v in changed.items()},
            },
        )
    return entry


def _text(value) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, datetime.date):
        return day_text(value)
    return str(value)


@transaction.atomic(durable=True)
def delete_entry(entry_id: int, *, version: int, user, profile) -> None:
    """Delete an entry not yet passed on (wprowadzony); its file goes after the commit."""
    card = lock_card(_card_of(entry_id))
    entry = _locked_entry(card, entry_id, version)
    _refuse_closed(card)
    if entry.status != EntryStatus.ENTERED or not is_trainee_of(card, profile):
        raise EKSError(_("Usunąć można tylko własny wpis w statusie „wprowadzony”."))
    text = entry_text(entry)
    entry.delete()
    delete_after_commit(entry.certificate)
    log(card, "eks.entry_deleted", user=user, profile=profile, data={"entry": text})


def _locked_entries(card, versions: Mapping[int, int]) -> list[Entry]:
    if not versions:
        raise EKSError(_("Zaznacz co najmniej jeden wpis."))
    entries = list(
        Entry.objects.select_for_update(of=("self",))
        .select_related("element")
        .filter(pk__in=list(versions), card_id=card.pk)
        .order_by("date_from", "pk")
    )
    if len(entries) != len(versions):
        raise StaleEKS  # an entry deleted (or never on this card) since the page was shown
    for entry in entries:
        entry.card = card
        if entry.version != versions[entry.pk]:
            raise StaleEKS
    return entries


@transaction.atomic(durable=True)
def submit_entries(card_id: int, *, versions: Mapping[int, int], user, profile) -> list[Entry]:
    """ "Przekaż do potwierdzenia": the chosen entries (id → version shown) go to the
    kierownik's queue."""
    card = lock_card(card_id)
    entries = _locked_entries(card, versions)
    now = timezone.now()
    for entry in entries:
        _check(entry, "submit", profile)
        entry.submit()
        entry.submitted_at = now
        entry.version += 1
        entry.save()
    log(
        card,
        "eks.entries_submitted",
        user=user,
        profile=profile,
        data={"entries": "\n".join(entry_text(e) for e in entries)},
    )
    notifications.entries_waiting(card, entries)
    return entries


@transaction.atomic(durable=True)
def confirm_entries(card_id: int, *, versions: Mapping[int, int], user, profile) -> list[Entry]:
    """ "Potwierdź": the kierownik confirms the chosen entries (id → version shown) at once."""
    card = lock_card(card_id)
    entries = _locked_entries(card, versions)
    now = timezone.now()
    for entry in entries:
        _check(entry, "confirm", profile)
        entry.confirm()
        entry.decided_at, entry.decided_by = now, user
        entry.version += 1
        entry.save()
    log(
        card,
        "eks.entries_confirmed",
        user=user,
        profile=profile,
        data={"entries": "\n".join(entry_text(e) for e in entries)},
    )
    notifications.entries_decided(card, entries, confirmed=True)
    return entries


@transaction.atomic(durable=True)
def reject_entry(entry_id: int, *, version: int, reason: str, user, profile) -> Entry:
    """ "Odrzuć" with a reason: the diagnostician may correct the entry and pass it on again."""
    card = lock_card(_card_of(entry_id))
    entry = _locked_entry(card, entry_id, version)
    _check(entry, "reject", profile)
    reason = (reason or "").strip()
    if not reason:
        raise EKSError(field_errors={"reason": _("Podaj powód odrzucenia.")})
    old_status = entry.status
    entry.reject()
    entry.rejection_reason = reason
    entry.decided_at, entry.decided_by = timezone.now(), user
    entry.version += 1
    entry.save()
    log(
        card,
        "eks.entry_rejected",
        user=user,
        profile=profile,
        data={
            "entry": entry_text(entry),
            "entry_status": [str(EntryStatus(old_status).label), entry.status_label],
            "reason": reason,
        },
    )
    notifications.entries_decided(card, [entry], confirmed=False)
    return entry
