"""Which scope each API view needs, checked in one place (pretix ``api/auth/permission.py``).

A view names it: ``required_scope = "referrals:read"``, or per action
``required_scopes = {"list": …, "accept": …}``; a token without it answers 403. The client's
institution decides what it may see at all: ``institution = "unit"`` or ``"office"`` views
refuse the other kind with 403; ``"any"`` serves both (tests/api/test_api_matrix.py checks
that every view says which).
"""

from django.utils.translation import gettext as _
from rest_framework.permissions import BasePermission

from training.services import inactive_reason, integration_status


def required_scope(view) -> str | None:
    by_action = getattr(view, "required_scopes", None)
    if by_action is not None:
        action = getattr(view, "action", None) or view.request.method.lower()
        return by_action.get(action)
    return getattr(view, "required_scope", None)


class ClientHasScope(BasePermission):
    """A token of an active client (``api.auth``), holding the view's scope."""

    def has_permission(self, request, view):
        client = getattr(request, "api_client", None)
        if client is None or request.auth is None:
            return False  # DRF answers 401 with WWW-Authenticate (no credentials)
        needed = required_scope(view)
        if needed is None:
            self.message = _("Ta operacja nie jest dostępna przez API.")
            return False
        granted = set(request.auth.scope.split())
        if needed not in granted:
            self.message = _("Token nie ma uprawnienia „%(scope)s”.") % {"scope": needed}
            return False
        institution = getattr(view, "institution", None)
        if institution == "unit" and not client.unit_id:
            self.message = _(
                "Ta operacja jest dostępna tylko dla klientów jednostek szkoleniowych."
            )
            return False
        if institution == "office" and not client.voivodeship_id:
            self.message = _("Ta operacja jest dostępna tylko dla klientów urzędów wojewódzkich.")
            return False
        return True


class IntegrationActive(BasePermission):
    """The writes a view names in ``needs_active_integration`` (actions or methods) wait for
    the unit's integration to be active (``aktywujMus``, :mod:`training`): until then they
    answer 403 with what the activation still needs. Use after :class:`ClientHasScope`."""

    def has_permission(self, request, view):
        action = getattr(view, "action", None) or request.method.lower()
        client = getattr(request, "api_client", None)
        if action not in getattr(view, "needs_active_integration", ()) or client is None:
            return True
        if not client.unit_id:
            return True  # an office's client: ClientHasScope refuses the unit's operations
        status = integration_status(client.unit_id)
        if status.is_active:
            return True
        self.message = inactive_reason(status)
        return False
