"""The requester's side: "Zapisz wniosek" (numbered role requests), the PDF downloaded,
a request withdrawn, the attachment reminders, the profile's contact data."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.institutions import Institution
from accounts.models import (
    ROLES_BY_KIND,
    WITHDRAWN_REASON,
    Profile,
    Role,
    RoleRequest,
    RoleRequestBatch,
    RoleRequestStatus,
    User,
)
from accounts.services.common import (
    AccountsError,
    lock_own_batch,
    lock_pending,
    lock_profile,
    note_status_change,
    record_decision,
    status_of,
)
from smk.audit import log_event, register_actions
from smk.numbering import reserve_numbers

register_actions(
    {
        "role_request.submitted": gettext_lazy("Złożenie wniosku o rolę"),
        "role_request.withdrawn": gettext_lazy("Wycofanie wniosku przez wnioskującego"),
        "role_request.reminder_off": gettext_lazy(
            "Plik wysłany mailem lub pocztą — bez przypomnień o załączniku"
        ),
        "role_request.reminder_on": gettext_lazy("Przywrócenie przypomnień o załączniku"),
        "role_request.downloaded": gettext_lazy("Pobranie wygenerowanego wniosku (PDF)"),
        "profile.created": gettext_lazy("Utworzenie profilu"),
        "profile.contact_changed": gettext_lazy("Zmiana danych kontaktowych"),
    }
)


def reserve_request_numbers(count: int, year: int | None = None) -> list[str]:
    """``count`` new request numbers like U000593/2026: one sequence per year, never reused
    (:mod:`smk.numbering` locks the counter row until the caller's transaction ends)."""
    year = year or timezone.localdate().year
    return [
        f"U{int(raw.rsplit('/', 1)[1]):06d}/{year}" for raw in reserve_numbers(f"U/{year}", count)
    ]


@transaction.atomic(durable=True)
def submit_role_requests(
    *, user: User, institution: Institution, roles, phone: str, email: str
) -> RoleRequestBatch:
    """ "Zapisz wniosek": one numbered request per role, one batch (one PDF) for them all.

    The person's profile in the institution is created when missing (status nieaktywowany
    until a request is approved); a blocked profile takes no requests.
    """
    # One person's submissions queue up, so two tabs cannot create two profiles or ask twice.
    User.objects.select_for_update().filter(pk=user.pk).get()
    roles = sorted(set(roles))
    allowed = ROLES_BY_KIND.get(institution.kind, ())
    if not roles:
        raise AccountsError(field_errors={"roles": _("Wybierz co najmniej jedną rolę.")})
    if any(role not in allowed for role in roles):
        raise AccountsError(
            field_errors={"roles": _("Ta rola nie jest dostępna dla jednostki tego rodzaju.")}
        )
    profile, created = Profile.objects.get_or_create(user=user, **institution.profile_lookup())
    profile = lock_profile(profile.pk)
    if profile.is_blocked:
        raise AccountsError(
            _("Twój profil w tej jednostce jest zablokowany — nie możesz wnioskować o role.")
        )
    old_status = None if created else status_of(profile)
    held = set(profile.roles.values_list("role", flat=True))
    pending = set(profile.role_requests.pending().values_list("role", flat=True))
    if taken := [r for r in roles if r in held or r in pending]:
        raise AccountsError(
            field_errors={
                "roles": _("Tę rolę już pełnisz lub już o nią wnioskujesz: %(roles)s.")
                % {"roles": ", ".join(str(Role(r).label) for r in taken)}
            }
        )
    now = timezone.now()
    batch = RoleRequestBatch.objects.create(
        user=user, profile=profile, contact_phone=phone, contact_email=email, created_at=now
    )
    numbers = reserve_request_numbers(len(roles), year=timezone.localtime(now).year)
    requests = RoleRequest.objects.bulk_create(
        RoleRequest(batch=batch, profile=profile, role=role, number=number, created_at=now)
        for role, number in zip(roles, numbers, strict=True)
    )
    profile.contact_phone, profile.contact_email = phone, email
    profile.version += 1
    profile.save(update_fields=["contact_phone", "contact_email", "version"])
    if created:
        log_event(profile, "profile.created", user=user, data={"institution": institution.name})
    for request in requests:
        log_event(
            request,
            "role_request.submitted",
            user=user,
            new_status=RoleRequestStatus.PENDING,
            data={"number": request.number, "role": request.role, "institution": institution.name},
        )
    note_status_change(profile, old_status)
    return batch


@transaction.atomic(durable=True)
def mark_downloaded(batch_id: int, *, user: User) -> RoleRequestBatch:
    """The requester downloaded the PDF (needed before "Zakończ")."""
    batch = lock_own_batch(batch_id, user)
    if batch.downloaded_at is None:
        batch.downloaded_at = timezone.now()
        batch.save(update_fields=["downloaded_at"])
        log_event(batch, "role_request.downloaded", user=user)
    return batch


@transaction.atomic(durable=True)
def withdraw_request(request_id: int, *, user: User) -> RoleRequest:
    """ "Tak, wycofaj wniosek": odrzucony with the reason "Wycofany przez wnioskującego"."""
    if not RoleRequest.objects.filter(pk=request_id, batch__user=user).exists():
        raise RoleRequest.DoesNotExist
    request, profile, old_profile_status = lock_pending(
        request_id, refusal=_("Ten wniosek został już rozpatrzony — nie można go wycofać.")
    )
    request.reject()
    request.rejection_reason = str(WITHDRAWN_REASON)
    record_decision(
        request,
        profile,
        old_profile_status,
        "role_request.withdrawn",
        user=user,
        acting_profile=None,
        data={"reason": request.rejection_reason},
    )
    return request


@transaction.atomic(durable=True)
def set_attachment_sent_otherwise(request_ids, *, user: User, sent_otherwise: bool = True) -> int:
    """The per-request "Plik został wysłany mailem lub wydruk pocztą — nie przypominaj mi…"."""
    requests = list(
        RoleRequest.objects.select_for_update()
        .filter(pk__in=list(request_ids), batch__user=user, status=RoleRequestStatus.PENDING)
        .exclude(attachment_sent_otherwise=sent_otherwise)
        .order_by("pk")
    )
    for request in requests:
        request.attachment_sent_otherwise = sent_otherwise
        request.save(update_fields=["attachment_sent_otherwise"])
        log_event(
            request,
            "role_request.reminder_off" if sent_otherwise else "role_request.reminder_on",
            user=user,
        )
    return len(requests)


@transaction.atomic(durable=True)
def update_contact_data(profile_id: int, *, user: User, version: int, phone: str, email: str):
    """ "Edytuj dane kontaktowe": the phone and e-mail in one of the person's profiles."""
    profile = lock_profile(profile_id)
    if profile.user_id != user.pk:
        raise Profile.DoesNotExist
    if profile.version != version:
        raise AccountsError(
            _(
                "Dane kontaktowe zmieniono w międzyczasie (np. w innej karcie). "
                "Sprawdź je i zapisz ponownie."
            )
        )
    changes = {}
    if profile.contact_phone != phone:
        changes["contact_phone"] = [profile.contact_phone or "—", phone]
    if profile.contact_email != email:
        changes["contact_email"] = [profile.contact_email or "—", email]
    profile.contact_phone, profile.contact_email = phone, email
    profile.version += 1
    profile.save(update_fields=["contact_phone", "contact_email", "version"])
    if changes:
        log_event(profile, "profile.contact_changed", user=user, data=changes)
    return profile
