"""One API for the history of everything (pretix ``log_action``, ``logdisplay``).

``log_event(obj, "referral.assigned", user=…, data=…)`` writes one append-only row;
``describe(event)`` gives its Polish text from the registry below. Apps add their actions with
``register_actions({...})`` in ``AppConfig.ready``.
"""

from collections.abc import Iterable

from django.contrib.contenttypes.models import ContentType
from django.utils.translation import gettext_lazy as _

from smk.models import Event

_DISPLAY: dict[str, str] = {}


def register_actions(texts: dict[str, str]) -> None:
    _DISPLAY.update(texts)


def describe(event: Event) -> str:
    return str(_DISPLAY.get(event.action, event.action))


def _acting_as(request_or_profile) -> str:
    profile = getattr(request_or_profile, "profile", request_or_profile)
    return str(profile.institution_name) if profile is not None else ""


def log_event(
    obj,
    action: str,
    *,
    user=None,
    profile=None,
    old_status: str = "",
    new_status: str = "",
    data: dict | None = None,
) -> Event:
    return Event.objects.create(
        target_type=ContentType.objects.get_for_model(obj, for_concrete_model=False),
        target_id=obj.pk,
        action=action,
        user=user if user is not None and user.is_authenticated else None,
        acting_as=_acting_as(profile),
        old_status=old_status or "",
        new_status=new_status or "",
        data=data or {},
    )


def log_events_bulk(
    model, rows: Iterable[tuple[int, str, str, dict]], *, action: str, user=None, profile=None
) -> int:
    """Insert many events of one action at once: ``rows`` are (pk, old, new, data)."""
    target_type = ContentType.objects.get_for_model(model, for_concrete_model=False)
    user = user if user is not None and user.is_authenticated else None
    acting_as = _acting_as(profile)
    events = [
        Event(
            target_type=target_type,
            target_id=pk,
            action=action,
            user=user,
            acting_as=acting_as,
            old_status=old,
            new_status=new,
            data=data,
        )
        for pk, old, new, data in rows
    ]
    Event.objects.bulk_create(events, batch_size=1000)
    return len(events)


def history(obj):
    return Event.objects.for_object(obj).select_related("user")


def changed_fields(form) -> dict:
    """What an edit form changed, as ``{field: [old, new]}`` of display strings."""
    changes = {}
    for name in form.changed_data:
        old = form.initial.get(name)
        new = form.cleaned_data.get(name)
        changes[name] = [_display(old), _display(new)]
    return changes


def _display(value) -> str:
    if value is None or value == "":
        return "—"
    return str(value)


register_actions({"created": _("Utworzono")})
