"""The unit's side of a request (Wniosek o akredytację): written and saved as a draft, its
documents attached and removed, submitted to the accrediting body, withdrawn.

Each action is one durable transaction: the request row is locked, a form posted from an
older version is refused, the state machine's transition is checked for this profile, and one
history event says what changed.
"""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Role
from accreditation.models import (
    AccreditationRequest,
    AttachmentKind,
    RequestAttachment,
    RequestKind,
    RequestStatus,
    is_unit_of,
    missing_attachments,
    missing_texts,
)
from accreditation.services.common import (
    AccreditationError,
    check_open,
    check_version,
    log,
    save_version,
    text,
)
from reference.models import ElementKind
from smk.audit import log_event, register_actions
from smk.numbering import next_number
from smk.uploads import delete_after_commit, no_room_for, removed_on_failure

register_actions(
    {
        "accreditation_request.created": gettext_lazy(
            "Utworzenie wniosku o akredytację (wersja robocza)"
        ),
        "accreditation_request.saved": gettext_lazy("Zapisanie zmian we wniosku o akredytację"),
        "accreditation_request.attachment_added": gettext_lazy("Dodanie załącznika do wniosku"),
        "accreditation_request.attachment_removed": gettext_lazy("Usunięcie załącznika z wniosku"),
        "accreditation_request.submitted": gettext_lazy("Złożenie wniosku o akredytację"),
        "accreditation_request.resubmitted": gettext_lazy(
            "Uzupełnienie wniosku i ponowne złożenie"
        ),
        "accreditation_request.withdrawn": gettext_lazy("Wycofanie wniosku przez jednostkę"),
    }
)

#: What the request's form carries, in the order the history lists the changes.
CONTENT = (
    "kind",
    "field",
    "programme",
    "internship",
    "places_requested",
    "manager_name",
    "manager_qualifications",
    "staff",
    "equipment",
    "training_plan",
)

#: At most this many files of one kind on one request.
MAX_ATTACHMENTS_PER_KIND = 5

NOT_EDITABLE = gettext_lazy(
    "Wniosek można zmieniać tylko w wersji roboczej albo po wezwaniu do uzupełnienia."
)

FIELD_LABELS = {
    "manager_name": gettext_lazy("kierownik specjalizacji"),
    "manager_qualifications": gettext_lazy("kwalifikacje kierownika"),
    "staff": gettext_lazy("kadra"),
    "equipment": gettext_lazy("wyposażenie"),
    "training_plan": gettext_lazy("plan kształcenia"),
    "internship": gettext_lazy("staż kierunkowy"),
}


def lock_request(pk: int, version: int | None = None) -> AccreditationRequest:
    request = (
        AccreditationRequest.objects.select_for_update(of=("self",))
        .select_related("unit__voivodeship", "field", "programme", "internship")
        .get(pk=pk)
    )
    check_version(request, version)
    return request


def _locked_editable(pk: int, profile) -> AccreditationRequest:
    """The unit's own request, locked, while it may still change (its attachments too)."""
    request = lock_request(pk)
    if not is_unit_of(request, profile):
        raise AccreditationError(_("Wniosek innej jednostki."))
    if not request.is_editable:
        raise AccreditationError(str(NOT_EDITABLE))
    return request


def _attachments_changed(request, action: str, attachment, user, profile) -> None:
    """A file added or removed: the request's version moves on and its history says which."""
    request.version += 1
    request.save(update_fields=["version"])
    log_event(
        request,
        action,
        user=user,
        profile=profile,
        data={"kind": attachment.get_kind_display(), "file": attachment.original_name},
    )


def _checked_content(data: dict) -> tuple[dict, list]:
    """The form's values made consistent, and the plan's elements; what the form never
    offers (a tampered post) is refused next to its field.

    An internship comes with its programme and that programme's field; the programme must be
    of the field chosen; the plan's elements must be the programme's.
    """
    content = {name: data.get(name) for name in CONTENT}
    for name in ("manager_name", "manager_qualifications", "staff", "equipment", "training_plan"):
        content[name] = (content[name] or "").strip()
    errors = {}
    internship = content["internship"]
    if content["kind"] == RequestKind.INTERNSHIP:
        if internship is not None and internship.kind != ElementKind.INTERNSHIP:
            errors["internship"] = _("Wybierz staż kierunkowy z listy.")
        elif internship is not None:
            content["programme"] = internship.module.programme
            content["field"] = content["programme"].field
    elif content["kind"] == RequestKind.FIELD:
        content["internship"] = None
    else:
        errors["kind"] = _("Wybierz, czego dotyczy wniosek.")
    programme, field = content["programme"], content["field"]
    if field is None:
        errors["field"] = _("Wybierz dziedzinę.")
    elif programme is not None and programme.field_id != field.pk:
        errors["programme"] = _("Wybierz program specjalizacji w wybranej dziedzinie.")
    if not content["places_requested"] or content["places_requested"] < 1:
        errors["places_requested"] = _("Podaj liczbę miejsc (co najmniej 1).")
    plan = list(data.get("plan_elements") or ())
    if plan and (
        programme is None or any(element.module.programme_id != programme.pk for element in plan)
    ):
        errors["plan_elements"] = _("Wybierz elementy programu specjalizacji wniosku.")
    if errors:
        raise AccreditationError(field_errors=errors)
    return content, plan


def _plan_text(elements) -> str:
    return ", ".join(sorted(str(element) for element in elements)) or "—"


@transaction.atomic(durable=True)
def create_request(*, data: dict, user, profile) -> AccreditationRequest:
    """ "Nowy wniosek": a draft of the active profile's unit, numbered WA/2026/00001."""
    if profile is None or profile.unit_id is None or not profile.has_role(Role.UNIT_STAFF):
        raise AccreditationError(_("Wniosek o akredytację składa pracownik jednostki."))
    content, plan = _checked_content(data)
    year = timezone.localdate().year
    request = AccreditationRequest.objects.create(
        number=next_number(f"WA/{year}"), unit_id=profile.unit_id, created_by=user, **content
    )
    request.plan_elements.set(plan)
    log(
        request,
        "accreditation_request.created",
        "",
        user=user,
        profile=profile,
        data={"number": request.number, "subject": request.subject},
    )
    return request


@transaction.atomic(durable=True)
def save_request(pk: int, *, version: int, data: dict, user, profile) -> AccreditationRequest:
    """ "Zapisz": the draft's (or the request to complete's) data; the history names each
    value changed."""
    request = lock_request(pk, version)
    if not is_unit_of(request, profile):
        raise AccreditationError(_("Wniosek innej jednostki."))
    if not request.is_editable:
        raise AccreditationError(str(NOT_EDITABLE))
    content, plan = _checked_content(data)
    changed = {}
    for name, value in content.items():
        old = getattr(request, name)
        if old != value:
            changed[name] = [text(old), text(value)]
            setattr(request, name, value)
    old_plan = list(request.plan_elements.all())
    if {e.pk for e in old_plan} != {e.pk for e in plan}:
        request.plan_elements.set(plan)
        changed["plan_elements"] = [_plan_text(old_plan), _plan_text(plan)]
    if not changed:
        return request
    save_version(request, CONTENT)
    log(
        request,
        "accreditation_request.saved",
        request.status,
        user=user,
        profile=profile,
        data=changed,
    )
    return request


def add_attachment(
    pk: int, *, kind: str, upload, content_type: str, user, profile
) -> RequestAttachment:
    """Keep a document the form has checked (``smk.uploads.validate_document``); the stored
    file is removed again if the transaction rolls back."""
    if kind not in AttachmentKind.values:
        raise AccreditationError(field_errors={"kind": _("Wybierz rodzaj załącznika.")})
    with removed_on_failure() as kept, transaction.atomic(durable=True):
        request = _locked_editable(pk, profile)
        if refusal := no_room_for(request.attachments, kind, MAX_ATTACHMENTS_PER_KIND):
            raise AccreditationError(refusal)
        attachment = RequestAttachment(request=request, kind=kind, uploaded_by=user)
        attachment.keep(upload, content_type)
        kept(attachment.file)
        attachment.save()
        _attachments_changed(
            request, "accreditation_request.attachment_added", attachment, user, profile
        )
    return attachment


@transaction.atomic(durable=True)
def remove_attachment(attachment_pk: int, *, user, profile) -> AccreditationRequest:
    """ "Usuń": a file of a request the unit may still change (the stored file goes after
    commit)."""
    attachment = RequestAttachment.objects.get(pk=attachment_pk)
    request = _locked_editable(attachment.request_id, profile)
    attachment.delete()
    delete_after_commit(attachment.file)
    _attachments_changed(
        request, "accreditation_request.attachment_removed", attachment, user, profile
    )
    return request


def _what_is_missing(request) -> dict[str, str]:
    errors = {
        name: _("Uzupełnij: %(what)s.") % {"what": FIELD_LABELS[name]}
        for name in missing_texts(request)
    }
    if missing := missing_attachments(request):
        labels = dict(AttachmentKind.choices)
        errors["attachments"] = _("Dołącz wymagane załączniki: %(kinds)s.") % {
            "kinds": ", ".join(str(labels[kind]) for kind in missing)
        }
    return errors


@transaction.atomic(durable=True)
def submit(pk: int, *, version: int, user, profile) -> AccreditationRequest:
    """ "Złóż wniosek": with every required text and document, to the accrediting body; after
    "Wezwij do uzupełnienia" the same button hands it back completed."""
    request = lock_request(pk, version)
    if (
        request.is_editable
        and is_unit_of(request, profile)
        and (missing := _what_is_missing(request))
    ):
        raise AccreditationError(
            _("Wniosku nie można złożyć — brakuje danych lub załączników."), field_errors=missing
        )
    check_open(request, "submit", profile)
    old_status = request.status
    request.submit()
    request.submitted_at = timezone.now()
    save_version(request, ["status", "submitted_at"])
    action = (
        "accreditation_request.resubmitted"
        if old_status == RequestStatus.TO_COMPLETE
        else "accreditation_request.submitted"
    )
    log(request, action, old_status, user=user, profile=profile)
    return request


@transaction.atomic(durable=True)
def withdraw(pk: int, *, version: int, user, profile) -> AccreditationRequest:
    """ "Wycofaj wniosek": the unit takes back a request not decided yet."""
    request = lock_request(pk, version)
    check_open(request, "withdraw", profile)
    old_status = request.status
    request.withdraw()
    save_version(request, ["status"])
    log(request, "accreditation_request.withdrawn", old_status, user=user, profile=profile)
    return request
