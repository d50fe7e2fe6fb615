"""Checks for uploaded documents (decision attachments, signed requests): PDF or JPG by
content, not by name; size-limited; refused when a scanner finds malware. And how a checked
document is kept: its path in the storage, its file removed when the transaction that kept
it fails, an old file removed once the change that replaced it commits, the messages of the
pages that attach and remove one."""

import uuid
from contextlib import contextmanager

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import FileResponse, Http404
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _

from smk.scanning import EICAR, get_scanner

__all__ = [
    "EICAR",
    "SIGNATURES",
    "attach_and_tell",
    "delete_after_commit",
    "document_path",
    "document_response",
    "max_upload_bytes",
    "no_room_for",
    "remove_and_tell",
    "removed_on_failure",
    "sniff_content_type",
    "validate_document",
]

#: Magic bytes of the accepted types and the file-name endings each may carry.
SIGNATURES = {
    "application/pdf": (b"%PDF-", (".pdf",)),
    "image/jpeg": (b"\xff\xd8\xff", (".jpg", ".jpeg")),
}


def max_upload_bytes() -> int:
    return getattr(settings, "MAX_UPLOAD_BYTES", 5 * 1024 * 1024)


def sniff_content_type(head: bytes) -> str | None:
    for content_type, (magic, _endings) in SIGNATURES.items():
        if head.startswith(magic):
            return content_type
    return None


def validate_document(upload) -> str:
    """Return the content type of a valid PDF/JPG upload or raise ValidationError."""
    limit = max_upload_bytes()
    if upload.size == 0:
        raise ValidationError(_("Plik jest pusty."), code="empty")
    if upload.size > limit:
        raise ValidationError(
            _("Plik jest za duży (%(size)s). Największy dopuszczalny rozmiar to %(limit)s.")
            % {"size": filesizeformat(upload.size), "limit": filesizeformat(limit)},
            code="too_large",
        )
    upload.seek(0)
    head = upload.read(8)
    content_type = sniff_content_type(head)
    name = (upload.name or "").lower()
    if content_type is None or not name.endswith(SIGNATURES[content_type][1]):
        raise ValidationError(
            _("Dozwolone są tylko pliki PDF lub JPG (sprawdzana jest zawartość pliku)."),
            code="wrong_type",
        )
    upload.seek(0)
    result = get_scanner().scan(upload.read())
    upload.seek(0)
    if result.error:
        raise ValidationError(
            _("Nie udało się teraz sprawdzić pliku skanerem bezpieczeństwa — spróbuj później."),
            code="scan_failed",
        )
    if not result.clean:
        raise ValidationError(
            _(
                "Plik został odrzucony przez skaner bezpieczeństwa "
                "(wykryto złośliwe oprogramowanie)."
            ),
            code="malware",
        )
    return content_type


def document_response(document) -> FileResponse:
    """A stored document (``file``, ``original_name``, ``content_type``) as a download under
    the name it was uploaded with; 404 when the file is gone from the storage."""
    try:
        handle = document.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    return FileResponse(
        handle,
        as_attachment=True,
        filename=document.original_name,
        content_type=document.content_type,
    )


def document_path(folder: str, owner_id, content_type: str) -> str:
    """Where a kept document goes: never the uploaded name on disk (it is kept only as display
    text), the month it came in, its owner's id, and the ending its content has."""
    ending = ".pdf" if content_type == "application/pdf" else ".jpg"
    return f"{folder}/{timezone.now():%Y/%m}/{owner_id}-{uuid.uuid4().hex}{ending}"


@contextmanager
def removed_on_failure():
    """Files kept inside the block are deleted again when it fails: a rolled-back transaction
    must not leave them behind. Yields the function that registers one (a ``FieldFile``),
    called once it is written."""
    kept = []
    try:
        yield kept.append
    except BaseException:
        for fieldfile in kept:
            if fieldfile.name:
                fieldfile.storage.delete(fieldfile.name)
        raise


def delete_after_commit(fieldfile) -> None:
    """Delete a stored file once the transaction that removed or replaced it commits (if it
    rolls back, the file is still needed)."""
    name, storage = fieldfile.name, fieldfile.storage
    if name:
        transaction.on_commit(lambda: storage.delete(name))


def no_room_for(documents, kind: str, limit: int) -> str:
    """The refusal when ``documents`` already hold ``limit`` files of ``kind`` ("" if not)."""
    if documents.filter(kind=kind).count() < limit:
        return ""
    return _("Limit plików tego rodzaju to %(n)d: usuń jeden, aby dodać kolejny.") % {"n": limit}


def attach_and_tell(request, attach, refusals) -> None:
    """Run ``attach()`` (a service keeping a checked document with a ``kind``) and tell the
    outcome as a message: the service's refusal (an exception of ``refusals``) or what was
    added."""
    try:
        document = attach()
    except refusals as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _("Dodano załącznik „%(name)s” (%(kind)s).")
            % {"name": document.original_name, "kind": document.get_kind_display()},
        )


def remove_and_tell(request, remove, document, refusals) -> None:
    """Run ``remove()`` (a service removing ``document``) and tell the outcome as a message."""
    try:
        remove()
    except refusals as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request, _("Usunięto załącznik „%(name)s”.") % {"name": document.original_name}
        )
