"""The requester's own requests: step 4 "Pobranie wniosku", the PDF, the signed files,
"Wycofaj wniosek" and "nie przypominaj mi"."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from accounts import services
from accounts.forms import AttachmentForm, FinishForm, SentOtherwiseForm
from accounts.institutions import Institution, institution_of_profile, requests_email
from accounts.models import (
    ROLE_DESCRIPTIONS,
    WITHDRAWN_REASON,
    AttachmentState,
    RoleRequestAttachment,
    RoleRequestStatus,
)
from accounts.views.common import get_own_or_404, own_attachments, own_batches, own_requests
from accounts.views.wizard import MORE, _steps
from smk.pdf import pdf_response

DOWNLOAD_FIRST = gettext_lazy(
    "Aby móc zakończyć proces wnioskowania, pobierz wniosek dla wszystkich wnioskowanych ról "
    "(plik PDF)."
)


def _batch(request, pk):
    return get_own_or_404(
        own_batches(request).select_related("user", "profile__voivodeship", "profile__unit"),
        pk=pk,
    )


def pdf_context(batch) -> dict:
    requests = list(batch.requests.order_by("number"))
    return {
        "batch": batch,
        "user": batch.user,
        "institution": institution_of_profile(batch.profile),
        "requests": [(r, ROLE_DESCRIPTIONS.get(r.role, "")) for r in requests],
        "requests_email": requests_email(),
        "central": Institution.central(),
        "printed_at": timezone.localtime(),
    }


def batch_pdf_response(batch, request):
    numbers = "_".join(r.number.replace("/", "-") for r in batch.requests.order_by("number"))
    return pdf_response(
        "accounts/pdf/role_request.html",
        pdf_context(batch),
        f"wniosek-{numbers}.pdf",
        request=request,
    )


def _attachments(batch):
    files = list(batch.attachments.order_by("uploaded_at", "pk"))
    return (
        [a for a in files if a.state == AttachmentState.PENDING_SCAN],
        [a for a in files if a.state == AttachmentState.SAFE],
    )


def _attach(request, batch, form) -> bool:
    """Attach the form's file; False (with the reason next to the field) when refused."""
    try:
        attachment = services.attach_signed_file(
            batch.pk, user=request.user, upload=form.cleaned_data["file"]
        )
    except services.AccountsError as error:  # also UnsafeFileRemoved: the file was not kept
        messages.error(request, str(error))
        return False
    except ValidationError as error:
        form.add_error("file", error)
        return False
    if attachment.state == AttachmentState.PENDING_SCAN:
        messages.warning(
            request,
            _(
                "Plik czeka na skanowanie pod kątem bezpieczeństwa (skaner jest chwilowo "
                "niedostępny). Gdy zostanie uznany za bezpieczny, pojawi się na liście "
                "„Bezpieczne pliki załączone do wniosku”."
            ),
        )
    else:
        messages.success(request, _("Załączono plik: %(name)s.") % {"name": attachment})
    return True


@login_required
def download_step(request, pk):
    """Step 4 "Pobranie wniosku": "Pobierz", then "Teraz załączę plik" or "Później załączę
    plik lub wyślę go mailem", and "Zakończ"."""
    batch = _batch(request, pk)
    pending_files, safe_files = _attachments(batch)
    form = FinishForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
        has_attachment=bool(pending_files or safe_files),
    )
    if request.method == "POST" and form.is_valid():
        if batch.downloaded_at is None:
            form.add_error(None, DOWNLOAD_FIRST)
        elif form.cleaned_data["when"] == FinishForm.NOW and form.cleaned_data.get("file"):
            if _attach(request, batch, form):
                messages.success(
                    request, _("Wniosek czeka na weryfikację. O decyzji powiadomimy Cię e-mailem.")
                )
                return redirect("accounts:my_account")
        else:
            if form.cleaned_data["when"] == FinishForm.LATER:
                messages.info(
                    request,
                    _(
                        "Wniosek czeka na weryfikację. Podpisany plik możesz załączyć później w "
                        "„Moje konto” albo wysłać go mailem na adres %(email)s."
                    )
                    % {"email": requests_email()},
                )
            else:
                messages.success(
                    request, _("Wniosek czeka na weryfikację. O decyzji powiadomimy Cię e-mailem.")
                )
            return redirect("accounts:my_account")
    return render(
        request,
        "accounts/wizard/download.html",
        {
            "batch": batch,
            "requests": batch.requests.order_by("number"),
            "form": form,
            "pending_files": pending_files,
            "safe_files": safe_files,
            "steps": _steps({"mode": MORE if request.GET.get("tryb") == MORE else ""}, 4),
            "requests_email": requests_email(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def request_pdf(request, pk):
    """One PDF for all roles of the batch. GET ("Pobierz wygenerowany wniosek (PDF)") only
    hands it out; POST is step 4's "Pobierz": it records the download "Zakończ" waits for,
    then sends the browser to the GET, so reloading never records it twice."""
    batch = _batch(request, pk)
    if request.method == "POST":
        services.mark_downloaded(batch.pk, user=request.user)
        return redirect("accounts:request_pdf", pk=batch.pk)
    return batch_pdf_response(batch, request)


@login_required
def batch_attachments(request, pk):
    """ "Załącz podpisany wniosek": upload; both lists of the seed with "Pobierz" and "Usuń"."""
    batch = _batch(request, pk)
    form = AttachmentForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
    )
    if request.method == "POST" and form.is_valid() and _attach(request, batch, form):
        return redirect("accounts:batch_attachments", pk=batch.pk)
    pending_files, safe_files = _attachments(batch)
    return render(
        request,
        "accounts/requests/attachments.html",
        {
            "batch": batch,
            "requests": batch.requests.order_by("number"),
            "form": form,
            "pending_files": pending_files,
            "safe_files": safe_files,
            "can_change": batch.requests.filter(status=RoleRequestStatus.PENDING).exists(),
            "requests_email": requests_email(),
        },
    )


def attachment_file_response(attachment: RoleRequestAttachment):
    if attachment.state != AttachmentState.SAFE:
        raise Http404  # not scanned yet: never handed out
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    return FileResponse(
        handle,
        as_attachment=True,
        filename=attachment.original_name,
        content_type=attachment.content_type,
    )


@login_required
def download_attachment(request, pk):
    return attachment_file_response(get_own_or_404(own_attachments(request), pk=pk))


@login_required
@require_POST
def delete_attachment(request, pk):
    """ "Usuń"."""
    attachment = get_own_or_404(own_attachments(request), pk=pk)
    try:
        services.delete_attachment(attachment.pk, user=request.user)
    except services.AccountsError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Usunięto plik: %(name)s.") % {"name": attachment})
    return redirect("accounts:batch_attachments", pk=attachment.batch_id)


@login_required
def withdraw(request, pk):
    """ "Wycofaj wniosek": a confirmation page, then "Tak, wycofaj wniosek" (POST)."""
    role_request = get_own_or_404(
        own_requests(request).select_related("profile__voivodeship", "profile__unit"), pk=pk
    )
    if request.method == "POST":
        try:
            services.withdraw_request(role_request.pk, user=request.user)
        except services.AccountsError as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request,
                _("Wycofano wniosek %(number)s (odrzucony: „%(reason)s”).")
                % {"number": role_request.number, "reason": WITHDRAWN_REASON},
            )
        return redirect("accounts:my_account")
    if not role_request.is_pending:
        messages.error(request, _("Ten wniosek został już rozpatrzony — nie można go wycofać."))
        return redirect("accounts:my_account")
    return render(
        request,
        "accounts/requests/withdraw_confirm.html",
        {
            "role_request": role_request,
            "institution": institution_of_profile(role_request.profile),
        },
    )


@login_required
@require_POST
def sent_otherwise(request, pk):
    """The checkbox "Plik został wysłany mailem lub wydruk pocztą — nie przypominaj mi…"."""
    role_request = get_own_or_404(own_requests(request), pk=pk)
    form = SentOtherwiseForm(request.POST)
    form.is_valid()
    value = bool(form.cleaned_data.get("sent_otherwise"))
    changed = services.set_attachment_sent_otherwise(
        [role_request.pk], user=request.user, sent_otherwise=value
    )
    if changed:
        text = (
            _("Nie będziemy przypominać o braku załącznika do wniosku %(number)s.")
            if value
            else _("Przypomnimy o braku załącznika do wniosku %(number)s.")
        )
        messages.success(request, text % {"number": role_request.number})
    return redirect("accounts:my_account")
