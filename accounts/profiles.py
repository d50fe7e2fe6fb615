"""The one place that decides which profile a request works in ("Pracuj w profilu")."""

from accounts.models import Profile

SESSION_KEY = "active_profile_id"


def profiles_of(user):
    """The profiles ``user`` may work in: with an active (approved) role and not blocked."""
    return list(
        Profile.objects.filter(user=user)
        .usable()
        .select_related("voivodeship", "unit")
        .prefetch_related("roles")
        .order_by("kind", "pk")
    )


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
    request.session[SESSION_KEY] = profile.pk
    request.profile = profile
