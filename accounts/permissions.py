"""Who may open a view: a logged-in person working in a profile with one of the roles."""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.utils.translation import gettext as _


def _check(request, roles):
    profile = getattr(request, "profile", None)
    if profile is None or (roles and not profile.has_role(*roles)):
        raise PermissionDenied


class RoleRequiredMixin(LoginRequiredMixin):
    """Anonymous → login page; a profile without any of ``roles`` → 403."""

    roles: tuple[str, ...] = ()

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        _check(request, self.roles)
        return super().dispatch(request, *args, **kwargs)


def role_required(*roles):
    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            _check(request, roles)
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


def has_totp(user) -> bool:
    from allauth.mfa.models import Authenticator
    from allauth.mfa.utils import is_mfa_enabled

    return is_mfa_enabled(user, [Authenticator.Type.TOTP])


def administrator_required(view):
    """The administration screens: a profile with the Administrator role (else 403) whose
    person has two-factor authentication on — without it they are sent to set it up."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        from accounts.models import Role

        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        _check(request, (Role.ADMINISTRATOR,))
        if not has_totp(request.user):
            messages.warning(
                request,
                _(
                    "Ekrany administracyjne wymagają uwierzytelniania dwuskładnikowego. "
                    "Włącz aplikację uwierzytelniającą (TOTP), a potem wróć do tej strony."
                ),
            )
            return redirect("mfa_activate_totp")
        return view(request, *args, **kwargs)

    return wrapper
