"""Demo accounts, all with the password ``SmkDemo-2026`` (README.md lists them), the demo
administrator's second factor, and role requests in the states seed 003 shows: pending with
and without the signed file, a blocked profile."""

from django.core.files.base import ContentFile
from django.utils import timezone

from accounts.institutions import Institution
from accounts.models import (
    AttachmentState,
    InstitutionKind,
    Profile,
    ProfileRole,
    Role,
    RoleRequest,
    RoleRequestAttachment,
    RoleRequestBatch,
    User,
)
from accounts.services import reserve_request_numbers
from reference.demo import DEMO_UNIT_NAME
from reference.models import TrainingUnit, Voivodeship

DEMO_PASSWORD = "SmkDemo-2026"  # noqa: S105 - published demo password, documented in README
DEMO_ADMIN_EMAIL = "admin@smk.local"
#: The demo administrator's second factor (the admin requires it, smk/second_factor.py),
#: published in README like the password: the TOTP secret for an authenticator app and
#: recovery codes. Demo data only; every real account sets up its own.
DEMO_ADMIN_TOTP_SECRET = "SMKDEMOADMINISTRATORTOTPSECRETAA"  # noqa: S105 - published
DEMO_ADMIN_RECOVERY_CODES = [f"2026{n:04d}" for n in range(1, 11)]

#: (e-mail, first name, last name, description, [(kind, voivodeship, unit name, roles)])
DEMO_ACCOUNTS = [
    (
        DEMO_ADMIN_EMAIL,
        "Adam",
        "Administratorski",
        "administrator centralny (superuser); drugi składnik: kod odzyskiwania 20260001…20260010",
        [(InstitutionKind.CENTRAL, None, None, [Role.ADMINISTRATOR])],
    ),
    (
        "uw.mazowieckie@smk.local",
        "Urszula",
        "Wojciechowska",
        "Urząd Wojewódzki, mazowieckie",
        [(InstitutionKind.VOIVODESHIP_OFFICE, "mazowieckie", None, [Role.UW])],
    ),
    (
        "wojewoda.mazowieckie@smk.local",
        "Wojciech",
        "Mazowiecki",
        "Wojewoda, mazowieckie",
        [(InstitutionKind.VOIVODESHIP_OFFICE, "mazowieckie", None, [Role.WOJEWODA])],
    ),
    (
        "uw.malopolskie@smk.local",
        "Małgorzata",
        "Krakowska",
        "Urząd Wojewódzki, małopolskie",
        [(InstitutionKind.VOIVODESHIP_OFFICE, "małopolskie", None, [Role.UW])],
    ),
    (
        "jednostka@smk.local",
        "Joanna",
        "Laboratoryjna",
        "Jednostka szkoleniowa w mazowieckiem, z wolnymi miejscami",
        [(InstitutionKind.TRAINING_UNIT, None, DEMO_UNIT_NAME, [Role.UNIT_STAFF])],
    ),
    (
        "kierownik@smk.local",
        "Krystyna",
        "Kierownicza",
        "Kierownik specjalizacji w jednostce jednostka@smk.local — wpisy do potwierdzenia",
        [(InstitutionKind.TRAINING_UNIT, None, DEMO_UNIT_NAME, [Role.KIEROWNIK])],
    ),
    (
        "diagnosta@smk.local",
        "Damian",
        "Nowak",
        "Diagnosta (wnioskodawca)",
        [(InstitutionKind.PERSONAL, None, None, [Role.APPLICANT])],
    ),
    (
        "uw.dwa.profile@smk.local",
        "Piotr",
        "Dwuprofilowy",
        "Urząd Wojewódzki w dwóch województwach — przełącznik „Pracuj w profilu”",
        [
            (InstitutionKind.VOIVODESHIP_OFFICE, "mazowieckie", None, [Role.UW]),
            (InstitutionKind.VOIVODESHIP_OFFICE, "małopolskie", None, [Role.UW]),
        ],
    ),
    (
        "akredytacja@smk.local",
        "Aleksandra",
        "Akredytacyjna",
        "CMKP — akredytacja: wnioski jednostek o akredytację, udzielanie i cofanie",
        [(InstitutionKind.ACCREDITING_BODY, None, None, [Role.ACCREDITATION])],
    ),
    (
        "wnioskujacy@smk.local",
        "Wiktoria",
        "Wnioskująca",
        "bez aktywnego profilu: wnioski o role oczekujące — z załącznikiem i bez",
        [],
    ),
    (
        "zablokowany@smk.local",
        "Bartosz",
        "Zablokowany",
        "Urząd Wojewódzki, podkarpackie — profil zablokowany przez administratora",
        [(InstitutionKind.VOIVODESHIP_OFFICE, "podkarpackie", None, [Role.UW])],
    ),
]

REQUESTER_EMAIL = "wnioskujacy@smk.local"
BLOCKED_EMAIL = "zablokowany@smk.local"
#: A minimal PDF standing for a signed scan.
DEMO_SCAN = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


def seed():
    users = {}
    for email, first, last, _description, profiles in DEMO_ACCOUNTS:
        user, _ = User.objects.get_or_create(
            email=email, defaults={"first_name": first, "last_name": last}
        )
        user.first_name, user.last_name = first, last
        user.is_staff = user.is_superuser = email == DEMO_ADMIN_EMAIL
        user.set_password(DEMO_PASSWORD)
        user.save()
        _mark_email_verified(user)
        for kind, voivodeship_name, unit_name, roles in profiles:
            profile, _ = Profile.objects.get_or_create(
                user=user,
                kind=kind,
                voivodeship=Voivodeship.objects.get(name=voivodeship_name)
                if voivodeship_name
                else None,
                unit=TrainingUnit.objects.get(name=unit_name) if unit_name else None,
            )
            for role in roles:
                ProfileRole.objects.get_or_create(profile=profile, role=role)
        users[email] = user
    seed_admin_second_factor(users[DEMO_ADMIN_EMAIL])
    seed_role_requests(users)
    return users


def seed_admin_second_factor(admin):
    """The published TOTP secret and recovery codes, set back to these on every run (codes
    used up in an earlier demo work again)."""
    from allauth.mfa.models import Authenticator
    from allauth.mfa.utils import encrypt

    Authenticator.objects.update_or_create(
        user=admin,
        type=Authenticator.Type.TOTP,
        defaults={"data": {"secret": encrypt(DEMO_ADMIN_TOTP_SECRET)}},
    )
    # allauth's format for recovery codes brought from elsewhere: the codes themselves,
    # each removed once used (its own codes are derived from a random seed instead).
    Authenticator.objects.update_or_create(
        user=admin,
        type=Authenticator.Type.RECOVERY_CODES,
        defaults={"data": {"migrated_codes": [encrypt(c) for c in DEMO_ADMIN_RECOVERY_CODES]}},
    )


def _demo_batch(user, institution, roles, *, phone, scan=False):
    """A batch of pending requests, made once (found again by its profile)."""
    profile, _ = Profile.objects.get_or_create(user=user, **institution.profile_lookup())
    if profile.request_batches.exists():
        return
    now = timezone.now()
    batch = RoleRequestBatch.objects.create(
        user=user,
        profile=profile,
        contact_phone=phone,
        contact_email=user.email,
        created_at=now,
        downloaded_at=now,
    )
    for role, number in zip(roles, reserve_request_numbers(len(roles)), strict=True):
        RoleRequest.objects.create(
            batch=batch, profile=profile, role=role, number=number, created_at=now
        )
    profile.contact_phone, profile.contact_email = phone, user.email
    profile.save(update_fields=["contact_phone", "contact_email"])
    if scan:
        attachment = RoleRequestAttachment(
            batch=batch,
            original_name="wniosek-podpisany.pdf",
            size=len(DEMO_SCAN),
            content_type="application/pdf",
            state=AttachmentState.SAFE,
            uploaded_by=user,
        )
        attachment.file.save("wniosek-podpisany.pdf", ContentFile(DEMO_SCAN), save=False)
        attachment.save()


def seed_role_requests(users):
    requester = users[REQUESTER_EMAIL]
    unit = TrainingUnit.objects.select_related("voivodeship").get(name=DEMO_UNIT_NAME)
    _demo_batch(
        requester,
        Institution.training_unit(unit),
        [Role.UNIT_STAFF],
        phone="+48600100200",
        scan=True,
    )
    _demo_batch(
        requester,
        Institution.office(Voivodeship.objects.get(name="małopolskie")),
        [Role.UW, Role.WOJEWODA],
        phone="+48600100200",
    )
    blocked = Profile.objects.get(
        user=users[BLOCKED_EMAIL], kind=InstitutionKind.VOIVODESHIP_OFFICE
    )
    if blocked.blocked_at is None:
        blocked.blocked_at = blocked.status_changed_at = timezone.now()
        blocked.block_reason = "Zakończenie zatrudnienia w urzędzie (dane demonstracyjne)."
        blocked.save(update_fields=["blocked_at", "block_reason", "status_changed_at"])


def _mark_email_verified(user):
    from allauth.account.models import EmailAddress

    EmailAddress.objects.update_or_create(
        user=user, email=user.email, defaults={"verified": True, "primary": True}
    )
