"""After login, remind the person of pending requests that have no signed file attached
(seed 003: "W przypadku niezłączenia podpisanego pliku przy każdorazowym zalogowaniu system
przypomni, które z wniosków nie posiadają załącznika")."""

from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

from accounts.models import RoleRequest

SESSION_KEY = "attachment_reminder_due"


def requests_missing_attachment(user):
    return (
        RoleRequest.objects.of_requester(user)
        .missing_attachment()
        .select_related("profile", "profile__voivodeship", "profile__unit")
        .order_by("-created_at", "-number")
    )


def note_login(sender, request, user, **kwargs) -> None:
    """``user_logged_in``: the reminder is due when some request still lacks its file."""
    if (
        request is not None
        and hasattr(request, "session")
        and (requests_missing_attachment(user).exists())
    ):
        request.session[SESSION_KEY] = True


def redirect_if_due(request):
    """The first page opened after login shows the reminder first (once per login)."""
    if request.method != "GET" or not request.session.get(SESSION_KEY):
        return None
    if not request.user.is_authenticated:
        return None
    reminder_url = reverse("accounts:attachment_reminder")
    exempt = (reminder_url, reverse("account_logout"), "/static/", "/konto/")
    if request.path.startswith(exempt):
        return None
    del request.session[SESSION_KEY]
    return redirect(f"{reminder_url}?{urlencode({'next': request.get_full_path()})}")
