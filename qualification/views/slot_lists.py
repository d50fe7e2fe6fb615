"""Lista miejsc szkoleniowych: places per field and mode, approval and publication by the
Wojewoda, and the public page of published lists (SPEC §3)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django_filters.views import FilterView
from django_fsm import ConcurrentTransition, TransitionNotAllowed

from accounts.models import Role
from accounts.permissions import role_required
from qualification.forms.slot_lists import PublishedSlotListFilter, SlotListPlacesForm
from qualification.models import Procedure, SlotList, SlotListItem, SlotListStatus
from qualification.services.slot_lists import (
    SlotListError,
    approve_slot_list,
    current_places,
    places_fingerprint,
    publish_slot_list,
    save_places,
)
from qualification.views.procedures import OFFICE_ROLES, transition_permitted
from reference.models import Field, Mode
from smk.audit import describe, history
from smk.scoping import get_scoped_object_or_404
from training.queries import declared_places_per_field


def _get_slot_list(request, pk):
    return get_scoped_object_or_404(
        SlotList.objects.select_related(
            "session", "voivodeship", "approved_by", "published_by"
        ).prefetch_related("items"),
        request,
        pk=pk,
    )


def _places_table(places):
    """Rows of (field, [places per mode]) for every field and mode, and the modes."""
    modes = list(Mode.objects.order_by("name"))
    rows = [
        (field, [places.get((field.pk, mode.pk), 0) for mode in modes])
        for field in Field.objects.order_by("name")
    ]
    return rows, modes


def _with_declared(rows, slot_list):
    """The rows with, last, what the voivodeship's units offer in the field for the coming
    session (their "Miejsca oferowane"), shown next to the places the office enters."""
    declared = declared_places_per_field(slot_list.voivodeship_id)
    return [(field, cells, declared.get(field.pk)) for field, cells in rows]


@role_required(*OFFICE_ROLES)
def slot_list_detail(request, pk):
    slot_list = _get_slot_list(request, pk)
    places = current_places(slot_list)
    rows, modes = _places_table(places)
    procedure = Procedure.objects.filter(
        session_id=slot_list.session_id, voivodeship_id=slot_list.voivodeship_id
    ).first()
    return render(
        request,
        "qualification/slot_lists/slot_list_detail.html",
        {
            "slot_list": slot_list,
            "procedure": procedure,
            "rows": rows,
            "table": _with_declared(rows, slot_list),
            "modes": modes,
            "total": sum(places.values()),
            "can_edit": slot_list.is_editable,
            "can_approve": slot_list.status == SlotListStatus.DRAFT
            and transition_permitted(slot_list.approve, request.profile),
            "can_publish": slot_list.status == SlotListStatus.APPROVED
            and transition_permitted(slot_list.publish, request.profile),
            "events": [(event, describe(event)) for event in history(slot_list)],
        },
    )


@require_http_methods(["GET", "POST"])
@role_required(*OFFICE_ROLES)
def slot_list_edit(request, pk):
    """Places per field × mode of a draft list; an approved list is never offered for edit."""
    slot_list = _get_slot_list(request, pk)
    if not slot_list.is_editable:
        messages.error(
            request,
            _("Lista miejsc szkoleniowych jest zatwierdzona — nie można jej już zmieniać."),
        )
        return redirect("qualification:slot_list_detail", pk=slot_list.pk)
    places = current_places(slot_list)
    form = SlotListPlacesForm(
        request.POST if request.method == "POST" else None,
        places=places,
        initial={"fingerprint": places_fingerprint(places)},
    )
    if request.method == "POST" and form.is_valid():
        try:
            changed = save_places(
                slot_list.pk,
                form.places(),
                fingerprint=form.cleaned_data["fingerprint"],
                labels=form.labels(),
                user=request.user,
                profile=request.profile,
            )
        except SlotListError as error:
            messages.error(request, str(error))
            return redirect("qualification:slot_list_detail", pk=slot_list.pk)
        if changed:
            messages.success(request, _("Zapisano liczby miejsc szkoleniowych."))
        else:
            messages.info(request, _("Nie wprowadzono żadnych zmian."))
        return redirect("qualification:slot_list_detail", pk=slot_list.pk)
    return render(
        request,
        "qualification/slot_lists/slot_list_edit.html",
        {"slot_list": slot_list, "form": form, "table": _with_declared(form.rows(), slot_list)},
    )


def _run_transition(request, pk, name, service, success_message):
    slot_list = _get_slot_list(request, pk)
    if not transition_permitted(getattr(slot_list, name), request.profile):
        raise PermissionDenied
    try:
        service(slot_list.pk, user=request.user, profile=request.profile)
    except SlotListError as error:
        messages.error(request, str(error))
    except (TransitionNotAllowed, ConcurrentTransition):
        messages.error(
            request, _("Tej czynności nie można teraz wykonać. Odśwież stronę i sprawdź status.")
        )
    else:
        messages.success(request, success_message)
    return redirect("qualification:slot_list_detail", pk=slot_list.pk)


@require_POST
@role_required(Role.WOJEWODA)
def slot_list_approve(request, pk):
    """ "Zatwierdź": only the Wojewoda (a UW clerk gets 403)."""
    return _run_transition(
        request,
        pk,
        "approve",
        approve_slot_list,
        _("Lista miejsc szkoleniowych została zatwierdzona."),
    )


@require_POST
@role_required(Role.WOJEWODA)
def slot_list_publish(request, pk):
    """ "Opublikuj": only the Wojewoda; the list becomes visible to applicants."""
    return _run_transition(
        request,
        pk,
        "publish",
        publish_slot_list,
        _("Lista miejsc szkoleniowych została opublikowana."),
    )


class PublishedSlotListView(FilterView):
    """Every published slot list, for applicants and anyone else: no login.

    Published lists are public by nature, so this one view reads them without the profile's
    scope; it shows nothing that is not published.
    """

    filterset_class = PublishedSlotListFilter
    template_name = "qualification/slot_lists/published_slot_lists.html"
    context_object_name = "slot_lists"
    paginate_by = 16

    def get_queryset(self):
        return (
            SlotList.objects.filter(status=SlotListStatus.PUBLISHED)
            .select_related("session", "voivodeship")
            .prefetch_related(
                Prefetch(
                    "items",
                    queryset=SlotListItem.objects.filter(places__gt=0).select_related(
                        "field", "mode"
                    ),
                )
            )
            .order_by("-session__applications_from", "-session_id", "voivodeship__name")
        )


urlpatterns = [
    path("listy-miejsc/<int:pk>/", slot_list_detail, name="slot_list_detail"),
    path("listy-miejsc/<int:pk>/edytuj/", slot_list_edit, name="slot_list_edit"),
    path("listy-miejsc/<int:pk>/zatwierdz/", slot_list_approve, name="slot_list_approve"),
    path("listy-miejsc/<int:pk>/opublikuj/", slot_list_publish, name="slot_list_publish"),
    path(
        "listy-miejsc/opublikowane/",
        PublishedSlotListView.as_view(),
        name="published_slot_lists",
    ),
]
