"""The one place that decides which profile a request works in ("Pracuj w profilu")."""

from accounts.models import Profile, ProfileRole

SESSION_KEY = "active_profile_id"


def profiles_of(user):
    """The profiles ``user`` may work in: with an active (approved) role and not blocked
    (``Profile.objects.usable()``), each with its roles.

    Every request asks this, so it is one query: the roles joined to their profiles, grouped
    here, and each profile's ``roles`` filled in as ``prefetch_related("roles")`` fills it.
    """
    roles = (
        ProfileRole.objects.filter(profile__user=user, profile__blocked_at__isnull=True)
        .select_related("profile__voivodeship", "profile__unit")
        .order_by("profile__kind", "profile_id", "role")
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
    request.session[SESSION_KEY] = profile.pk
    request.profile = profile
