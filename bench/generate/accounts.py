"""The accounts: the administrator, a UW clerk per voivodeship, a staff member per unit."""

from collections.abc import Iterable

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from django.contrib.auth.hashers import make_password

from accounts.models import InstitutionKind, Profile, ProfileRole, Role, User
from bench.generate.plan import (
    ADMIN_EMAIL,
    ADMIN_TOTP_SECRET,
    PASSWORD,
    clerk_email,
    unit_staff_email,
)
from reference.models import TrainingUnit, Voivodeship

# ---- Accounts, units, sessions ----------------------------------------------------------------


def _users(rows: Iterable[tuple[str, str, str, bool]], password_hash: str) -> dict[str, User]:
    """Create users (e-mail, first name, last name, superuser) that do not exist yet."""
    rows = list(rows)
    existing = {u.email: u for u in User.objects.filter(email__in=[r[0] for r in rows])}
    new = [
        User(
            email=email,
            first_name=first,
            last_name=last,
            is_staff=superuser,
            is_superuser=superuser,
            password=password_hash,
        )
        for email, first, last, superuser in rows
        if email not in existing
    ]
    User.objects.bulk_create(new, batch_size=1000)
    users = {u.email: u for u in User.objects.filter(email__in=[r[0] for r in rows])}
    EmailAddress.objects.bulk_create(
        [
            EmailAddress(user=u, email=u.email, verified=True, primary=True)
            for e, u in users.items()
            if e not in existing
        ],
        batch_size=1000,
    )
    return users


def _profiles(specs: list[tuple[User, str, int | None, int | None, str]]) -> None:
    """(user, kind, voivodeship id, unit id, role) for users without a profile yet."""
    have = set(
        Profile.objects.filter(user__in=[s[0] for s in specs]).values_list("user_id", flat=True)
    )
    specs = [s for s in specs if s[0].pk not in have]
    profiles = Profile.objects.bulk_create(
        [Profile(user=u, kind=k, voivodeship_id=v, unit_id=un) for u, k, v, un, _ in specs],
        batch_size=1000,
    )
    ProfileRole.objects.bulk_create(
        [ProfileRole(profile=p, role=s[4]) for p, s in zip(profiles, specs, strict=True)],
        batch_size=1000,
    )


def create_accounts(password_hash: str | None = None) -> None:
    """The administrator, a UW clerk per voivodeship and a staff member per unit."""
    password_hash = password_hash or make_password(PASSWORD)
    voivodeships = list(Voivodeship.objects.order_by("teryt"))
    units = list(TrainingUnit.objects.order_by("pk").values_list("pk", flat=True))
    users = _users(
        [(ADMIN_EMAIL, "Administrator", "Benchmarku", True)]
        + [(clerk_email(v.teryt), "Urzędnik", v.name.capitalize(), False) for v in voivodeships]
        + [(unit_staff_email(u), "Pracownik", f"Jednostki {u}", False) for u in units],
        password_hash,
    )
    _profiles(
        [(users[ADMIN_EMAIL], InstitutionKind.CENTRAL, None, None, Role.ADMINISTRATOR)]
        + [
            (users[clerk_email(v.teryt)], InstitutionKind.VOIVODESHIP_OFFICE, v.pk, None, Role.UW)
            for v in voivodeships
        ]
        + [
            (users[unit_staff_email(u)], InstitutionKind.TRAINING_UNIT, None, u, Role.UNIT_STAFF)
            for u in units
        ]
    )
    if not Authenticator.objects.filter(user=users[ADMIN_EMAIL]).exists():
        TOTP.activate(users[ADMIN_EMAIL], ADMIN_TOTP_SECRET)
