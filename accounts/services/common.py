"""What the requester's and the administrator's actions share: the errors, the locks (a
profile, a request, a batch of requests), the profile's derived status and e-mail to the
requester."""

from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Profile, RoleRequest, RoleRequestBatch, RoleRequestStatus, User
from smk.audit import log_event
from smk.notifications import absolute_url, queue_email

EMAIL_TEMPLATES = "accounts/email/"


class AccountsError(Exception):
    """An action refused; ``field_errors`` maps form fields to messages shown next to them."""

    def __init__(self, message: str = "", field_errors: dict[str, str] | None = None):
        self.field_errors = field_errors or {}
        super().__init__(message or " ".join(str(m) for m in self.field_errors.values()))


class UnsafeFileRemoved(AccountsError):
    """The scanner found malware: the file was not kept and the requester was e-mailed."""


def status_of(profile: Profile) -> str:
    return Profile.objects.with_status().values_list("derived_status", flat=True).get(pk=profile.pk)


def note_status_change(profile: Profile, old_status: str | None) -> str:
    """Record "Data ostatniej zmiany statusu" when the derived status moved (``None``: the
    profile was just created)."""
    new_status = status_of(profile)
    if old_status is None or new_status != old_status:
        profile.status_changed_at = timezone.now()
        profile.save(update_fields=["status_changed_at"])
    return new_status


def lock_profile(profile_id: int) -> Profile:
    return (
        Profile.objects.select_for_update(of=("self",))
        .select_related("user", "voivodeship", "unit")
        .get(pk=profile_id)
    )


def lock_request(request_id: int) -> RoleRequest:
    return (
        RoleRequest.objects.select_for_update(of=("self",))
        .select_related("batch", "batch__user", "profile")
        .get(pk=request_id)
    )


def email_requester(user: User, subject: str, template: str, context: dict, reason: str):
    context = {
        "user": user,
        "site_url": absolute_url("accounts:my_account"),
        **context,
    }
    queue_email(
        [user.email], subject, template=EMAIL_TEMPLATES + template, context=context, reason=reason
    )


def lock_own_batch(batch_id: int, user: User) -> RoleRequestBatch:
    return (
        RoleRequestBatch.objects.select_for_update(of=("self",))
        .select_related("profile", "user")
        .get(pk=batch_id, user=user)
    )


def require_pending(batch: RoleRequestBatch) -> None:
    if not batch.requests.filter(status=RoleRequestStatus.PENDING).exists():
        raise AccountsError(
            _("Wszystkie wnioski z tego dokumentu zostały już rozpatrzone — nie można go zmieniać.")
        )


def lock_pending(request_id: int, *, refusal: str = "") -> tuple[RoleRequest, Profile, str]:
    """Lock a pending request and its profile (in that order); also the profile's status."""
    request = lock_request(request_id)
    if not request.is_pending:
        raise AccountsError(
            refusal
            or _("Ten wniosek został już rozpatrzony (status: %(status)s).")
            % {"status": request.get_status_display()}
        )
    profile = lock_profile(request.profile_id)
    return request, profile, status_of(profile)


def record_decision(
    request, profile, old_profile_status, action, *, user, acting_profile, data
) -> None:
    request.decided_at, request.decided_by = timezone.now(), user
    request.save()
    log_event(
        request,
        action,
        user=user,
        profile=acting_profile,
        old_status=RoleRequestStatus.PENDING,
        new_status=request.status,
        data=data,
    )
    note_status_change(profile, old_profile_status)
