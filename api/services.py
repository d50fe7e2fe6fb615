"""Creating, suspending and revoking API clients (the administrator, in the admin)."""

from django.db import transaction
from django.utils import timezone
from oauth2_provider.models import AccessToken, Application, RefreshToken

from api.models import ApiClient, ClientStatus, new_secret
from smk.audit import log_event


@transaction.atomic
def create_client(client: ApiClient, *, user=None, client_id=None, secret=None) -> str:
    """Save the new ``client`` (name, institution and scopes set) with its OAuth application;
    return its secret, which exists only here and in the database only hashed.

    ``client_id`` and ``secret`` are for the demo's published client (api/demo.py) only; a
    real client always gets generated ones."""
    secret = secret or new_secret()
    client.application = Application.objects.create(
        **({"client_id": client_id} if client_id else {}),
        name=client.name[:255],
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_CLIENT_CREDENTIALS,
        client_secret=secret,
        hash_client_secret=True,
        skip_authorization=True,
    )
    client.created_by = user if user is not None and user.is_authenticated else None
    client.full_clean()
    client.save()
    log_event(client, "api_client.created", user=user, data={"scopes": client.scopes})
    return secret


@transaction.atomic
def rotate_secret(client: ApiClient, *, user=None) -> str:
    secret = new_secret()
    application = client.application
    application.client_secret = secret
    application.save(update_fields=["client_secret"])
    _drop_tokens(client)
    log_event(client, "api_client.secret_rotated", user=user)
    return secret


@transaction.atomic
def set_status(client: ApiClient, status: str, *, reason: str = "", user=None) -> None:
    """Suspend, reactivate or revoke: the client's tokens stop working at once."""
    action = {
        ClientStatus.SUSPENDED: "api_client.suspended",
        ClientStatus.ACTIVE: "api_client.reactivated",
        ClientStatus.REVOKED: "api_client.revoked",
    }[status]
    old = client.status
    client.status = status
    client.status_reason = reason
    client.status_changed_at = timezone.now()
    client.save(update_fields=["status", "status_reason", "status_changed_at"])
    if status != ClientStatus.ACTIVE:
        _drop_tokens(client)
    log_event(client, action, user=user, old_status=old, new_status=status, data={"reason": reason})


def _drop_tokens(client: ApiClient) -> None:
    RefreshToken.objects.filter(application=client.application).delete()
    AccessToken.objects.filter(application=client.application).delete()
