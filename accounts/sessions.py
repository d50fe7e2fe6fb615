"""The notice after an automatic logout (seed 003: after 30 minutes without activity the
person is logged out and must log in again).

The session itself expires: a request renews its expiry (:func:`renew_expiry`) when the last
renewal is ``SESSION_RENEW_SECONDS`` old, so it lives ``SESSION_IDLE_SECONDS`` to
``SESSION_IDLE_SECONDS + SESSION_RENEW_SECONDS`` after the last request, and a page that
changes nothing writes nothing (``SESSION_SAVE_EVERY_REQUEST`` would write every request).

To tell an expired session from a logout, a marker cookie lives as long as the browser session while
someone is logged in; a request that carries it without a logged-in user comes from an
expired session, and the login page then says "Zostałeś wylogowany z powodu braku
aktywności". Logging out removes the marker.
"""

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

MARKER_COOKIE = "smk_zalogowany"
SESSION_KEY = "logged_out_for_inactivity"
#: When the session's expiry was last renewed (seconds since the epoch).
RENEWED_KEY = "expiry_renewed_at"


def renew_expiry(request) -> None:
    """Mark a logged-in session modified when its last renewal is old enough: Django then
    saves it with a new expiry (``SESSION_COOKIE_AGE`` from now)."""
    if not request.user.is_authenticated:
        return
    now = int(timezone.now().timestamp())
    if now - request.session.get(RENEWED_KEY, 0) >= settings.SESSION_RENEW_SECONDS:
        request.session[RENEWED_KEY] = now


def process_request(request) -> None:
    renew_expiry(request)
    request.idle_logout_notice = False
    if not request.user.is_authenticated and request.COOKIES.get(MARKER_COOKIE):
        request.session[SESSION_KEY] = True
        request.remove_login_marker = True
    if request.path == reverse("account_login") and request.session.pop(SESSION_KEY, False):
        request.idle_logout_notice = True


def note_logout(sender, request, user, **kwargs) -> None:
    """``user_logged_out``: no notice after a logout the person asked for."""
    if request is not None:
        request.remove_login_marker = True


def process_response(request, response):
    if getattr(request, "remove_login_marker", False):
        response.delete_cookie(MARKER_COOKIE, samesite=settings.SESSION_COOKIE_SAMESITE)
    elif (
        getattr(request, "user", None) is not None
        and request.user.is_authenticated
        and not request.COOKIES.get(MARKER_COOKIE)
    ):
        # A browser-session cookie (no expiry), like the session cookie itself.
        response.set_cookie(
            MARKER_COOKIE,
            "1",
            secure=settings.SESSION_COOKIE_SECURE,
            httponly=True,
            samesite=settings.SESSION_COOKIE_SAMESITE,
        )
    return response
