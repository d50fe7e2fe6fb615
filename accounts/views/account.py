""" "Moje konto" (seed 003): active profiles, pending requests, other profiles; contact data;
the reminder about requests without an attachment."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from accounts import services
from accounts.forms import ContactDataForm, ReminderForm, SwitchProfileForm
from accounts.institutions import institution_label_expression, requests_email
from accounts.models import ProfileRole, ProfileStatus, RoleRequest, RoleRequestAttachment
from accounts.profiles import activate_profile
from accounts.reminders import requests_missing_attachment
from accounts.views.common import build_section, get_own_or_404, own_profiles, own_requests
from smk import redirects

ACTIVE_SORTS = {
    "nazwa": (gettext_lazy("Nazwa jednostki"), ["label", "pk"]),
    "rodzaj": (gettext_lazy("Rodzaj"), ["kind", "label", "pk"]),
}
PENDING_SORTS = {
    "numer": (gettext_lazy("Numer wniosku"), ["-created_at", "-number"]),
    "nazwa": (gettext_lazy("Nazwa jednostki"), ["label", "-created_at", "-number"]),
}
OTHER_SORTS = {
    "data": (gettext_lazy("Data ostatniej zmiany statusu"), ["-status_changed_at", "-pk"]),
    "nazwa": (gettext_lazy("Nazwa jednostki"), ["label", "pk"]),
}


@login_required
def my_account(request):
    """ "Moje konto": "Aktywne profile" with "Pracuj w profilu", "Oczekujące wnioski",
    "Pozostałe profile" — each sorted and paginated on its own."""
    label = institution_label_expression()
    active = (
        own_profiles(request)
        .usable()
        .with_status()
        .annotate(label=label)
        .select_related("voivodeship", "unit", "unit__voivodeship")
        .prefetch_related(
            Prefetch("roles", queryset=ProfileRole.objects.select_related("request")),
            # "Złożone wnioski" of each active profile.
            Prefetch("role_requests", queryset=RoleRequest.objects.order_by("-created_at", "-pk")),
        )
    )
    pending = (
        own_requests(request)
        .pending()
        .with_attachment_flags()
        .annotate(label=institution_label_expression("profile__"))
        .select_related("batch", "profile", "profile__voivodeship", "profile__unit")
        .prefetch_related(
            Prefetch(
                "batch__attachments",
                queryset=RoleRequestAttachment.objects.order_by("uploaded_at", "pk"),
            )
        )
    )
    others = (
        own_profiles(request)
        .with_status()
        .exclude(derived_status=ProfileStatus.ACTIVE)
        .annotate(label=label)
        .select_related("voivodeship", "unit")
        .prefetch_related(
            Prefetch("role_requests", queryset=RoleRequest.objects.order_by("-created_at"))
        )
    )
    return render(
        request,
        "accounts/my_account.html",
        {
            "active": build_section(request, "aktywne", active, ACTIVE_SORTS, default="nazwa"),
            "pending": build_section(
                request, "oczekujace", pending, PENDING_SORTS, default="numer"
            ),
            "others": build_section(request, "pozostale", others, OTHER_SORTS, default="data"),
            "has_any_profile": own_profiles(request).exists(),
            "requests_email": requests_email(),
        },
    )


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


@login_required
def choose_profile(request):
    """After login with several usable profiles (seed 003): "przed rozpoczęciem pracy musisz
    wybrać spośród nich". The profile used last comes first and is chosen in advance."""
    profiles = request.profiles
    next_url = redirects.next_url(request, "home")
    if len(profiles) < 2:
        return redirect(next_url)
    form = SwitchProfileForm(
        request.POST if request.method == "POST" else None,
        profiles=profiles,
        initial={"profile": profiles[0].pk},
    )
    if request.method == "POST" and form.is_valid():
        profile = form.cleaned_data["profile"]
        activate_profile(request, profile)
        messages.success(
            request, _("Pracujesz teraz w profilu: %(profile)s.") % {"profile": profile}
        )
        return redirect(next_url)
    return render(
        request,
        "accounts/choose_profile.html",
        {"form": form, "profiles": profiles, "next": next_url},
    )


@login_required
def edit_contact_data(request, pk):
    """ "Edytuj dane kontaktowe": the phone and e-mail in one of the person's profiles."""
    profile = get_own_or_404(own_profiles(request).select_related("voivodeship", "unit"), pk=pk)
    form = ContactDataForm(
        request.POST if request.method == "POST" else None,
        initial={
            "phone": profile.contact_phone,
            "email": profile.contact_email,
            "version": profile.version,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.update_contact_data(
                profile.pk,
                user=request.user,
                version=form.cleaned_data["version"],
                phone=form.cleaned_data["phone"],
                email=form.cleaned_data["email"],
            )
        except services.AccountsError as error:
            messages.error(request, str(error))
            return redirect("accounts:edit_contact_data", pk=profile.pk)
        messages.success(request, _("Zapisano dane kontaktowe."))
        return redirect("accounts:my_account")
    return render(request, "accounts/contact_form.html", {"form": form, "profile": profile})


@login_required
def attachment_reminder(request):
    """After login: "Brak załączników do wniosków o rolę", with "Przypomnij mi przy kolejnym
    logowaniu" and, per request, "Plik został wysłany mailem lub wydruk pocztą…"."""
    requests = list(requests_missing_attachment(request.user))
    next_url = redirects.next_url(request, "home")
    if not requests:
        return redirect(next_url)
    form = ReminderForm(request.POST if request.method == "POST" else None, requests=requests)
    if request.method == "POST" and form.is_valid():
        chosen = [int(pk) for pk in form.cleaned_data["sent_otherwise"]]
        if chosen:
            services.set_attachment_sent_otherwise(chosen, user=request.user)
            messages.success(
                request, _("Nie będziemy przypominać o braku załącznika do zaznaczonych wniosków.")
            )
        return redirect(next_url)
    return render(
        request,
        "accounts/attachment_reminder.html",
        {"form": form, "requests": requests, "next": next_url},
    )
