"""Files attached to the applicant's draft, added and removed only while it may change."""

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from qualification.models import Application, ApplicationAttachment
from qualification.services.applicant.rules import (
    ApplicantError,
    locked_editable_draft,
)
from smk.audit import log_event, register_actions
from smk.uploads import delete_after_commit, no_room_for, removed_on_failure

register_actions(
    {
        "application.attachment_added": gettext_lazy("Dodano załącznik do wniosku"),
        "application.attachment_removed": gettext_lazy("Usunięto załącznik wniosku"),
    }
)

#: At most this many files of one kind on one application.
MAX_ATTACHMENTS_PER_KIND = 3


def add_attachment(
    pk: int, *, user, profile, kind: str, upload, content_type: str, day=None
) -> ApplicationAttachment:
    """Attach a document the form has checked (``smk.uploads.validate_document``) to the
    applicant's draft; refused once the draft is approved or the window closed."""
    with removed_on_failure() as kept, transaction.atomic(durable=True):
        application = locked_editable_draft(pk, user, day)
        if refusal := no_room_for(application.attachments, kind, MAX_ATTACHMENTS_PER_KIND):
            raise ApplicantError(refusal)
        attachment = ApplicationAttachment(application=application, kind=kind, uploaded_by=user)
        attachment.keep(upload, content_type)
        kept(attachment.file)
        attachment.full_clean(exclude=["file", "application", "uploaded_by"])
        attachment.save()
        log_event(
            application,
            "application.attachment_added",
            user=user,
            profile=profile,
            data={"kind": attachment.get_kind_display(), "file": attachment.original_name},
        )
    return attachment


@transaction.atomic(durable=True)
def remove_attachment(attachment_pk: int, *, user, profile, day=None) -> Application:
    """Remove a file from the applicant's draft (the stored file goes after commit)."""
    attachment = (
        ApplicationAttachment.objects.filter(pk=attachment_pk, application__applicant=user)
        .only("pk", "application_id")
        .first()
    )
    if attachment is None:
        raise ApplicantError(_("Nie znaleziono załącznika."))
    application = locked_editable_draft(attachment.application_id, user, day)
    attachment = ApplicationAttachment.objects.select_for_update().get(pk=attachment_pk)
    attachment.delete()
    delete_after_commit(attachment.file)
    log_event(
        application,
        "application.attachment_removed",
        user=user,
        profile=profile,
        data={"kind": attachment.get_kind_display(), "file": attachment.original_name},
    )
    return application
