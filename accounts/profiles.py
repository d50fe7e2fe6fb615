"""The one place that decides which profile a request works in ("Pracuj w profilu").

Seed 003: "Jeżeli posiadasz kilka aktywnych profili … przed rozpoczęciem pracy musisz wybrać
spośród nich". A login (allauth's, through ``AccountAdapter.login``) with more than one
usable profile marks the choice as due (:func:`note_login`); until it is made, every page
sends the person to "Wybierz profil" (:func:`redirect_if_choice_due`), which offers the
profile used last first. A session without a choice made (e.g. a test's ``force_login``)
works in the profile used last.
"""

from django.db.models import F
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from accounts.models import Profile, ProfileRole

SESSION_KEY = "active_profile_id"
CHOICE_DUE_KEY = "profile_choice_due"


def profiles_of(user):
    """The profiles ``user`` may work in: with an active (approved) role and not blocked
    (``Profile.objects.usable()``), each with its roles; the one used last first.

    Every request asks this, so it is one query: the roles joined to their profiles, grouped
    here, and each profile's ``roles`` filled in as ``prefetch_related("roles")`` fills it.
    """
    roles = (
        ProfileRole.objects.filter(profile__user=user, profile__blocked_at__isnull=True)
        .select_related("profile__voivodeship", "profile__unit")
        .order_by(
            F("profile__last_used_at").desc(nulls_last=True), "profile__kind", "profile_id", "role"
        )
    )
    profiles = {}
    for role in roles:
        profile = profiles.setdefault(role.profile_id, role.profile)
        role.profile = profile
        profile.__dict__.setdefault("_loaded_roles", []).append(role)
    for profile in profiles.values():
        prefetched = profile.roles.all()
        prefetched._result_cache = profile.__dict__.pop("_loaded_roles")
        prefetched._prefetch_done = True
        profile._prefetched_objects_cache = {"roles": prefetched}
    return list(profiles.values())


def resolve_active_profile(request):
    """Return (active profile or None, all usable profiles) for ``request.user``.

    A profile blocked (or left without roles) since it was chosen is skipped: the person
    works in another usable profile, or in none (every role-protected view answers 403).
    """
    user = request.user
    if not user.is_authenticated:
        return None, []
    profiles = profiles_of(user)
    if not profiles:
        return None, []
    chosen_id = request.session.get(SESSION_KEY)
    for profile in profiles:
        if profile.pk == chosen_id:
            return profile, profiles
    return profiles[0], profiles


def activate_profile(request, profile: Profile) -> None:
    """Work in ``profile`` from now on, and remember it as the one used last."""
    request.session[SESSION_KEY] = profile.pk
    request.session.pop(CHOICE_DUE_KEY, None)
    request.profile = profile
    profile.last_used_at = timezone.now()
    Profile.objects.filter(pk=profile.pk).update(last_used_at=profile.last_used_at)


def note_login(request, user) -> None:
    """After a login through the login page (``AccountAdapter.login``): with several usable
    profiles the person chooses one before anything else."""
    request.session.pop(SESSION_KEY, None)
    if len(profiles_of(user)) > 1:
        request.session[CHOICE_DUE_KEY] = True


def redirect_if_choice_due(request):
    """Every page (but logging out, the account pages of allauth and static files) waits
    for the choice; the page asked for opens after it."""
    if not request.session.get(CHOICE_DUE_KEY) or not request.user.is_authenticated:
        return None
    if len(request.profiles) < 2:
        request.session.pop(CHOICE_DUE_KEY, None)
        return None
    choice_url = reverse("accounts:choose_profile")
    exempt = (choice_url, reverse("account_logout"), "/static/", "/konto/")
    if request.method != "GET" or request.path.startswith(exempt):
        return None
    return redirect(f"{choice_url}?{urlencode({'next': request.get_full_path()})}")
