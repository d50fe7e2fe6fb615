""" "Mapa strony": the pages the visitor may open, read from the URL conf.

Every URL pattern without arguments is a candidate. Who may open it comes from the view
itself: ``role_required`` and ``administrator_required`` leave ``required_roles`` on it,
``RoleRequiredMixin`` views carry ``roles``, ``login_required`` leaves ``login_url``; anything
else is public. Its title comes from the main menu (``AppConfig.menu``) or from ``TITLES``
below; patterns that are not pages to visit (CSV exports, POST-only actions, allauth's steps)
are in ``NOT_LISTED``. ``tests/portal/test_sitemap.py`` fails on a pattern in neither, and
checks every page listed against the permission matrix.
"""

from dataclasses import dataclass

from django.apps import apps
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils.translation import gettext_lazy as _

PUBLIC, ANONYMOUS, LOGIN = "public", "anonymous", "login"

#: Groups of the map, in the order shown.
GROUPS = {
    PUBLIC: _("Informacje"),
    ANONYMOUS: _("Konto"),
    LOGIN: _("Moje konto"),
    "roles": _("Praca w systemie"),
}

#: Titles of the pages the menu does not name.
TITLES = {
    "home": _("Strona główna"),
    "portal:announcements": _("Ostatnie komunikaty"),
    "portal:help": _("Pomoc"),
    "portal:personal_data": _("Informacje o przetwarzaniu danych osobowych"),
    "portal:accessibility": _("Deklaracja dostępności"),
    "portal:privacy": _("Polityka prywatności"),
    "portal:terms": _("Warunki korzystania z serwisu"),
    "portal:sitemap": _("Mapa strony"),
    "portal:contact": _("Skontaktuj się z nami"),
    "qualification:published_slot_lists": _("Opublikowane listy miejsc szkoleniowych"),
    "accreditation:public_list": _("Wykaz jednostek akredytowanych"),
    "qualification:statistics": _("Statystyka złożonych wniosków"),
    "account_login": _("Logowanie — mam już konto"),
    "account_signup": _("Rejestracja — jestem nowym użytkownikiem"),
    "account_reset_password": _("Nie pamiętasz hasła?"),
    "account_change_password": _("Zmiana hasła"),
    "account_email": _("Adresy e-mail"),
    "mfa_index": _("Uwierzytelnianie dwuskładnikowe"),
    "accounts:request_institution": _("Składam wniosek o nowy profil"),
    "qualification:application_list": _("Wnioski"),
    "qualification:applicant_create": _("Utwórz wniosek"),
    "accreditation:unit_request_create": _("Wniosek o akredytację"),
    "accreditation:accreditation_list": _("Akredytacje"),
    "accounts:admin_profiles": _("Profile użytkowników"),
    "training:contact": _("Dane kontaktowe jednostki"),
    "training:schedule": _("Harmonogram rozpoczęć szkoleń"),
    "training:trainees": _("Osoby w trakcie szkolenia"),
    "training:offered_places": _("Oferowane miejsca szkoleniowe"),
}

#: The login pages are for visitors who are not logged in.
ANONYMOUS_ONLY = {"account_login", "account_signup", "account_reset_password"}

#: Argument-less patterns that are not pages to visit from a map.
NOT_LISTED = {
    # For machines: probes and Prometheus.
    "healthz",
    "readyz",
    "metrics",
    # Profil Zaufany: the SAML endpoints and the first login's steps, reached from the
    # "Profil Zaufany" button, never opened on their own.
    "pz:metadata",
    "pz:login",
    "pz:acs",
    "pz:slo",
    "pz:migration",
    "pz:account_information",
    "pz:activation_pending",
    "pz:resend_activation",
    "pz:required",
    # "Przenoszę uprawnienia z SSOZI": offered on the start screen to a user without a profile.
    "ssozi:move",
    "account_logout",
    "account_inactive",
    "account_reauthenticate",
    "account_email_verification_sent",
    "account_set_password",
    "account_confirm_login_code",
    "account_reset_password_done",
    "account_reset_password_from_key_done",
    "mfa_authenticate",
    "mfa_reauthenticate",
    "mfa_activate_totp",
    "mfa_deactivate_totp",
    "mfa_view_recovery_codes",
    "mfa_generate_recovery_codes",
    "mfa_download_recovery_codes",
    "socialaccount_login_cancelled",
    "socialaccount_login_error",
    "socialaccount_signup",
    "socialaccount_connections",
    "accounts:switch_profile",
    "accounts:choose_profile",
    "accounts:attachment_reminder",
    "accounts:request_select",
    "accounts:request_roles",
    "accounts:request_summary",
    "accounts:request_cancel",
    "accreditation:public_list_csv",
    "referrals:referral_list_csv",
    "registry:entry_list_csv",
    "training:activate",
    "training:schedule_remove",
    "training:trainees_csv",
}

#: Routes left out entirely: the Django admin and the API have their own entrances, and
#: allauth's old addresses only redirect.
SKIPPED_PREFIXES = ("admin/", "api/v1/", "konto/social/")


@dataclass(frozen=True)
class Page:
    name: str
    route: str
    #: PUBLIC, ANONYMOUS, LOGIN or the roles that may open it.
    access: str | frozenset

    @property
    def url(self) -> str:
        return reverse(self.name)


def access_of(name: str, callback) -> str | frozenset:
    view_class = getattr(callback, "view_class", None)
    roles = getattr(callback, "required_roles", None)
    if roles is None and view_class is not None and getattr(view_class, "roles", None):
        roles = frozenset(view_class.roles)
    if roles:
        return frozenset(roles)
    if name in ANONYMOUS_ONLY:
        return ANONYMOUS
    if hasattr(callback, "login_url") or (
        view_class is not None and hasattr(view_class, "handle_no_permission")
    ):
        return LOGIN
    return PUBLIC


def argumentless_patterns(patterns=None, prefix="", namespace=None):
    """(name, route, callback) of every named URL pattern that takes no arguments."""
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            if entry.pattern.regex.groupindex:
                continue
            inner = namespace
            if entry.namespace:
                inner = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
            yield from argumentless_patterns(entry.url_patterns, route, inner)
        elif isinstance(entry, URLPattern) and entry.name and not entry.pattern.regex.groupindex:
            if route.startswith(SKIPPED_PREFIXES):
                continue
            name = f"{namespace}:{entry.name}" if namespace else entry.name
            yield name, route, entry.callback


def menu_titles() -> dict[str, str]:
    return {
        entry.url_name: entry.label
        for config in apps.get_app_configs()
        for entry in getattr(config, "menu", ())
    }


def all_pages() -> list[Page]:
    """Every page of the map, whoever may open it (in the URL conf's order)."""
    titled = menu_titles().keys() | TITLES.keys()
    return [
        Page(name, route, access_of(name, callback))
        for name, route, callback in argumentless_patterns()
        if name in titled and name not in NOT_LISTED
    ]


def visible_to(page: Page, request) -> bool:
    authenticated = request.user.is_authenticated
    if page.access == PUBLIC:
        return True
    if page.access == ANONYMOUS:
        return not authenticated
    if page.access == LOGIN:
        return authenticated
    profile = getattr(request, "profile", None)
    return authenticated and profile is not None and profile.has_role(*page.access)


def sitemap_for(request) -> list[tuple[str, list[dict]]]:
    """The visitor's map: (group title, [{"title", "url"}]) in the order of ``GROUPS``."""
    titles = {**menu_titles(), **TITLES}
    groups: dict[str, list[dict]] = {key: [] for key in GROUPS}
    for page in all_pages():
        if visible_to(page, request):
            key = page.access if isinstance(page.access, str) else "roles"
            groups[key].append({"title": titles[page.name], "url": page.url})
    return [(GROUPS[key], entries) for key, entries in groups.items() if entries]
