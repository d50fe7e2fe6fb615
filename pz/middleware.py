from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse

from pz.services import METHOD_PZ, session_method

#: Pages open in a profile that needs Profil Zaufany while the session logged in otherwise:
#: logging in through it, logging out, choosing another profile.
ALLOWED_PREFIXES = ("/pz/", "/static/", "/healthz")
ALLOWED_NAMES = (
    "account_logout",
    "account_login",
    "accounts:my_account",
    "accounts:switch_profile",
)


class ProfilZaufanyRequiredMiddleware:
    """``PZ_REQUIRED_ROLES``: a profile with one of these roles is worked in only in a session
    that logged in through Profil Zaufany; anything else leads to the page that says so."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if self._refused(request):
            return redirect("pz:required")
        return self.get_response(request)

    @staticmethod
    def _refused(request) -> bool:
        roles = settings.PZ_REQUIRED_ROLES
        profile = getattr(request, "profile", None)
        if not roles or profile is None or not profile.has_role(*roles):
            return False
        if session_method(request) == METHOD_PZ:
            return False
        if request.path.startswith(ALLOWED_PREFIXES):
            return False
        return request.path not in {reverse(name) for name in ALLOWED_NAMES}
