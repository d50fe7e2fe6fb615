"""Who calls: an OAuth 2.0 access token of an active API client (client credentials).

:class:`ClientAuthentication` accepts a bearer token of django-oauth-toolkit, refuses the
tokens of a suspended or revoked client (401), and sets ``request.api_client`` and
``request.profile``: a :class:`ClientActor`, which answers like a profile of the client's
institution, so the scoped querysets and the django-fsm permissions of the HTML screens apply
unchanged (CONVENTIONS.md "The API: the same services behind another door").
"""

from datetime import timedelta
from functools import cached_property

from django.contrib.auth.models import AnonymousUser
from django.utils import timezone
from django.utils.translation import gettext as _
from oauth2_provider.contrib.rest_framework import OAuth2Authentication
from rest_framework import exceptions

from accounts.models import InstitutionKind, Role
from smk.scoping import Scope

#: ``last_used_at`` is written at most this often per client (a read writes nothing else).
LAST_USE_RESOLUTION = timedelta(minutes=1)


class ClientActor:
    """The API client acting as a profile of its institution (duck-typed ``Profile``)."""

    is_api_client = True

    def __init__(self, client):
        self.client = client
        self.pk = None
        self.unit_id = client.unit_id
        self.voivodeship_id = client.voivodeship_id
        self.kind = (
            InstitutionKind.TRAINING_UNIT if client.unit_id else InstitutionKind.VOIVODESHIP_OFFICE
        )

    @cached_property
    def role_codes(self) -> frozenset[str]:
        return frozenset({Role.UNIT_STAFF} if self.unit_id else {Role.UW})

    def has_role(self, *roles) -> bool:
        return bool(self.role_codes.intersection(roles))

    @property
    def scope(self):
        if self.unit_id:
            return Scope.UNIT, self.unit_id
        return Scope.VOIVODESHIP, self.voivodeship_id

    @property
    def institution_name(self) -> str:
        """What the history shows as "acting as": the client and its institution."""
        return _("Klient API „%(name)s” (nr %(id)s) — %(institution)s") % {
            "name": self.client.name,
            "id": self.client.pk,
            "institution": self.client.institution_name,
        }

    @property
    def is_blocked(self) -> bool:
        return False


class ClientAuthentication(OAuth2Authentication):
    def authenticate(self, request):
        result = super().authenticate(request)
        if result is None:
            return None
        _user, token = result
        client = getattr(token.application, "api_client", None) if token.application else None
        if client is None:
            raise exceptions.AuthenticationFailed(_("Token nie należy do klienta API."))
        if not client.is_active:
            raise exceptions.AuthenticationFailed(
                _("Klient API jest %(status)s: jego tokeny nie są przyjmowane.")
                % {"status": client.get_status_display()}
            )
        actor = ClientActor(client)
        for target in (request, request._request):
            target.api_client = client
            target.profile = actor
        _note_use(client)
        return AnonymousUser(), token


def _note_use(client) -> None:
    now = timezone.now()
    if client.last_used_at is None or now - client.last_used_at >= LAST_USE_RESOLUTION:
        type(client).objects.filter(pk=client.pk).update(last_used_at=now)
        client.last_used_at = now
