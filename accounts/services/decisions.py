"""The administrator's side: a role request approved or rejected, a profile blocked or
unblocked; the requester is e-mailed."""

import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.institutions import institution_label
from accounts.models import Profile, ProfileRole, RoleRequest, RoleRequestStatus, User
from accounts.services.common import (
    AccountsError,
    email_requester,
    lock_pending,
    lock_profile,
    lock_request,
    note_status_change,
    record_decision,
    status_of,
)
from smk.audit import log_event, register_actions

register_actions(
    {
        "role_request.approved": gettext_lazy("Zatwierdzenie wniosku o rolę"),
        "role_request.rejected": gettext_lazy("Odrzucenie wniosku o rolę"),
        "profile.blocked": gettext_lazy("Zablokowanie profilu"),
        "profile.unblocked": gettext_lazy("Odblokowanie profilu"),
        "role_request.archived": gettext_lazy("Zarchiwizowanie wniosku o rolę"),
    }
)


def _email_decision(request: RoleRequest, subject: str, template: str, action: str) -> None:
    email_requester(
        request.batch.user,
        subject % {"number": request.number},
        template,
        {
            "request": request,
            "role": request.get_role_display(),
            "institution": institution_label(request.profile),
        },
        reason=f"{action} {request.number}",
    )


@transaction.atomic(durable=True)
def approve_request(request_id: int, *, user: User, acting_profile) -> RoleRequest:
    """ "Zatwierdź": the role becomes active in the profile; the requester is e-mailed."""
    request, profile, old_profile_status = lock_pending(request_id)
    if profile.is_blocked:
        raise AccountsError(_("Profil jest zablokowany — odblokuj go, zanim zatwierdzisz wniosek."))
    request.approve()
    role, created = ProfileRole.objects.get_or_create(
        profile=profile, role=request.role, defaults={"request": request}
    )
    if not created and role.request_id is None:
        role.request = request
        role.save(update_fields=["request"])
    record_decision(
        request,
        profile,
        old_profile_status,
        "role_request.approved",
        user=user,
        acting_profile=acting_profile,
        data={"number": request.number, "role": request.role},
    )
    _email_decision(
        request,
        _("Powiadomienie o akceptacji wniosku %(number)s"),
        "request_approved.txt",
        "role_request.approved",
    )
    return request


@transaction.atomic(durable=True)
def reject_request(request_id: int, *, user: User, acting_profile, reason: str) -> RoleRequest:
    """ "Odrzuć" with a reason; the requester is e-mailed."""
    reason = (reason or "").strip()
    if not reason:
        raise AccountsError(field_errors={"reason": _("Podaj powód odrzucenia wniosku.")})
    request, profile, old_profile_status = lock_pending(request_id)
    request.reject()
    request.rejection_reason = reason
    record_decision(
        request,
        profile,
        old_profile_status,
        "role_request.rejected",
        user=user,
        acting_profile=acting_profile,
        data={"number": request.number, "reason": reason},
    )
    _email_decision(
        request,
        _("Powiadomienie o odrzuceniu wniosku %(number)s"),
        "request_rejected.txt",
        "role_request.rejected",
    )
    return request


@transaction.atomic(durable=True)
def block_profile(profile_id: int, *, user: User, acting_profile, reason: str) -> Profile:
    """ "Zablokuj": the profile becomes zablokowany and cannot be worked in."""
    reason = (reason or "").strip()
    if not reason:
        raise AccountsError(field_errors={"reason": _("Podaj powód zablokowania profilu.")})
    profile = lock_profile(profile_id)
    if profile.is_blocked:
        raise AccountsError(_("Ten profil jest już zablokowany."))
    if acting_profile is not None and profile.pk == acting_profile.pk:
        raise AccountsError(_("Nie możesz zablokować profilu, w którym pracujesz."))
    old_status = status_of(profile)
    profile.blocked_at, profile.block_reason = timezone.now(), reason
    profile.status_changed_at = profile.blocked_at
    profile.version += 1
    profile.save(update_fields=["blocked_at", "block_reason", "status_changed_at", "version"])
    log_event(
        profile,
        "profile.blocked",
        user=user,
        profile=acting_profile,
        old_status=old_status,
        new_status="zablokowany",
        data={"reason": reason},
    )
    email_requester(
        profile.user,
        _("Profil w systemie SMK został zablokowany"),
        "profile_blocked.txt",
        {"institution": institution_label(profile), "reason": reason},
        reason=f"profile.blocked {profile.pk}",
    )
    return profile


@transaction.atomic(durable=True)
def unblock_profile(profile_id: int, *, user: User, acting_profile) -> Profile:
    profile = lock_profile(profile_id)
    if not profile.is_blocked:
        raise AccountsError(_("Ten profil nie jest zablokowany."))
    profile.blocked_at, profile.block_reason = None, ""
    profile.status_changed_at = timezone.now()
    profile.version += 1
    profile.save(update_fields=["blocked_at", "block_reason", "status_changed_at", "version"])
    log_event(
        profile,
        "profile.unblocked",
        user=user,
        profile=acting_profile,
        old_status="zablokowany",
        new_status=status_of(profile),
    )
    return profile


def archive_due_requests(now: datetime.datetime | None = None) -> int:
    """Archive every request rejected (by the administrator or withdrawn by the requester)
    more than ``ROLE_REQUEST_ARCHIVE_DAYS`` ago; each in its own transaction. A profile whose
    every request is then zarchiwizowany becomes odrzucony (seed 003). Returns how many."""
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(days=settings.ROLE_REQUEST_ARCHIVE_DAYS)
    due = RoleRequest.objects.filter(status=RoleRequestStatus.REJECTED, decided_at__lt=cutoff)
    return sum(_archive(pk, now) for pk in due.order_by("pk").values_list("pk", flat=True))


@transaction.atomic(durable=True)
def _archive(request_id: int, now: datetime.datetime) -> bool:
    request = lock_request(request_id)
    if request.status != RoleRequestStatus.REJECTED:
        return False  # decided again meanwhile (nothing does today, but never archive twice)
    profile = lock_profile(request.profile_id)
    old_profile_status = status_of(profile)
    request.archive()
    request.archived_at = now
    request.save(update_fields=["status", "archived_at"])
    log_event(
        request,
        "role_request.archived",
        old_status=RoleRequestStatus.REJECTED,
        new_status=RoleRequestStatus.ARCHIVED,
        data={"number": request.number},
    )
    note_status_change(profile, old_profile_status)
    return True
