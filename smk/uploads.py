"""Checks for uploaded documents (decision attachments, signed requests): PDF or JPG by
content, not by name; size-limited; refused when a scanner finds malware."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from smk.scanning import EICAR, get_scanner

__all__ = [
    "EICAR",
    "SIGNATURES",
    "document_response",
    "max_upload_bytes",
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
