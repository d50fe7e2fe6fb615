"""The second factor the administration screens ask for (the Django admin and "Wnioski o role").

Having TOTP turned on is not enough: a stolen password alone must not open them, so the
session itself must have been authenticated with the second factor — at login
(allauth's MFA stage) or afterwards through "mfa_reauthenticate". allauth records each
authentication step of a session; a step with the method "mfa" is what counts.
"""

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _


def has_totp(user) -> bool:
    # Inner imports: the admin site (smk.admin_site) imports this module while the app
    # registry is still loading, before allauth's models may be imported.
    from allauth.mfa.models import Authenticator
    from allauth.mfa.utils import is_mfa_enabled

    return is_mfa_enabled(user, [Authenticator.Type.TOTP])


def session_used_second_factor(request) -> bool:
    """This session was authenticated with the second factor (a TOTP or recovery code) of
    the person now logged in, at login or when asked again."""
    from allauth.account.authentication import get_authentication_records

    records = get_authentication_records(request, request.user)
    return any(record.get("method") == "mfa" for record in records)


def has_second_factor(request) -> bool:
    return has_totp(request.user) and session_used_second_factor(request)


def ask_for_second_factor(request, next_url=None):
    """Where a logged-in person without :func:`has_second_factor` goes: to set up the
    authenticator app if they have none, else to confirm this session with a code from it
    (then back to ``next_url``, by default this page; a POST is not replayed)."""
    if not has_totp(request.user):
        messages.warning(
            request,
            _(
                "Ekrany administracyjne wymagają uwierzytelniania dwuskładnikowego. "
                "Włącz aplikację uwierzytelniającą (TOTP), a potem wróć do tej strony."
            ),
        )
        return redirect("mfa_activate_totp")
    messages.warning(
        request,
        _(
            "Ekrany administracyjne wymagają potwierdzenia logowania drugim składnikiem. "
            "Wpisz kod z aplikacji uwierzytelniającej (albo jeden z kodów odzyskiwania)."
        ),
    )
    query = urlencode({"next": next_url or request.get_full_path()})
    return redirect(f"{reverse('mfa_reauthenticate')}?{query}")
