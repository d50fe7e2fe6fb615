""" "Składam wniosek" in four steps (seed 003): 1 "Wybór jednostki", 2 "Wybór ról i dane
kontaktowe", 3 "Podsumowanie i zapisanie wniosku", 4 "Pobranie wniosku" (in
:mod:`accounts.views.requests`). "Wnioskuj o inne role" enters at step 2 for an existing
profile. What was chosen so far lives in the session until "Zapisz wniosek"."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts import services
from accounts.forms import (
    PAGE_SIZES,
    ChooseInstitutionForm,
    DeclarationForm,
    InstitutionSearchForm,
    RolesAndContactForm,
)
from accounts.institutions import (
    REQUESTABLE_KINDS,
    get_institution,
    institution_of_profile,
    search_institutions,
)
from accounts.models import ROLES_BY_KIND, Profile, Role
from accounts.views.common import get_own_or_404, own_profiles

SESSION_KEY = "role_request_wizard"
NEW, MORE = "nowy", "inne-role"


def _state(request) -> dict:
    return dict(request.session.get(SESSION_KEY) or {})


def _save_state(request, state: dict) -> None:
    request.session[SESSION_KEY] = state


def _clear_state(request) -> None:
    request.session.pop(SESSION_KEY, None)


def _institution(state):
    try:
        return get_institution(state.get("institution", ""))
    except LookupError:
        return None


def _profile_there(request, institution) -> Profile | None:
    return (
        own_profiles(request).filter(**institution.profile_lookup()).prefetch_related("roles")
    ).first()


def _roles_situation(request, institution):
    """(roles one may still ask for, roles held, roles already asked for, the profile)."""
    profile = _profile_there(request, institution)
    held = set(profile.role_codes) if profile else set()
    pending = (
        set(profile.role_requests.pending().values_list("role", flat=True)) if profile else set()
    )
    allowed = ROLES_BY_KIND.get(institution.kind, ())
    available = [r for r in allowed if r not in held and r not in pending]
    return available, held, pending, profile


def _steps(state, current: int):
    """The step bar: four steps for a new profile, three for "Wnioskuj o inne role"."""
    names = [
        _("Wybór jednostki"),
        _("Wybór ról i dane kontaktowe"),
        _("Podsumowanie i zapisanie wniosku"),
        _("Pobranie wniosku"),
    ]
    if state.get("mode") == MORE:
        names, current = names[1:], current - 1
    return [
        {"number": n, "name": name, "current": n == current}
        for n, name in enumerate(names, start=1)
    ]


def _refuse_institution(request, institution) -> str | None:
    """Why a person cannot ask for roles in ``institution``, or None."""
    available, _held, _pending, profile = _roles_situation(request, institution)
    if profile is not None and profile.is_blocked:
        return _("Twój profil w tej jednostce jest zablokowany — nie możesz wnioskować o role.")
    if not available:
        return _(
            "Pełnisz już lub wnioskujesz o wszystkie role dostępne w tej jednostce. Wybierz inną "
            "jednostkę."
        )
    return None


@login_required
def choose_institution(request):
    """Step 1 "Wybór jednostki": search by type, NIP, REGON, "Numer księgi rejestrowej",
    name; sorted and paged as chosen ("sortuj", "Pokaż na stronie"); "Wybierz"."""
    state = _state(request)
    if state.get("mode") == MORE:
        state = {}
    form = InstitutionSearchForm(request.GET or None)
    results = None
    if form.is_valid():
        criteria = form.cleaned_data
    elif not form.is_bound:
        criteria = {}
    else:
        criteria = None
    if criteria is not None:
        criteria = dict(criteria)
        per_page = criteria.pop("per_page", None) or PAGE_SIZES[0]
        results = Paginator(search_institutions(**criteria), per_page).get_page(
            request.GET.get("page")
        )
    return render(
        request,
        "accounts/wizard/choose_institution.html",
        {
            "form": form,
            "page_obj": results,
            "steps": _steps({"mode": NEW}, 1),
            "chosen": state.get("institution"),
        },
    )


@login_required
@require_POST
def select_institution(request):
    """ "Wybierz" on a row of step 1."""
    form = ChooseInstitutionForm(request.POST)
    institution = None
    if form.is_valid():
        try:
            institution = get_institution(form.cleaned_data["institution"])
        except LookupError:
            institution = None
    if institution is None or institution.kind not in REQUESTABLE_KINDS:
        messages.error(request, _("Wybierz jednostkę z listy."))
        return redirect("accounts:request_institution")
    if reason := _refuse_institution(request, institution):
        messages.error(request, reason)
        return redirect("accounts:request_institution")
    state = _state(request)
    if state.get("institution") != institution.key or state.get("mode") != NEW:
        state = {"mode": NEW, "institution": institution.key, **_contact_of(state)}
    _save_state(request, state)
    return redirect("accounts:request_roles")


def _contact_of(state) -> dict:
    return {k: state[k] for k in ("phone", "email") if k in state}


@login_required
def choose_roles(request):
    """Step 2 "Wybór ról i dane kontaktowe"; with ``?profil=<pk>``: "Wnioskuj o inne role"."""
    state = _state(request)
    if "profil" in request.GET:
        profile = get_own_or_404(own_profiles(request), pk=request.GET["profil"])
        institution = institution_of_profile(profile)
        if institution is None:
            messages.error(request, _("O role w tym profilu nie wnioskuje się w ten sposób."))
            return redirect("accounts:my_account")
        if state.get("institution") != institution.key or state.get("mode") != MORE:
            state = {"mode": MORE, "institution": institution.key}
            _save_state(request, state)
    institution = _institution(state)
    if institution is None:
        messages.info(request, _("Najpierw wybierz jednostkę."))
        return redirect("accounts:request_institution")
    if reason := _refuse_institution(request, institution):
        messages.error(request, reason)
        _clear_state(request)
        return redirect(
            "accounts:my_account" if state.get("mode") == MORE else "accounts:request_institution"
        )
    available, held, pending, profile = _roles_situation(request, institution)
    initial = {
        "roles": [r for r in state.get("roles", []) if r in available],
        "phone": state.get("phone") or (profile and profile.contact_phone) or request.user.phone,
        "email": state.get("email") or (profile and profile.contact_email) or request.user.email,
    }
    form = RolesAndContactForm(
        request.POST if request.method == "POST" else None,
        initial=initial,
        available_roles=available,
    )
    if request.method == "POST" and form.is_valid():
        state.update(
            roles=form.cleaned_data["roles"],
            phone=form.cleaned_data["phone"],
            email=form.cleaned_data["email"],
        )
        _save_state(request, state)
        return redirect("accounts:request_summary")
    return render(
        request,
        "accounts/wizard/choose_roles.html",
        {
            "form": form,
            "institution": institution,
            "held": [Role(r).label for r in sorted(held)],
            "pending_roles": [Role(r).label for r in sorted(pending)],
            "steps": _steps(state, 2),
            "back_url": reverse(
                "accounts:my_account"
                if state.get("mode") == MORE
                else "accounts:request_institution"
            ),
        },
    )


@login_required
def summary(request):
    """Step 3 "Podsumowanie i zapisanie wniosku": the declaration, then "Zapisz wniosek"."""
    state = _state(request)
    institution = _institution(state)
    if institution is None:
        messages.info(request, _("Najpierw wybierz jednostkę."))
        return redirect("accounts:request_institution")
    if not state.get("roles") or not state.get("phone") or not state.get("email"):
        messages.info(request, _("Najpierw wybierz role i podaj dane kontaktowe."))
        return redirect("accounts:request_roles")
    form = DeclarationForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            batch = services.submit_role_requests(
                user=request.user,
                institution=institution,
                roles=state["roles"],
                phone=state["phone"],
                email=state["email"],
            )
        except services.AccountsError as error:
            messages.error(request, str(error))
            return redirect(
                "accounts:request_roles" if error.field_errors else "accounts:request_summary"
            )
        mode = state.get("mode")
        _clear_state(request)
        messages.success(request, _("Wygenerowano wnioski dla wybranych ról."))
        response = redirect("accounts:request_download", pk=batch.pk)
        if mode == MORE:
            response["Location"] += "?tryb=inne-role"
        return response
    return render(
        request,
        "accounts/wizard/summary.html",
        {
            "form": form,
            "institution": institution,
            "roles": [Role(r).label for r in state["roles"]],
            "phone": state["phone"],
            "email": state["email"],
            "steps": _steps(state, 3),
            "more_roles": state.get("mode") == MORE,
        },
    )


@login_required
def cancel(request):
    """ "Anuluj": forget the unsaved choices."""
    _clear_state(request)
    return redirect("accounts:my_account")
