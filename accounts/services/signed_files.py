"""The signed scans of role requests: attached (PDF or JPG, scanned before they are kept),
scanned again while the scanner was unreachable, removed by the requester."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.institutions import institution_label
from accounts.models import AttachmentState, RoleRequestAttachment, RoleRequestBatch, User
from accounts.services.common import (
    UnsafeFileRemoved,
    email_requester,
    lock_own_batch,
    require_pending,
)
from smk.audit import log_event, register_actions
from smk.uploads import validate_document

register_actions(
    {
        "role_request.file_attached": gettext_lazy("Załączenie podpisanego wniosku"),
        "role_request.file_pending_scan": gettext_lazy(
            "Plik oczekuje na skanowanie pod kątem bezpieczeństwa"
        ),
        "role_request.file_removed_unsafe": gettext_lazy(
            "Usunięcie niebezpiecznego pliku z wniosku"
        ),
        "role_request.file_deleted": gettext_lazy("Usunięcie załączonego pliku"),
    }
)


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
    require_pending(RoleRequestBatch.objects.get(pk=batch_id, user=user))


def _store_attachment(batch_id, *, user, upload, content_type, state) -> RoleRequestAttachment:
    attachment = None
    try:
        with transaction.atomic(durable=True):
            batch = lock_own_batch(batch_id, user)
            require_pending(batch)
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
    email_requester(
        batch.user,
        _("Plik załączony do wniosku o rolę został usunięty"),
        "attachment_removed.txt",
        {
            "file_name": name,
            "file_size": filesizeformat(size),
            "institution": institution_label(batch.profile),
            "kind": batch.profile.get_kind_display(),
            "requests": requests,
        },
        reason=f"role_request.file_removed_unsafe batch {batch.pk}",
    )


@transaction.atomic(durable=True)
def _report_unsafe_file(batch_id: int, *, user: User, name: str, size: int) -> None:
    batch = lock_own_batch(batch_id, user)
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
    batch = lock_own_batch(attachment.batch_id, user)
    require_pending(batch)
    stored = attachment.file.name
    name = attachment.original_name
    attachment.delete()
    transaction.on_commit(lambda: attachment.file.storage.delete(stored))
    log_event(batch, "role_request.file_deleted", user=user, data={"file": name})
