from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.forms import SwitchProfileForm
from accounts.profiles import activate_profile


@login_required
def my_account(request):
    """ "Moje konto": the person's data and profiles, each with "Pracuj w profilu"."""
    return render(request, "accounts/my_account.html", {"profiles": request.profiles})


@login_required
@require_POST
def switch_profile(request):
    """ "Pracuj w profilu": make one of the person's own profiles the active one."""
    form = SwitchProfileForm(request.POST, profiles=request.profiles)
    if not form.is_valid():
        messages.error(request, _("Wybierz jeden ze swoich profili."))
        return redirect("accounts:my_account")
    profile = form.cleaned_data["profile"]
    activate_profile(request, profile)
    messages.success(request, _("Pracujesz teraz w profilu: %(profile)s.") % {"profile": profile})
    # Another profile may not see the page we came from; start from the home page.
    return redirect("home")
