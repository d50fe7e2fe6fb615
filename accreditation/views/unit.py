"""The training unit's screens: its requests for accreditation and its accreditations
("Akredytacja jednostki"), a request written, saved, documented, submitted and withdrawn.

Everything is reached through the profile's scope: another unit's request answers 404.
"""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST
from django_fsm import ConcurrentTransition, has_transition_perm

from accounts.models import Role
from accounts.permissions import role_required
from accreditation.forms import AttachmentForm, EditRequestForm, RequestForm, VersionForm
from accreditation.models import (
    AccreditationRequest,
    InternshipAccreditation,
    RequestAttachment,
    RequestKind,
)
from accreditation.services import STALE_MESSAGE, AccreditationError, StaleVersion
from accreditation.services import requests as request_services
from accreditation.views.common import Action, ActionView, request_page
from reference.models import Accreditation
from referrals import places
from smk.scoping import get_scoped_object_or_404, scoped
from smk.uploads import attach_and_tell, remove_and_tell

UNIT = (Role.UNIT_STAFF,)


def _own_request(request, pk):
    return get_scoped_object_or_404(
        AccreditationRequest.objects.select_related(
            "unit", "field", "programme__mode", "internship", "accreditation"
        ),
        request,
        pk=pk,
    )


def _detail(pk) -> str:
    return reverse("accreditation:unit_request_detail", args=[pk])


@role_required(*UNIT)
def unit_home(request):
    """ "Akredytacja jednostki": the unit's accreditations and its requests."""
    return render(
        request,
        "accreditation/unit/home.html",
        {
            "requests": scoped(
                AccreditationRequest.objects.select_related("field", "internship"), request
            ),
            "accreditations": places.with_free_places(
                scoped(Accreditation, request).select_related("field")
            ).order_by("-valid_from", "field__name"),
            "internship_accreditations": scoped(
                InternshipAccreditation.objects.select_related("internship"), request
            ).order_by("-valid_from"),
        },
    )


def _field_errors(form, error: AccreditationError) -> None:
    for name, message in error.field_errors.items():
        form.add_error(name if name in form.fields else None, message)
    if not error.field_errors:
        form.add_error(None, str(error))


@require_http_methods(["GET", "POST"])
@role_required(*UNIT)
def request_create(request):
    """ "Nowy wniosek o akredytację": saved as a draft, numbered."""
    form = RequestForm(
        request.POST if request.method == "POST" else None, initial={"kind": RequestKind.FIELD}
    )
    if request.method == "POST" and form.is_valid():
        try:
            created = request_services.create_request(
                data=form.cleaned_data, user=request.user, profile=request.profile
            )
        except AccreditationError as error:
            _field_errors(form, error)
        else:
            messages.success(
                request,
                _("Zapisano wersję roboczą wniosku %(number)s. Dołącz wymagane załączniki.")
                % {"number": created.number},
            )
            return redirect(_detail(created.pk))
    return render(request, "accreditation/unit/request_form.html", {"form": form})


@require_http_methods(["GET", "POST"])
@role_required(*UNIT)
def request_edit(request, pk):
    accreditation_request = _own_request(request, pk)
    if not accreditation_request.is_editable:
        messages.error(request, str(request_services.NOT_EDITABLE))
        return redirect(_detail(pk))
    initial = {
        **RequestForm.initial_of(accreditation_request),
        "version": accreditation_request.version,
    }
    form = EditRequestForm(
        request.POST if request.method == "POST" else None,
        request=accreditation_request,
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop("version")
        try:
            request_services.save_request(
                pk, version=version, data=data, user=request.user, profile=request.profile
            )
        except (StaleVersion, ConcurrentTransition):
            messages.error(request, str(STALE_MESSAGE))
            return redirect("accreditation:unit_request_edit", pk=pk)
        except AccreditationError as error:
            _field_errors(form, error)
        else:
            messages.success(request, _("Zapisano wniosek."))
            return redirect(_detail(pk))
    return render(
        request,
        "accreditation/unit/request_form.html",
        {"form": form, "accreditation_request": accreditation_request},
    )


def _unit_page(request, accreditation_request, attachment_form=None):
    profile = request.profile
    editable = accreditation_request.is_editable
    return request_page(
        request,
        accreditation_request,
        for_unit=True,
        can_edit=editable,
        attachment_form=(attachment_form or AttachmentForm()) if editable else None,
        can_submit=editable,
        can_withdraw=has_transition_perm(accreditation_request.withdraw, profile),
    )


@role_required(*UNIT)
def request_detail(request, pk):
    return _unit_page(request, _own_request(request, pk))


@require_POST
@role_required(*UNIT)
def attachment_add(request, pk):
    accreditation_request = _own_request(request, pk)
    form = AttachmentForm(request.POST, request.FILES)
    if not form.is_valid():
        return _unit_page(request, accreditation_request, attachment_form=form)
    attach_and_tell(
        request,
        lambda: request_services.add_attachment(
            accreditation_request.pk,
            kind=form.cleaned_data["kind"],
            upload=form.cleaned_data["file"],
            content_type=form.content_type,
            user=request.user,
            profile=request.profile,
        ),
        AccreditationError,
    )
    return redirect(_detail(pk))


@require_POST
@role_required(*UNIT)
def attachment_remove(request, pk):
    attachment = get_scoped_object_or_404(RequestAttachment, request, pk=pk)
    remove_and_tell(
        request,
        lambda: request_services.remove_attachment(
            attachment.pk, user=request.user, profile=request.profile
        ),
        attachment,
        AccreditationError,
    )
    return redirect(_detail(attachment.request_id))


@require_POST
@role_required(*UNIT)
def request_submit(request, pk):
    """ "Złóż wniosek": what is missing is listed, nothing is submitted without it."""
    accreditation_request = _own_request(request, pk)
    form = VersionForm(request.POST)
    if not form.is_valid():
        messages.error(request, str(STALE_MESSAGE))
        return redirect(_detail(pk))
    try:
        request_services.submit(
            pk,
            version=form.cleaned_data["version"],
            user=request.user,
            profile=request.profile,
        )
    except (StaleVersion, ConcurrentTransition):
        messages.error(request, str(STALE_MESSAGE))
    except AccreditationError as error:
        messages.error(request, str(error))
        for message in error.field_errors.values():
            messages.error(request, str(message))
    else:
        messages.success(
            request,
            _(
                "Złożono wniosek %(number)s. Podmiot akredytujący rozpatrzy go i powiadomi "
                "jednostkę o decyzji."
            )
            % {"number": accreditation_request.number},
        )
    return redirect(_detail(pk))


class UnitRequestActionView(ActionView):
    roles = UNIT

    def get_object(self, pk):
        return _own_request(self.request, pk)

    def detail_url(self, obj) -> str:
        return _detail(obj.pk)


WITHDRAW = Action(
    transition="withdraw",
    form_class=VersionForm,
    service=request_services.withdraw,
    heading=gettext_lazy("Wycofanie wniosku o akredytację"),
    intro=gettext_lazy(
        "Wycofany wniosek nie zostanie rozpatrzony; tej czynności nie można cofnąć. "
        "Jednostka może złożyć nowy wniosek."
    ),
    submit=gettext_lazy("Wycofaj wniosek"),
    success=gettext_lazy("Wniosek został wycofany."),
    danger=True,
)


urlpatterns = [
    path("jednostka/", unit_home, name="unit_home"),
    path("jednostka/wnioski/nowy/", request_create, name="unit_request_create"),
    path("jednostka/wnioski/<int:pk>/", request_detail, name="unit_request_detail"),
    path("jednostka/wnioski/<int:pk>/edytuj/", request_edit, name="unit_request_edit"),
    path("jednostka/wnioski/<int:pk>/zalaczniki/", attachment_add, name="unit_attachment_add"),
    path("jednostka/zalaczniki/<int:pk>/usun/", attachment_remove, name="unit_attachment_remove"),
    path("jednostka/wnioski/<int:pk>/zloz/", request_submit, name="unit_request_submit"),
    path(
        "jednostka/wnioski/<int:pk>/wycofaj/",
        UnitRequestActionView.as_view(action=WITHDRAW),
        name="unit_request_withdraw",
    ),
]
