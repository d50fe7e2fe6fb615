"""What every accreditation action shares: its refusals, the stale-page check, the history."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_fsm import has_transition_perm

from smk.audit import log_event

STALE_MESSAGE = gettext_lazy(
    "Dane zostały zmienione przez innego użytkownika — odśwież stronę i spróbuj ponownie"
)


class AccreditationError(Exception):
    """An action refused. ``field_errors`` maps form fields to messages shown next to them."""

    def __init__(self, message: str = "", field_errors: dict[str, str] | None = None):
        self.field_errors = field_errors or {}
        super().__init__(message or " ".join(str(m) for m in self.field_errors.values()))


class StaleVersion(AccreditationError):
    """The form was posted from a page older than the row: nothing is changed."""

    def __init__(self):
        super().__init__(str(STALE_MESSAGE))


def check_version(obj, version: int | None) -> None:
    if version is not None and obj.version != version:
        raise StaleVersion


def check_open(obj, method_name: str, profile) -> None:
    """Refuse a transition the state machine does not offer this profile now (its source,
    conditions and permission), as the buttons never offer it."""
    if not has_transition_perm(getattr(obj, method_name), profile):
        raise AccreditationError(
            _("Tej czynności nie można wykonać w obecnym stanie („%(state)s”).")
            % {"state": state_text(obj)}
        )


def state_text(obj) -> str:
    label = getattr(obj, "state_label", None)
    return str(label) if label is not None else str(obj.get_status_display())


def save_version(obj, fields) -> None:
    """Save ``fields`` of a shared row and bump its version (one form, one change)."""
    obj.version += 1
    obj.save(update_fields=[*fields, "version"])


def text(value) -> str:
    """A value as the history shows it."""
    if value is None or value == "":
        return "—"
    if hasattr(value, "strftime"):
        return value.strftime("%d.%m.%Y")
    return str(value)


def log(obj, action, old_status, *, user, profile, data=None):
    return log_event(
        obj,
        action,
        user=user,
        profile=profile,
        old_status=old_status,
        new_status=obj.status,
        data=data or {},
    )
