from smk.navigation import menu_for


def navigation(request):
    if not hasattr(request, "user") or not request.user.is_authenticated:
        return {"menu": []}
    return {
        "menu": menu_for(request),
        "active_profile": getattr(request, "profile", None),
        "user_profiles": getattr(request, "profiles", []),
    }
