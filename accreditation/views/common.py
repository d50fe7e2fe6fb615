"""What the unit's and the accrediting body's pages share: the history as a table, the
request's PDF and files, and the page of one action with its form ("Udziel akredytacji",
"Zawieś", "Wycofaj wniosek"…), which refuses a stale page and what the state machine does not
offer."""

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET
from django.views.generic import View
from django_fsm import ConcurrentTransition, has_transition_perm

from accounts.models import Role
from accounts.permissions import RoleRequiredMixin, role_required
from accreditation.models import AccreditationRequest, RequestAttachment
from accreditation.services import STALE_MESSAGE, AccreditationError, StaleVersion
from smk.audit import describe, history
from smk.pdf import pdf_response
from smk.scoping import get_scoped_object_or_404
from smk.uploads import document_response

#: Who reads a request, its files and its PDF: its unit's staff and the accrediting body.
READERS = (Role.UNIT_STAFF, Role.ACCREDITATION)

DETAIL_LABELS = {
    "number": gettext_lazy("numer"),
    "subject": gettext_lazy("dotyczy"),
    "kind": gettext_lazy("wniosek dotyczy"),
    "field": gettext_lazy("dziedzina"),
    "programme": gettext_lazy("program specjalizacji"),
    "internship": gettext_lazy("staż kierunkowy"),
    "places_requested": gettext_lazy("wnioskowana liczba miejsc"),
    "manager_name": gettext_lazy("kierownik specjalizacji"),
    "manager_qualifications": gettext_lazy("kwalifikacje kierownika"),
    "staff": gettext_lazy("kadra"),
    "equipment": gettext_lazy("wyposażenie"),
    "training_plan": gettext_lazy("plan kształcenia"),
    "plan_elements": gettext_lazy("elementy programu"),
    "file": gettext_lazy("plik"),
    "places": gettext_lazy("liczba miejsc"),
    "valid_from": gettext_lazy("ważna od"),
    "valid_to": gettext_lazy("ważna do"),
    "decision_number": gettext_lazy("numer decyzji"),
    "request": gettext_lazy("wniosek"),
    "reason": gettext_lazy("uzasadnienie"),
    "note": gettext_lazy("do uzupełnienia"),
    "deadline": gettext_lazy("termin uzupełnienia"),
    "from_day": gettext_lazy("od dnia"),
    "suspended_from": gettext_lazy("zawieszona od"),
    "held": gettext_lazy("miejsca zajęte"),
    "kept_by": gettext_lazy("miejsca zachowują"),
}


def event_rows(*objects) -> list[dict]:
    """The history of ``objects`` (a request and its accreditation), oldest first."""
    events = sorted(
        (event for obj in objects if obj is not None for event in history(obj)),
        key=lambda event: (event.created_at, event.pk),
    )
    return [
        {
            "at": event.created_at,
            "text": describe(event),
            "person": event.user,
            "acting_as": event.acting_as,
            "details": [
                (
                    str(DETAIL_LABELS.get(name, name)),
                    " → ".join(map(str, value)) if isinstance(value, list) else str(value),
                )
                for name, value in (event.data or {}).items()
            ],
        }
        for event in events
    ]


def request_pdf_context(request) -> dict:
    return {
        "request": request,
        "attachments": list(request.attachments.all()),
        "plan_elements": list(request.plan_elements.select_related("module")),
        "printed_at": timezone.localtime(),
    }


@require_GET
@role_required(*READERS)
def request_pdf(request, pk):
    """The request as a document (WeasyPrint), for its unit and the accrediting body."""
    accreditation_request = get_scoped_object_or_404(
        AccreditationRequest.objects.select_related(
            "unit__voivodeship", "field", "programme", "internship", "created_by"
        ),
        request,
        pk=pk,
    )
    return pdf_response(
        "accreditation/request_pdf.html",
        request_pdf_context(accreditation_request),
        "wniosek-akredytacja-" + accreditation_request.number.replace("/", "-") + ".pdf",
        request=request,
    )


@require_GET
@role_required(*READERS)
def attachment_download(request, pk):
    return document_response(get_scoped_object_or_404(RequestAttachment, request, pk=pk))


@dataclass(frozen=True)
class Action:
    """One button that leads to a page with a form: its transition, form, service, texts."""

    transition: str
    form_class: type
    service: Any
    heading: Promise
    intro: Promise
    submit: Promise
    success: Promise
    danger: bool = False


class ActionView(RoleRequiredMixin, View):
    """GET: the action's page; POST: do it. A refusal changes nothing: a form error goes next
    to its field, anything else becomes a message. The object comes through the profile's
    scope (another's answers 404); an action the state machine does not offer now is refused
    with a message, as is a page older than the object."""

    action: Action | None = None
    template_name = "accreditation/action.html"

    def get_object(self, **kwargs):
        raise NotImplementedError

    def detail_url(self, obj) -> str:
        raise NotImplementedError

    def perform(self, obj, version, data):
        return self.action.service(
            obj.pk, version=version, user=self.request.user, profile=self.request.profile, **data
        )

    def context(self, obj) -> dict:
        return {}

    def get(self, request, **kwargs):
        obj = self.get_object(**kwargs)
        if not self._open(obj):
            return self._not_open(obj)
        return self._render(obj, self.action.form_class(initial={"version": obj.version}))

    def post(self, request, **kwargs):
        obj = self.get_object(**kwargs)
        if not self._open(obj):
            if request.POST.get("version") != str(obj.version):
                messages.error(request, str(STALE_MESSAGE))
                return redirect(self.detail_url(obj))
            return self._not_open(obj)
        form = self.action.form_class(request.POST)
        if not form.is_valid():
            return self._render(obj, form)
        data = dict(form.cleaned_data)
        version = data.pop("version")
        try:
            self.perform(obj, version, data)
        except (StaleVersion, ConcurrentTransition):
            messages.error(request, str(STALE_MESSAGE))
            return redirect(self.detail_url(obj))
        except AccreditationError as error:
            if not error.field_errors:
                messages.error(request, str(error))
                return redirect(self.detail_url(obj))
            for name, message in error.field_errors.items():
                form.add_error(name if name in form.fields else None, message)
            return self._render(obj, form)
        messages.success(request, str(self.action.success))
        return redirect(self.detail_url(obj))

    def _open(self, obj) -> bool:
        return has_transition_perm(getattr(obj, self.action.transition), self.request.profile)

    def _not_open(self, obj):
        messages.error(
            self.request,
            _("Tej czynności nie można teraz wykonać. Odśwież stronę i sprawdź stan."),
        )
        return redirect(self.detail_url(obj))

    def _render(self, obj, form):
        return render(
            self.request,
            self.template_name,
            {
                "object": obj,
                "form": form,
                "action": self.action,
                "back_url": self.detail_url(obj),
                **self.context(obj),
            },
        )


def request_page(request, accreditation_request, **extra):
    """The request's page, as its unit and the accrediting body see it (``extra``: what each
    may do on it)."""
    return render(
        request,
        "accreditation/request_detail.html",
        {
            "accreditation_request": accreditation_request,
            "attachments": list(accreditation_request.attachments.all()),
            "plan_elements": list(accreditation_request.plan_elements.all()),
            "granted": accreditation_request.granted,
            "events": event_rows(accreditation_request),
            **extra,
        },
    )
