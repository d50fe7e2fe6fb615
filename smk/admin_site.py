"""The Django admin's site: every admin page asks for a session authenticated with the second
factor (smk.second_factor), not only for ``is_staff``: a stolen password alone is no
superuser. Installed as the default ``admin.site`` through :class:`SmkAdminConfig`, so the
``@admin.register`` of every app lands here."""

from functools import update_wrapper

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.urls import reverse

from smk.second_factor import ask_for_second_factor, has_second_factor


class SmkAdminConfig(AdminConfig):
    default_site = "smk.admin_site.SmkAdminSite"

    def ready(self):
        from smk.apps import use_polish_blank_choice

        use_polish_blank_choice()  # before the admin modules (and their forms) are imported
        super().ready()


class SmkAdminSite(admin.AdminSite):
    def has_permission(self, request):
        return super().has_permission(request) and has_second_factor(request)

    def _lacks_only_the_second_factor(self, request):
        return super().has_permission(request) and not has_second_factor(request)

    def admin_view(self, view, cacheable=False):
        # Django's wrapper would send staff without the second factor to the admin's login
        # form ("not authorised"); send them to set it up or to confirm the session instead.
        guarded = super().admin_view(view, cacheable)

        def inner(request, *args, **kwargs):
            if self._lacks_only_the_second_factor(request):
                return ask_for_second_factor(request)
            return guarded(request, *args, **kwargs)

        return update_wrapper(inner, guarded)

    def login(self, request, extra_context=None):
        # Staff already logged in with the password only: confirm, then go where they meant.
        if self._lacks_only_the_second_factor(request):
            from django.contrib.auth.views import LoginView  # imports User: not at load time

            after = LoginView().get_redirect_url(request) or reverse(
                "admin:index", current_app=self.name
            )
            return ask_for_second_factor(request, next_url=after)
        return super().login(request, extra_context)
