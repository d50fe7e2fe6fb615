"""Postępowanie kwalifikacyjne: the voivodeship's procedures, a procedure's page, its stage
transitions and "Zakończ postępowanie" with a confirmation page (seed 000 §4, SPEC §3)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django.views.generic import ListView
from django_fsm import ConcurrentTransition, TransitionNotAllowed

from accounts.models import Role
from accounts.permissions import RoleRequiredMixin, role_required
from qualification.models import Procedure, SlotList, SlotListStatus, Stage
from qualification.services import closing
from qualification.services.procedures import (
    closing_preview,
    procedure_counts,
    with_counts,
)
from smk.audit import describe, history
from smk.scoping import get_scoped_object_or_404, scoped

#: Who runs the voivodeship's procedure (SPEC §1).
OFFICE_ROLES = (Role.UW, Role.WOJEWODA)

#: How each stage transition is offered on the procedure's page: closing first shows a
#: confirmation page (GET), the others are POST buttons.
TRANSITION_ACTIONS = {
    "start_formal_evaluation": ("qualification:procedure_start_formal_evaluation", "post"),
    "start_competition": ("qualification:procedure_start_competition", "post"),
    "close": ("qualification:procedure_close", "get"),
}

#: What the procedure's page explains while the next transition is not yet possible.
NEXT_TRANSITION = {
    Stage.APPLICATIONS: "start_formal_evaluation",
    Stage.FORMAL_EVALUATION: "start_competition",
}


def transition_permitted(bound_method, profile) -> bool:
    """The transition's ``permission=`` for this profile, whatever the current state.

    django-fsm's ``has_transition_perm`` also asks whether the state and conditions allow the
    move now; a refusal for those is a message to the clerk, while a refusal of the person is
    403. The ``permission=`` callables take the acting profile as their "user".
    """
    instance = bound_method.__self__
    return any(
        transition.has_perm(instance, profile)
        for transition in bound_method._django_fsm.transitions.values()
    )


def _get_procedure(request, pk):
    return get_scoped_object_or_404(
        Procedure.objects.select_related("session", "voivodeship", "closed_by"), request, pk=pk
    )


class ProcedureListView(RoleRequiredMixin, ListView):
    """The profile's voivodeship's procedures, newest session first, with their counts."""

    roles = OFFICE_ROLES
    template_name = "qualification/procedures/procedure_list.html"
    context_object_name = "procedures"
    paginate_by = 20

    def get_queryset(self):
        return with_counts(scoped(Procedure, self.request)).order_by(
            "-session__applications_from", "-session_id", "voivodeship__name"
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        for procedure in context["procedures"]:
            status = procedure.slot_list_status
            procedure.slot_list_status_label = SlotListStatus(status).label if status else ""
        return context


@role_required(*OFFICE_ROLES)
def procedure_detail(request, pk):
    procedure = _get_procedure(request, pk)
    available = {t.name: t for t in procedure.get_available_user_stage_transitions(request.profile)}
    actions = [
        {
            "label": transition.custom.get("label", transition.name),
            "url": reverse(TRANSITION_ACTIONS[name][0], args=[procedure.pk]),
            "method": TRANSITION_ACTIONS[name][1],
        }
        for name, transition in available.items()
        if name in TRANSITION_ACTIONS
    ]
    next_transition = NEXT_TRANSITION.get(procedure.stage)
    waiting_for = (
        closing.stage_transition_obstacles(procedure, next_transition)
        if next_transition and next_transition not in available
        else []
    )
    slot_list = (
        SlotList.objects.filter(session=procedure.session, voivodeship=procedure.voivodeship)
        .select_related("approved_by", "published_by")
        .first()
    )
    events = [(event, describe(event)) for event in history(procedure)]
    return render(
        request,
        "qualification/procedures/procedure_detail.html",
        {
            "procedure": procedure,
            "counts": procedure_counts(procedure),
            "slot_list": slot_list,
            "actions": actions,
            "waiting_for": waiting_for,
            "events": events,
        },
    )


def _run_stage_transition(request, pk, name, service, success_message):
    procedure = _get_procedure(request, pk)
    if not transition_permitted(getattr(procedure, name), request.profile):
        raise PermissionDenied
    obstacles = closing.stage_transition_obstacles(procedure, name)
    if obstacles:
        messages.error(request, " ".join(obstacles))
        return redirect("qualification:procedure_detail", pk=procedure.pk)
    try:
        service(procedure.pk, user=request.user, profile=request.profile)
    except closing.ProcedureError as error:
        messages.error(request, str(error))
    except (TransitionNotAllowed, ConcurrentTransition):
        messages.error(
            request,
            _("Tej czynności nie można wykonać na obecnym etapie postępowania. Odśwież stronę."),
        )
    else:
        messages.success(request, success_message)
    return redirect("qualification:procedure_detail", pk=procedure.pk)


@require_POST
@role_required(*OFFICE_ROLES)
def procedure_start_formal_evaluation(request, pk):
    return _run_stage_transition(
        request,
        pk,
        "start_formal_evaluation",
        closing.start_formal_evaluation,
        _("Rozpoczęto ocenę formalną wniosków."),
    )


@require_POST
@role_required(*OFFICE_ROLES)
def procedure_start_competition(request, pk):
    return _run_stage_transition(
        request,
        pk,
        "start_competition",
        closing.start_competition,
        _("Rozpoczęto postępowanie konkursowe."),
    )


@require_http_methods(["GET", "POST"])
@role_required(*OFFICE_ROLES)
def procedure_close(request, pk):
    """ "Zakończ postępowanie": GET shows what closing will do and what stands in the way,
    POST closes (the service checks everything again under the row lock)."""
    procedure = _get_procedure(request, pk)
    if not transition_permitted(procedure.close, request.profile):
        raise PermissionDenied
    if request.method == "POST":
        try:
            result = closing.close_procedure(
                procedure.pk, user=request.user, profile=request.profile
            )
        except closing.ProcedureError as error:
            messages.error(request, str(error))
            return redirect("qualification:procedure_detail", pk=procedure.pk)
        except (TransitionNotAllowed, ConcurrentTransition):
            messages.error(
                request,
                _("Postępowania nie można teraz zakończyć. Odśwież stronę i spróbuj ponownie."),
            )
            return redirect("qualification:procedure_detail", pk=procedure.pk)
        messages.success(
            request,
            _(
                "Postępowanie zostało zakończone. Zakwalifikowane wnioski: %(qualified)d. "
                "Utworzone skierowania: %(referrals)d."
            )
            % {"qualified": result.qualified, "referrals": result.referrals},
        )
        return redirect("qualification:procedure_detail", pk=procedure.pk)
    rows = closing_preview(procedure)
    return render(
        request,
        "qualification/procedures/procedure_close.html",
        {
            "procedure": procedure,
            "rows": rows,
            "totals": {
                "places": sum(r.places for r in rows),
                "positive": sum(r.positive for r in rows),
                "to_qualify": sum(r.to_qualify for r in rows),
            },
            "obstacles": closing.closing_obstacles(procedure),
            "counts": procedure_counts(procedure),
        },
    )


urlpatterns = [
    path("", ProcedureListView.as_view(), name="procedure_list"),
    path("<int:pk>/", procedure_detail, name="procedure_detail"),
    path(
        "<int:pk>/rozpocznij-ocene-formalna/",
        procedure_start_formal_evaluation,
        name="procedure_start_formal_evaluation",
    ),
    path(
        "<int:pk>/rozpocznij-postepowanie-konkursowe/",
        procedure_start_competition,
        name="procedure_start_competition",
    ),
    path("<int:pk>/zakoncz/", procedure_close, name="procedure_close"),
]
