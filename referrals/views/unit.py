"""The training unit's screens (seed 000 §12): the referrals sent to the unit, one referral,
and the unit's decisions "Akceptuj", "Odrzuć" and "Niepodjęcie szkolenia".

A unit reaches a referral only through the scoped queryset, which holds nothing but what was
sent to it (and never a withdrawn one): any other referral answers 404. A decision posted on a
referral the office has just withdrawn from this unit is the one exception: it is told so and
sent back to the list. The decisions are the referral services; their effects (EKS, register
entry, new referral, freed place) happen there.
"""

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import DetailView, View
from django_filters.views import FilterView
from django_fsm import ConcurrentTransition, has_transition_perm

from accounts.models import Role
from accounts.permissions import RoleRequiredMixin
from referrals import services
from referrals.forms_unit import (
    DecisionForm,
    JustifiedDecisionForm,
    NotStartedForm,
    UnitReferralFilter,
    UnitTab,
)
from referrals.models import DecidedBy, Referral, ReferralStatus
from registry.models import EntryKind
from smk.models import Event
from smk.scoping import Scope, get_scoped_object_or_404, scoped

WITHDRAWN_MESSAGE = gettext_lazy(
    "Urząd Wojewódzki wycofał to skierowanie — decyzja nie została wprowadzona."
)


def unit_referrals():
    """Referrals as a unit may see them. ``sent_at`` is set by "Wyślij" and cleared by "Wycofaj":
    a referral the office assigned to the unit but never sent stays out of its sight even when
    the office then registered a non-commencement on it."""
    return Referral.objects.filter(sent_at__isnull=False).select_related(
        "application", "session", "field", "mode", "unit"
    )


class UnitStaffMixin(RoleRequiredMixin):
    roles = (Role.UNIT_STAFF,)

    def get_referral(self, pk):
        return get_scoped_object_or_404(
            unit_referrals().select_related("programme", "voivodeship", "eks"),
            self.request,
            pk=pk,
        )


class UnitReferralListView(UnitStaffMixin, FilterView):
    """ "Skierowania do jednostki": the tabs "Do decyzji" and "Zdecydowane" and a search."""

    filterset_class = UnitReferralFilter
    template_name = "referrals/unit/referral_list.html"
    context_object_name = "referrals"
    paginate_by = 25

    def get_queryset(self):
        return scoped(unit_referrals(), self.request).order_by("-sent_at", "-pk")

    def get_filterset_kwargs(self, filterset_class):
        kwargs = super().get_filterset_kwargs(filterset_class)
        # Always bound: without a tab in the URL the filterset opens "Do decyzji".
        kwargs["data"] = self.request.GET
        return kwargs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        counts = scoped(Referral.objects.filter(sent_at__isnull=False), self.request).aggregate(
            to_decide=Count("pk", filter=Q(status=ReferralStatus.ISSUED)),
            decided=Count("pk", filter=~Q(status=ReferralStatus.ISSUED)),
        )
        current = context["filter"].current_tab
        context["tabs"] = [
            {
                "label": tab.label,
                "url": f"{reverse('referrals:unit_referral_list')}?tab={tab.value}",
                "count": counts["to_decide" if tab == UnitTab.TO_DECIDE else "decided"],
                "current": tab.value == current,
            }
            for tab in UnitTab
        ]
        context["current_tab"] = current
        context["to_decide"] = current == UnitTab.TO_DECIDE
        return context


@dataclass(frozen=True)
class Decision:
    """One of the unit's decisions: its transition, form, service and texts."""

    transition: str
    url_name: str
    form_class: type[DecisionForm]
    service: Any
    heading: Promise
    intro: Promise
    submit: Promise
    success: Promise
    danger: bool = False


ACCEPT = Decision(
    transition="accept",
    url_name="referrals:unit_accept",
    form_class=DecisionForm,
    service=services.accept,
    heading=gettext_lazy("Akceptacja skierowania"),
    intro=gettext_lazy(
        "Akceptacja skierowania oznacza potwierdzenie rozpoczęcia szkolenia przez Diagnostę. "
        "Skierowanie otrzyma status „Specjalizacja rozpoczęta”, zostanie utworzona "
        "Elektroniczna Karta Specjalizacji i wpis w rejestrze osób odbywających szkolenie "
        "specjalizacyjne. Tej decyzji nie można cofnąć."
    ),
    submit=gettext_lazy("Akceptuj"),
    success=gettext_lazy(
        "Skierowanie %(number)s zostało zaakceptowane: status „Specjalizacja rozpoczęta”. "
        "Utworzono Elektroniczną Kartę Specjalizacji i wpis w rejestrze."
    ),
)
REJECT = Decision(
    transition="reject",
    url_name="referrals:unit_reject",
    form_class=JustifiedDecisionForm,
    service=services.reject,
    heading=gettext_lazy("Odrzucenie skierowania"),
    intro=gettext_lazy(
        "Odrzucone skierowanie otrzyma status „Odrzucone” i zachowa informację o decyzji "
        "jednostki; miejsce szkoleniowe zostanie zwolnione, a Urząd Wojewódzki skieruje "
        "Diagnostę do innej jednostki. Podaj uzasadnienie decyzji."
    ),
    submit=gettext_lazy("Odrzuć"),
    success=gettext_lazy("Skierowanie %(number)s zostało odrzucone: status „Odrzucone”."),
    danger=True,
)
NOT_STARTED = Decision(
    transition="unit_register_not_started",
    url_name="referrals:unit_not_started",
    form_class=NotStartedForm,
    service=services.unit_register_not_started,
    heading=gettext_lazy("Niepodjęcie szkolenia"),
    intro=gettext_lazy(
        "Wprowadzenie informacji o niepodjęciu szkolenia oznacza, że Diagnosta nie rozpoczął "
        "szkolenia. Elektroniczna Karta Specjalizacji nie zostanie utworzona, skierowanie "
        "otrzyma status „Specjalizacja nierozpoczęta”, a miejsce szkoleniowe zostanie "
        "zwolnione. Wpisu w rejestrze dokona Urząd Wojewódzki. Podaj uzasadnienie decyzji; "
        "możesz dołączyć załącznik."
    ),
    submit=gettext_lazy("Zapisz"),
    success=gettext_lazy(
        "Wprowadzono informację o niepodjęciu szkolenia dla skierowania %(number)s: status "
        "„Specjalizacja nierozpoczęta”. Urząd Wojewódzki dokona wpisu w rejestrze albo "
        "wycofa skierowanie."
    ),
    danger=True,
)

#: The unit's transitions (by method name) and the page where each is decided.
DECISIONS = {decision.transition: decision for decision in (ACCEPT, REJECT, NOT_STARTED)}


class UnitReferralDetailView(UnitStaffMixin, DetailView):
    """The referral as the unit sees it, its decision, and the decisions still open."""

    template_name = "referrals/unit/referral_detail.html"
    context_object_name = "referral"

    def get_object(self, queryset=None):
        return self.get_referral(self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        referral = self.object
        transitions = sorted(
            referral.get_available_user_status_transitions(self.request.profile),
            key=lambda t: t.custom.get("order", 0),
        )
        context["decisions"] = [
            {
                "label": transition.custom["label"],
                "url": reverse(DECISIONS[transition.name].url_name, args=[referral.pk]),
                "danger": DECISIONS[transition.name].danger,
            }
            for transition in transitions
            if transition.name in DECISIONS
        ]
        tab = UnitTab.TO_DECIDE if referral.status == ReferralStatus.ISSUED else UnitTab.DECIDED
        context["list_url"] = f"{reverse('referrals:unit_referral_list')}?tab={tab}"
        context["eks"] = getattr(referral, "eks", None)
        context["register_entries"] = list(referral.register_entries.order_by("pk"))
        context["struck_off"] = any(
            entry.kind == EntryKind.STRIKE_OFF for entry in context["register_entries"]
        )
        context["awaits_office"] = (
            referral.status == ReferralStatus.NOT_STARTED
            and referral.decided_by_kind == DecidedBy.UNIT
            and not context["struck_off"]
        )
        return context


class UnitDecisionView(UnitStaffMixin, View):
    """GET: the decision's page (a confirmation, or the justification form); POST: decide.

    A refused decision changes nothing: a form error goes next to its field, anything else
    becomes a message. A decision taken on an out-of-date page is refused by the service.
    """

    decision: Decision = ACCEPT
    template_name = "referrals/unit/decision.html"

    def get(self, request, pk):
        referral = self.get_referral(pk)
        if not self._open(referral):
            return self._not_open(referral)
        form = self.decision.form_class(initial={"version": referral.version})
        return self._render(referral, form)

    def post(self, request, pk):
        try:
            referral = self.get_referral(pk)
        except Http404:
            if not self._withdrawn_from_this_unit(pk):
                raise
            return self._withdrawn()
        if not self._open(referral):
            if request.POST.get("version") != str(referral.version):
                messages.error(request, str(services.STALE_MESSAGE))
                return redirect("referrals:unit_referral_detail", pk=referral.pk)
            return self._not_open(referral)
        form = self.decision.form_class(request.POST, request.FILES)
        if not form.is_valid():
            return self._render(referral, form)
        data = dict(form.cleaned_data)
        version = data.pop("version")
        try:
            self.decision.service(
                referral.pk, version=version, user=request.user, profile=request.profile, **data
            )
        except (services.StaleReferral, ConcurrentTransition):
            return self._stale(referral.pk, form)
        except services.ReferralError as error:
            if not error.field_errors:
                messages.error(request, str(error))
                return redirect("referrals:unit_referral_detail", pk=referral.pk)
            for field_name, message in error.field_errors.items():
                form.add_error(field_name if field_name in form.fields else None, message)
            return self._render(referral, form)
        messages.success(request, self.decision.success % {"number": referral.number})
        return redirect("referrals:unit_referral_detail", pk=referral.pk)

    def _open(self, referral) -> bool:
        return has_transition_perm(
            getattr(referral, self.decision.transition), self.request.profile
        )

    def _not_open(self, referral):
        messages.error(
            self.request,
            _("Tej decyzji nie można wprowadzić dla skierowania w statusie „%(status)s”.")
            % {"status": referral.get_status_display()},
        )
        return redirect("referrals:unit_referral_detail", pk=referral.pk)

    def _stale(self, pk, form):
        """Someone changed the referral meanwhile: say so and show it as it is now, with what
        the person typed, so they decide again knowingly (or learn it is gone)."""
        try:
            referral = self.get_referral(pk)
        except Http404:
            if self._withdrawn_from_this_unit(pk):
                return self._withdrawn()
            messages.error(self.request, str(services.STALE_MESSAGE))
            return redirect("referrals:unit_referral_list")
        messages.error(self.request, str(services.STALE_MESSAGE))
        if not self._open(referral):
            return redirect("referrals:unit_referral_detail", pk=referral.pk)
        typed = {"justification": form.cleaned_data.get("justification", "")}
        fresh = self.decision.form_class(initial={**typed, "version": referral.version})
        return self._render(referral, fresh)

    def _withdrawn_from_this_unit(self, pk) -> bool:
        """Whether the office withdrew ("Wycofaj") this referral from the active profile's unit.

        The scoped queryset no longer holds it, so this looks past the scope on purpose, but
        only at a referral still pointing at this very unit, no longer sent, with a withdrawal
        in its history: another unit's referral stays a plain 404 and nothing leaks.
        """
        scope, unit_id = self.request.profile.scope
        if scope != Scope.UNIT or unit_id is None:
            return False
        withdrawn = Event.objects.filter(
            target_type=ContentType.objects.get_for_model(Referral, for_concrete_model=False),
            target_id=pk,
            action="referral.withdrawn",
        )
        return (
            Referral.objects.filter(pk=pk, unit_id=unit_id, sent_at__isnull=True).exists()
            and withdrawn.exists()
        )

    def _withdrawn(self):
        """The decision came too late: say so and go back to the list; nothing is changed."""
        messages.warning(self.request, str(WITHDRAWN_MESSAGE))
        return redirect("referrals:unit_referral_list")

    def _render(self, referral, form):
        return render(
            self.request,
            self.template_name,
            {"referral": referral, "form": form, "decision": self.decision},
        )


urlpatterns = [
    path("jednostka/", UnitReferralListView.as_view(), name="unit_referral_list"),
    path("jednostka/<int:pk>/", UnitReferralDetailView.as_view(), name="unit_referral_detail"),
    path(
        "jednostka/<int:pk>/akceptuj/",
        UnitDecisionView.as_view(decision=ACCEPT),
        name="unit_accept",
    ),
    path(
        "jednostka/<int:pk>/odrzuc/",
        UnitDecisionView.as_view(decision=REJECT),
        name="unit_reject",
    ),
    path(
        "jednostka/<int:pk>/niepodjecie-szkolenia/",
        UnitDecisionView.as_view(decision=NOT_STARTED),
        name="unit_not_started",
    ),
]
