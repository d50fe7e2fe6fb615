"""Every change to profiles and role requests (seed 003): one durable transaction each, the
changed rows locked, a history event written, e-mails queued to go after the commit."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.institutions import Institution, institution_of_profile
from accounts.models import (
    ROLES_BY_KIND,
    WITHDRAWN_REASON,
    AttachmentState,
    Profile,
    ProfileRole,
    Role,
    RoleRequest,
    RoleRequestAttachment,
    RoleRequestBatch,
    RoleRequestStatus,
    User,
)
from smk.audit import log_event, register_actions
from smk.notifications import absolute_url, queue_email
from smk.numbering import reserve_numbers
from smk.uploads import validate_document

register_actions(
    {
        "role_request.submitted": gettext_lazy("Złożenie wniosku o rolę"),
        "role_request.approved": gettext_lazy("Zatwierdzenie wniosku o rolę"),
        "role_request.rejected": gettext_lazy("Odrzucenie wniosku o rolę"),
        "role_request.withdrawn": gettext_lazy("Wycofanie wniosku przez wnioskującego"),
        "role_request.reminder_off": gettext_lazy(
            "Plik wysłany mailem lub pocztą — bez przypomnień o załączniku"
        ),
        "role_request.reminder_on": gettext_lazy("Przywrócenie przypomnień o załączniku"),
        "role_request.downloaded": gettext_lazy("Pobranie wygenerowanego wniosku (PDF)"),
        "role_request.file_attached": gettext_lazy("Załączenie podpisanego wniosku"),
        "role_request.file_pending_scan": gettext_lazy(
            "Plik oczekuje na skanowanie pod kątem bezpieczeństwa"
        ),
        "role_request.file_removed_unsafe": gettext_lazy(
            "Usunięcie niebezpiecznego pliku z wniosku"
        ),
        "role_request.file_deleted": gettext_lazy("Usunięcie załączonego pliku"),
        "profile.created": gettext_lazy("Utworzenie profilu"),
        "profile.contact_changed": gettext_lazy("Zmiana danych kontaktowych"),
        "profile.blocked": gettext_lazy("Zablokowanie profilu"),
        "profile.unblocked": gettext_lazy("Odblokowanie profilu"),
    }
)

EMAIL_TEMPLATES = "accounts/email/"


class AccountsError(Exception):
    """An action refused; ``field_errors`` maps form fields to messages shown next to them."""

    def __init__(self, message: str = "", field_errors: dict[str, str] | None = None):
        self.field_errors = field_errors or {}
        super().__init__(message or " ".join(str(m) for m in self.field_errors.values()))


class UnsafeFileRemoved(AccountsError):
    """The scanner found malware: the file was not kept and the requester was e-mailed."""


def _now():
    return timezone.now()


# ---- numbering -------------------------------------------------------------------------


def reserve_request_numbers(count: int, year: int | None = None) -> list[str]:
    """``count`` new request numbers like U000593/2026: one sequence per year, never reused
    (:mod:`smk.numbering` locks the counter row until the caller's transaction ends)."""
    year = year or timezone.localdate().year
    return [
        f"U{int(raw.rsplit('/', 1)[1]):06d}/{year}" for raw in reserve_numbers(f"U/{year}", count)
    ]


# ---- helpers -----------------------------------------------------------------------------


def _status_of(profile: Profile) -> str:
    return Profile.objects.with_status().values_list("derived_status", flat=True).get(pk=profile.pk)


def _note_status_change(profile: Profile, old_status: str | None) -> str:
    """Record "Data ostatniej zmiany statusu" when the derived status moved (``None``: the
    profile was just created)."""
    new_status = _status_of(profile)
    if old_status is None or new_status != old_status:
        profile.status_changed_at = _now()
        profile.save(update_fields=["status_changed_at"])
    return new_status


def _lock_profile(profile_id: int) -> Profile:
    return (
        Profile.objects.select_for_update(of=("self",))
        .select_related("user", "voivodeship", "unit")
        .get(pk=profile_id)
    )


def _lock_request(request_id: int) -> RoleRequest:
    return (
        RoleRequest.objects.select_for_update(of=("self",))
        .select_related("batch", "batch__user", "profile")
        .get(pk=request_id)
    )


def _institution_name(profile: Profile) -> str:
    institution = institution_of_profile(profile)
    return institution.name if institution else str(profile.institution_name)


def _email_requester(user: User, subject: str, template: str, context: dict, reason: str):
    context = {
        "user": user,
        "site_url": absolute_url("accounts:my_account"),
        **context,
    }
    queue_email(
        [user.email], subject, template=EMAIL_TEMPLATES + template, context=context, reason=reason
    )


# ---- the requester -----------------------------------------------------------------------


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
    profile = _lock_profile(profile.pk)
    if profile.is_blocked:
        raise AccountsError(
            _("Twój profil w tej jednostce jest zablokowany — nie możesz wnioskować o role.")
        )
    old_status = None if created else _status_of(profile)
    held = set(profile.roles.values_list("role", flat=True))
    pending = set(profile.role_requests.pending().values_list("role", flat=True))
    if taken := [r for r in roles if r in held or r in pending]:
        raise AccountsError(
            field_errors={
                "roles": _("Tę rolę już pełnisz lub już o nią wnioskujesz: %(roles)s.")
                % {"roles": ", ".join(str(Role(r).label) for r in taken)}
            }
        )
    now = _now()
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
    _note_status_change(profile, old_status)
    return batch


def _own_batch(batch_id: int, user: User) -> RoleRequestBatch:
    return (
        RoleRequestBatch.objects.select_for_update(of=("self",))
        .select_related("profile", "user")
        .get(pk=batch_id, user=user)
    )


def _require_pending(batch: RoleRequestBatch) -> None:
    if not batch.requests.filter(status=RoleRequestStatus.PENDING).exists():
        raise AccountsError(
            _("Wszystkie wnioski z tego dokumentu zostały już rozpatrzone — nie można go zmieniać.")
        )


@transaction.atomic(durable=True)
def mark_downloaded(batch_id: int, *, user: User) -> RoleRequestBatch:
    """The requester downloaded the PDF (needed before "Zakończ")."""
    batch = _own_batch(batch_id, user)
    if batch.downloaded_at is None:
        batch.downloaded_at = _now()
        batch.save(update_fields=["downloaded_at"])
        log_event(batch, "role_request.downloaded", user=user)
    return batch


def attach_signed_file(batch_id: int, *, user: User, upload) -> RoleRequestAttachment:
    """Attach a signed scan: PDF or JPG by content, size-limited, scanned before it is kept.

    A file the scanner finds unsafe is not kept: the requester is told by e-mail and
    :class:`UnsafeFileRemoved` is raised. When the scanner cannot be reached the file waits,
    not downloadable, as "oczekujący na skanowanie" for :func:`rescan_pending_attachments`.
    Other refusals (type, size, empty) are ValidationErrors for the form.
    """
    # Cheap checks first, outside the transaction: the scan may take a while.
    _check_can_attach(batch_id, user)
    state = AttachmentState.SAFE
    try:
        content_type = validate_document(upload)
    except ValidationError as error:
        if error.code == "malware":
            _report_unsafe_file(batch_id, user=user, name=upload.name, size=upload.size)
            raise UnsafeFileRemoved(
                _(
                    "Niebezpieczne pliki zostały usunięte z wniosku. Informacje o plikach, które "
                    "zostały negatywnie zweryfikowane pod kątem bezpieczeństwa, zostały "
                    "przesłane drogą mailową."
                )
            ) from None
        if error.code != "scan_failed":
            raise
        state = AttachmentState.PENDING_SCAN
        content_type = _sniffed_type(upload)
    return _store_attachment(
        batch_id, user=user, upload=upload, content_type=content_type, state=state
    )


def _sniffed_type(upload) -> str:
    from smk.uploads import sniff_content_type

    upload.seek(0)
    content_type = sniff_content_type(upload.read(8))
    upload.seek(0)
    return content_type or "application/octet-stream"


def _check_can_attach(batch_id: int, user: User) -> None:
    _require_pending(RoleRequestBatch.objects.get(pk=batch_id, user=user))


def _store_attachment(batch_id, *, user, upload, content_type, state) -> RoleRequestAttachment:
    attachment = None
    try:
        with transaction.atomic(durable=True):
            batch = _own_batch(batch_id, user)
            _require_pending(batch)
            attachment = RoleRequestAttachment(
                batch=batch,
                original_name=(upload.name or "wniosek")[-255:],
                size=upload.size,
                content_type=content_type,
                state=state,
                uploaded_by=user,
            )
            upload.seek(0)
            attachment.file.save(upload.name or "wniosek", upload, save=False)
            attachment.save()
            log_event(
                batch,
                "role_request.file_attached"
                if state == AttachmentState.SAFE
                else "role_request.file_pending_scan",
                user=user,
                data={"file": attachment.original_name, "size": attachment.size},
            )
    except BaseException:
        # A rolled-back transaction must not leave the file behind.
        if attachment is not None and attachment.file.name:
            attachment.file.storage.delete(attachment.file.name)
        raise
    return attachment


def _unsafe_file_email(batch: RoleRequestBatch, *, name: str, size: int) -> None:
    requests = list(batch.requests.order_by("number"))
    _email_requester(
        batch.user,
        _("Plik załączony do wniosku o rolę został usunięty"),
        "attachment_removed.txt",
        {
            "file_name": name,
            "file_size": filesizeformat(size),
            "institution": _institution_name(batch.profile),
            "kind": batch.profile.get_kind_display(),
            "requests": requests,
        },
        reason=f"role_request.file_removed_unsafe batch {batch.pk}",
    )


@transaction.atomic(durable=True)
def _report_unsafe_file(batch_id: int, *, user: User, name: str, size: int) -> None:
    batch = _own_batch(batch_id, user)
    log_event(
        batch, "role_request.file_removed_unsafe", user=user, data={"file": name, "size": size}
    )
    _unsafe_file_email(batch, name=name, size=size)


def rescan_pending_attachments() -> dict[str, int]:
    """Scan again the files that waited because the scanner was unreachable: a clean one
    becomes safe, an unsafe one is deleted and its requester e-mailed, the rest wait."""
    result = {"safe": 0, "removed": 0, "waiting": 0}
    ids = RoleRequestAttachment.objects.filter(state=AttachmentState.PENDING_SCAN).values_list(
        "pk", flat=True
    )
    for attachment_id in list(ids):
        result[_rescan(attachment_id)] += 1
    return result


def _rescan(attachment_id: int) -> str:
    attachment = RoleRequestAttachment.objects.get(pk=attachment_id)
    try:
        with attachment.file.open("rb") as stored:
            validate_document(stored)
        outcome = "safe"
    except ValidationError as error:
        outcome = "waiting" if error.code == "scan_failed" else "removed"
    except FileNotFoundError:
        outcome = "removed"
    if outcome != "waiting":
        _finish_rescan(attachment_id, safe=outcome == "safe")
    return outcome


@transaction.atomic(durable=True)
def _finish_rescan(attachment_id: int, *, safe: bool) -> None:
    attachment = (
        RoleRequestAttachment.objects.select_for_update()
        .select_related("batch", "batch__user", "batch__profile")
        .filter(pk=attachment_id, state=AttachmentState.PENDING_SCAN)
        .first()
    )
    if attachment is None:
        return
    batch = attachment.batch
    if safe:
        attachment.state = AttachmentState.SAFE
        attachment.save(update_fields=["state"])
        log_event(batch, "role_request.file_attached", data={"file": attachment.original_name})
        return
    name, size, stored = attachment.original_name, attachment.size, attachment.file.name
    attachment.delete()
    transaction.on_commit(lambda: attachment.file.storage.delete(stored))
    log_event(batch, "role_request.file_removed_unsafe", data={"file": name, "size": size})
    _unsafe_file_email(batch, name=name, size=size)


@transaction.atomic(durable=True)
def delete_attachment(attachment_id: int, *, user: User) -> None:
    """ "Usuń": the requester removes a file while the requests wait."""
    attachment = RoleRequestAttachment.objects.select_related("batch").get(
        pk=attachment_id, batch__user=user
    )
    batch = _own_batch(attachment.batch_id, user)
    _require_pending(batch)
    stored = attachment.file.name
    name = attachment.original_name
    attachment.delete()
    transaction.on_commit(lambda: attachment.file.storage.delete(stored))
    log_event(batch, "role_request.file_deleted", user=user, data={"file": name})


def _lock_pending(request_id: int, *, refusal: str = "") -> tuple[RoleRequest, Profile, str]:
    """Lock a pending request and its profile (in that order); also the profile's status."""
    request = _lock_request(request_id)
    if not request.is_pending:
        raise AccountsError(
            refusal
            or _("Ten wniosek został już rozpatrzony (status: %(status)s).")
            % {"status": request.get_status_display()}
        )
    profile = _lock_profile(request.profile_id)
    return request, profile, _status_of(profile)


def _record_decision(
    request, profile, old_profile_status, action, *, user, acting_profile, data
) -> None:
    request.decided_at, request.decided_by = _now(), user
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
    _note_status_change(profile, old_profile_status)


def _email_decision(request: RoleRequest, subject: str, template: str, action: str) -> None:
    _email_requester(
        request.batch.user,
        subject % {"number": request.number},
        template,
        {
            "request": request,
            "role": request.get_role_display(),
            "institution": _institution_name(request.profile),
        },
        reason=f"{action} {request.number}",
    )


@transaction.atomic(durable=True)
def withdraw_request(request_id: int, *, user: User) -> RoleRequest:
    """ "Tak, wycofaj wniosek": odrzucony with the reason "Wycofany przez wnioskującego"."""
    if not RoleRequest.objects.filter(pk=request_id, batch__user=user).exists():
        raise RoleRequest.DoesNotExist
    request, profile, old_profile_status = _lock_pending(
        request_id, refusal=_("Ten wniosek został już rozpatrzony — nie można go wycofać.")
    )
    request.reject()
    request.rejection_reason = str(WITHDRAWN_REASON)
    _record_decision(
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
    profile = _lock_profile(profile_id)
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


# ---- the administrator -------------------------------------------------------------------


@transaction.atomic(durable=True)
def approve_request(request_id: int, *, user: User, acting_profile) -> RoleRequest:
    """ "Zatwierdź": the role becomes active in the profile; the requester is e-mailed."""
    request, profile, old_profile_status = _lock_pending(request_id)
    if profile.is_blocked:
        raise AccountsError(_("Profil jest zablokowany — odblokuj go, zanim zatwierdzisz wniosek."))
    request.approve()
    role, created = ProfileRole.objects.get_or_create(
        profile=profile, role=request.role, defaults={"request": request}
    )
    if not created and role.request_id is None:
        role.request = request
        role.save(update_fields=["request"])
    _record_decision(
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
    request, profile, old_profile_status = _lock_pending(request_id)
    request.reject()
    request.rejection_reason = reason
    _record_decision(
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
    profile = _lock_profile(profile_id)
    if profile.is_blocked:
        raise AccountsError(_("Ten profil jest już zablokowany."))
    if acting_profile is not None and profile.pk == acting_profile.pk:
        raise AccountsError(_("Nie możesz zablokować profilu, w którym pracujesz."))
    old_status = _status_of(profile)
    profile.blocked_at, profile.block_reason = _now(), reason
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
    _email_requester(
        profile.user,
        _("Profil w systemie SMK został zablokowany"),
        "profile_blocked.txt",
        {"institution": _institution_name(profile), "reason": reason},
        reason=f"profile.blocked {profile.pk}",
    )
    return profile


@transaction.atomic(durable=True)
def unblock_profile(profile_id: int, *, user: User, acting_profile) -> Profile:
    profile = _lock_profile(profile_id)
    if not profile.is_blocked:
        raise AccountsError(_("Ten profil nie jest zablokowany."))
    profile.blocked_at, profile.block_reason = None, ""
    profile.status_changed_at = _now()
    profile.version += 1
    profile.save(update_fields=["blocked_at", "block_reason", "status_changed_at", "version"])
    log_event(
        profile,
        "profile.unblocked",
        user=user,
        profile=acting_profile,
        old_status="zablokowany",
        new_status=_status_of(profile),
    )
    return profile
