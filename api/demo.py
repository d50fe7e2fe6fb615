"""Demo API clients with published ids and secrets (README "Demo accounts"): the system of the
demo unit of jednostka@smk.local and that of the mazowieckie office. Demo data only, like the
demo passwords: ``seed_demo`` is never run in production, and a real client's id and secret are
always generated (``api.services.create_client``).

Running ``seed_demo`` again adds nothing; it gives a demo client back its published secret,
scopes and "aktywny" status if someone changed them in the admin while trying it out.
"""

from django.contrib.auth.hashers import check_password

from api import scopes
from api.models import ApiClient, ClientStatus
from api.services import create_client, set_status
from reference.demo import DEMO_UNIT_NAME
from reference.models import TrainingUnit, Voivodeship

#: (client_id, client_secret, name, unit name or None, voivodeship name or None, scopes)
DEMO_CLIENTS = [
    (
        "smk-demo-jednostka",
        "SmkDemo-Api-Jednostka-2026",
        "System HR jednostki (demo)",
        DEMO_UNIT_NAME,
        None,
        [scopes.REFERRALS_READ, scopes.REFERRALS_DECIDE, scopes.UNIT_WRITE, scopes.WEBHOOKS],
    ),
    (
        "smk-demo-uw-mazowieckie",
        "SmkDemo-Api-UW-2026",
        "System kancelaryjny UW mazowieckiego (demo)",
        None,
        "mazowieckie",
        [scopes.OFFICE_READ, scopes.WEBHOOKS],
    ),
]


def seed() -> list[str]:
    """Register (or restore) the demo clients; return the lines ``seed_demo`` prints."""
    lines = ["Demo API clients (client_id / client_secret; demo only, never in production):"]
    for client_id, secret, name, unit_name, voivodeship_name, granted in DEMO_CLIENTS:
        client = ApiClient.objects.filter(application__client_id=client_id).first()
        if client is None:
            client = ApiClient(
                name=name,
                unit=TrainingUnit.objects.get(name=unit_name) if unit_name else None,
                voivodeship=(
                    Voivodeship.objects.get(name=voivodeship_name) if voivodeship_name else None
                ),
                scopes=granted,
            )
            create_client(client, client_id=client_id, secret=secret)
        else:
            _restore(client, secret, granted)
        lines.append(f"  {client_id:<26} {secret:<28} {' '.join(granted)}")
    return lines


def _restore(client: ApiClient, secret: str, granted: list[str]) -> None:
    if client.scopes != granted:
        client.scopes = granted
        client.save(update_fields=["scopes"])
    application = client.application
    if not check_password(secret, application.client_secret):
        application.client_secret = secret  # hashed again on save
        application.save(update_fields=["client_secret"])
    if client.status != ClientStatus.ACTIVE:
        set_status(client, ClientStatus.ACTIVE, reason="seed_demo")
