"""Who may open a view: a logged-in person working in a profile with one of the roles."""

from functools import wraps

from django.contrib.auth.mixins import LoginRequiredMixin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied

from smk.second_factor import ask_for_second_factor, has_second_factor


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

        # Who may open it, for the pages that list views ("Mapa strony", portal/sitemap.py).
        wrapper.required_roles = frozenset(roles)
        return wrapper

    return decorator


def administrator_required(view):
    """The administration screens: a profile with the Administrator role (else 403) in a
    session authenticated with the second factor, as the Django admin asks
    (smk.second_factor): without TOTP they are sent to set it up, with it to confirm it."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        from accounts.models import Role

        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        _check(request, (Role.ADMINISTRATOR,))
        if not has_second_factor(request):
            return ask_for_second_factor(request)
        return view(request, *args, **kwargs)

    from accounts.models import Role

    wrapper.required_roles = frozenset({Role.ADMINISTRATOR})
    return wrapper
