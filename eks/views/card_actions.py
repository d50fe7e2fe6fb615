"""What is done to the card as a whole: the unit appoints the kierownik, the kierownik plans
the years and confirms the end, the office verifies or returns the card."""

from dataclasses import dataclass

from django.shortcuts import render
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods
from django_fsm import has_transition_perm

from accounts.models import Role
from accounts.permissions import role_required
from eks import services
from eks.forms import AppointmentForm, PlanForm, ReasonForm, VersionForm
from eks.views.common import OFFICE, get_card, refused, run_form


@require_http_methods(["GET", "POST"])
@role_required(Role.UNIT_STAFF)
def appoint(request, pk):
    """ "Wyznacz kierownika specjalizacji" / "Zmień kierownika"."""
    card = get_card(request, pk)
    if card.status_is_final:
        return refused(
            request, card, _("Karta jest zweryfikowana: kierownika nie można już zmienić.")
        )
    candidates = services.kierownik_candidates(card.unit_id)
    form = AppointmentForm(
        request.POST or None, candidates=candidates, initial={"version": card.version}
    )
    done = run_form(
        request,
        form,
        card,
        lambda: services.appoint_kierownik(
            card.pk,
            version=form.cleaned_data["version"],
            kierownik_id=form.cleaned_data["kierownik"].pk,
            since=form.cleaned_data["since"],
            user=request.user,
            profile=request.profile,
        ),
        _("Kierownik specjalizacji został wyznaczony."),
    )
    return done or render(
        request,
        "eks/appoint.html",
        {
            "card": card,
            "form": form,
            "current": card.current_appointment,
            "has_candidates": candidates.exists(),
        },
    )


@require_http_methods(["GET", "POST"])
@role_required(Role.KIEROWNIK)
def plan(request, pk):
    """Roczny plan szkolenia, editable until each year starts."""
    card = get_card(request, pk)
    if not card.is_open:
        return refused(request, card, _("Plan można zmieniać, dopóki karta jest otwarta."))
    form = PlanForm(
        request.POST or None,
        card=card,
        progress=card.progress,
        initial={"version": card.version},
    )
    done = run_form(
        request,
        form,
        card,
        lambda: services.save_plan(
            card.pk,
            version=form.cleaned_data["version"],
            years=form.plan(),
            user=request.user,
            profile=request.profile,
        ),
        lambda changed: _("Zapisano roczny plan szkolenia.") if changed else _("Plan bez zmian."),
    )
    if done:
        return done
    return render(request, "eks/plan.html", {"card": card, "form": form})


@dataclass(frozen=True)
class CardDecision:
    """One of the card's transitions: its page, form and service, and what it says."""

    transition: str
    service: object
    heading: Promise
    intro: Promise
    submit: Promise
    success: Promise
    reason_label: Promise | None = None
    danger: bool = False


COMPLETE = CardDecision(
    transition="confirm_completion",
    service=services.confirm_completion,
    heading=gettext_lazy("Potwierdź zakończenie specjalizacji"),
    intro=gettext_lazy(
        "Wszystkie elementy programu są potwierdzone. Po potwierdzeniu zakończenia karta "
        "otrzyma status „przekazana do weryfikacji” i trafi do Urzędu Wojewódzkiego; do czasu "
        "weryfikacji nie można zmieniać wpisów."
    ),
    submit=gettext_lazy("Potwierdź zakończenie specjalizacji"),
    success=gettext_lazy(
        "Zakończenie specjalizacji zostało potwierdzone: karta czeka na weryfikację urzędu."
    ),
)
VERIFY = CardDecision(
    transition="verify",
    service=services.verify,
    heading=gettext_lazy("Zweryfikuj"),
    intro=gettext_lazy(
        "Weryfikacja kończy sprawę karty: otrzyma status „zweryfikowana”, a w rejestrze osób "
        "odbywających szkolenie specjalizacyjne powstanie wpis ukończenia szkolenia "
        "specjalizacyjnego. Tej decyzji nie można cofnąć."
    ),
    submit=gettext_lazy("Zweryfikuj"),
    success=gettext_lazy(
        "Karta została zweryfikowana; w rejestrze dokonano wpisu ukończenia szkolenia."
    ),
)
RETURN = CardDecision(
    transition="return_for_correction",
    service=services.return_for_correction,
    heading=gettext_lazy("Zwróć do poprawy"),
    intro=gettext_lazy(
        "Karta wróci do Diagnosty i kierownika specjalizacji ze statusem „otwarta”; podaj, "
        "co trzeba poprawić. Kierownik ponownie potwierdzi zakończenie specjalizacji."
    ),
    submit=gettext_lazy("Zwróć do poprawy"),
    success=gettext_lazy("Karta została zwrócona do poprawy."),
    reason_label=gettext_lazy("Powód zwrotu do poprawy"),
    danger=True,
)


@require_http_methods(["GET", "POST"])
def decide(request, pk, decision: CardDecision):
    card = get_card(request, pk)
    if not has_transition_perm(getattr(card, decision.transition), request.profile):
        if request.method == "POST" and request.POST.get("version") != str(card.version):
            return refused(request, card, services.STALE_MESSAGE)
        return refused(
            request,
            card,
            _("Tej czynności nie można wykonać dla karty w statusie „%(status)s”.")
            % {"status": card.status_label},
        )
    form_class = ReasonForm if decision.reason_label else VersionForm
    kwargs = {"label": decision.reason_label} if decision.reason_label else {}
    form = form_class(request.POST or None, initial={"version": card.version}, **kwargs)
    done = run_form(
        request,
        form,
        card,
        lambda: decision.service(
            card.pk, user=request.user, profile=request.profile, **form.cleaned_data
        ),
        decision.success,
    )
    if done:
        return done
    return render(request, "eks/decision.html", {"card": card, "form": form, "decision": decision})


complete = role_required(Role.KIEROWNIK)(decide)
verify = role_required(*OFFICE)(decide)
give_back = role_required(*OFFICE)(decide)
