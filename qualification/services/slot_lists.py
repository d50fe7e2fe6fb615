"""Writes of the slot list (lista miejsc szkoleniowych): places, approval, publication.

Each public function is one durable transaction that locks the list's row first, so a clerk
saving places and the Wojewoda approving at the same moment queue up: whoever comes second
finds the new state and gets a clear message.
"""

import hashlib

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import can_proceed

from qualification.models import SlotList, SlotListItem, SlotListStatus
from smk.audit import log_event

#: (field id, mode id) → places
Places = dict[tuple[int, int], int]


class SlotListError(Exception):
    """A slot list action refused; the message is for the clerk, in Polish."""


def current_places(slot_list: SlotList) -> Places:
    """The list's places; a field and mode without a row has none."""
    return {
        (item.field_id, item.mode_id): item.places for item in slot_list.items.all() if item.places
    }


def places_fingerprint(places: Places) -> str:
    """A short digest of the places, carried by the edit form: if it differs when the form is
    saved, someone else changed the list in the meantime."""
    text = ";".join(f"{f}:{m}:{n}" for (f, m), n in sorted(places.items()) if n)
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def _locked(slot_list_id: int) -> SlotList:
    return (
        SlotList.objects.select_for_update()
        .select_related("session", "voivodeship")
        .get(pk=slot_list_id)
    )


@transaction.atomic(durable=True)
def save_places(
    slot_list_id: int, places: Places, *, fingerprint: str, user, profile, labels=None
) -> int:
    """Store the places per field and mode of a draft list; returns how many changed.

    ``labels`` maps (field id, mode id) to a readable name for the history entry.
    """
    slot_list = _locked(slot_list_id)
    if not slot_list.is_editable:
        raise SlotListError(
            _(
                "Lista miejsc szkoleniowych ma status „%(status)s” — zatwierdzonej listy nie "
                "można zmieniać."
            )
            % {"status": slot_list.get_status_display()}
        )
    items = {(i.field_id, i.mode_id): i for i in SlotListItem.objects.filter(slot_list=slot_list)}
    before = {key: item.places for key, item in items.items() if item.places}
    if places_fingerprint(before) != fingerprint:
        raise SlotListError(
            _(
                "W międzyczasie ktoś inny zmienił tę listę miejsc. Sprawdź aktualne liczby "
                "miejsc i wprowadź zmiany ponownie."
            )
        )
    changes = {key: (before.get(key, 0), n) for key, n in places.items() if before.get(key, 0) != n}
    if not changes:
        return 0
    to_update, to_create, to_delete = [], [], []
    for (field_id, mode_id), (_old, new) in changes.items():
        item = items.get((field_id, mode_id))
        if item is None:
            to_create.append(
                SlotListItem(slot_list=slot_list, field_id=field_id, mode_id=mode_id, places=new)
            )
        elif new == 0:
            to_delete.append(item.pk)
        else:
            item.places = new
            to_update.append(item)
    SlotListItem.objects.filter(pk__in=to_delete).delete()
    SlotListItem.objects.bulk_update(to_update, ["places"])
    SlotListItem.objects.bulk_create(to_create)
    labels = labels or {}
    log_event(
        slot_list,
        "slot_list.places_changed",
        user=user,
        profile=profile,
        data={
            str(labels.get(key, f"{key[0]}/{key[1]}")): [old, new]
            for key, (old, new) in sorted(changes.items())
        },
    )
    return len(changes)


def _transition(slot_list_id: int, method: str, action: str, refusal, stamp, *, user, profile):
    """Run the django-fsm transition ``method``; ``stamp`` names the (when, who) fields."""
    slot_list = _locked(slot_list_id)
    transition = getattr(slot_list, method)
    if not can_proceed(transition):
        raise SlotListError(refusal(slot_list))
    old_status = slot_list.status
    transition()
    at, by = stamp
    setattr(slot_list, at, timezone.now())
    setattr(slot_list, by, user)
    slot_list.save(update_fields=["status", at, by])
    log_event(
        slot_list,
        action,
        user=user,
        profile=profile,
        old_status=old_status,
        new_status=slot_list.status,
    )
    return slot_list


def _approve_refusal(slot_list: SlotList) -> str:
    if slot_list.status != SlotListStatus.DRAFT:
        return _("Lista miejsc szkoleniowych została już zatwierdzona.")
    return _(
        "Lista nie zawiera żadnego miejsca szkoleniowego. Wprowadź liczby miejsc przed "
        "zatwierdzeniem."
    )


def _publish_refusal(slot_list: SlotList) -> str:
    if slot_list.status == SlotListStatus.PUBLISHED:
        return _("Lista miejsc szkoleniowych została już opublikowana.")
    return _("Opublikować można tylko zatwierdzoną listę miejsc szkoleniowych.")


@transaction.atomic(durable=True)
def approve_slot_list(slot_list_id: int, *, user, profile) -> SlotList:
    """ "Zatwierdź" (the Wojewoda): the list can no longer be edited."""
    return _transition(
        slot_list_id,
        "approve",
        "slot_list.approved",
        _approve_refusal,
        ("approved_at", "approved_by"),
        user=user,
        profile=profile,
    )


@transaction.atomic(durable=True)
def publish_slot_list(slot_list_id: int, *, user, profile) -> SlotList:
    """ "Opublikuj" (the Wojewoda): the list becomes visible to applicants."""
    return _transition(
        slot_list_id,
        "publish",
        "slot_list.published",
        _publish_refusal,
        ("published_at", "published_by"),
        user=user,
        profile=profile,
    )
