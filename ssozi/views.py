""" "Przenoszę uprawnienia z SSOZI": step 1 "Login i hasło konta SSOZ I", step 2
"Podsumowanie i aktywacja profilu"."""

from allauth.core import ratelimit
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from accounts import services as account_services
from accounts.forms import ContactDataForm
from accounts.institutions import institution_of_profile
from accounts.models import Profile
from ssozi import services
from ssozi.forms import LegacyLoginForm

STEPS = (
    gettext_lazy("Login i hasło konta SSOZ I"),
    gettext_lazy("Podsumowanie i aktywacja profilu"),
)


def _steps(current: int) -> list[dict]:
    return [{"number": n, "name": name, "current": n == current} for n, name in enumerate(STEPS, 1)]


@login_required
@require_http_methods(["GET", "POST"])
def legacy_login(request):
    form = LegacyLoginForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        login = (request.POST.get("login") or "").strip().lower()
        if not ratelimit.consume(request, action="ssozi_move_failed", key=login, dry_run=True):
            form.is_valid()
            form.add_error(None, _("Zbyt wiele nieudanych prób. Spróbuj ponownie za kilka minut."))
        elif form.is_valid():
            try:
                profile = services.move_to_profile(
                    user=request.user,
                    login=form.cleaned_data["login"],
                    password=form.cleaned_data["password"],
                )
            except services.MoveRefused as refusal:
                if refusal.message == services.WRONG_CREDENTIALS:
                    ratelimit.consume(request, action="ssozi_move_failed", key=login)
                    form.add_error("login", _("Wpisz poprawne dane"))
                    form.add_error("password", _("Wpisz poprawne dane"))
                form.add_error(None, refusal.message)
            else:
                messages.success(
                    request, _("Został utworzony aktywny profil z przypisanymi rolami.")
                )
                return redirect("ssozi:summary", pk=profile.pk)
        else:
            form.add_error(None, services.WRONG_CREDENTIALS)
    return render(request, "ssozi/login.html", {"form": form, "steps": _steps(1)})


@login_required
@require_http_methods(["GET", "POST"])
def summary(request, pk):
    try:
        profile = (
            Profile.objects.filter(user=request.user)
            .select_related("voivodeship", "unit")
            .prefetch_related("roles")
            .get(pk=pk)
        )
    except Profile.DoesNotExist:
        raise Http404 from None
    initial = {"phone": profile.contact_phone, "email": profile.contact_email or request.user.email}
    form = ContactDataForm(
        request.POST if request.method == "POST" else None,
        initial={**initial, "version": profile.version},
    )
    if request.method == "POST" and form.is_valid():
        # "Twoje dane kontaktowe w jednostce", saved as "Edytuj dane kontaktowe" saves them.
        try:
            account_services.update_contact_data(profile.pk, user=request.user, **form.cleaned_data)
        except account_services.AccountsError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Zapisano dane kontaktowe. Możesz pracować w profilu."))
            return redirect("accounts:my_account")
    return render(
        request,
        "ssozi/summary.html",
        {
            "form": form,
            "profile": profile,
            "institution": institution_of_profile(profile),
            "steps": _steps(2),
        },
    )
