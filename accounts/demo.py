"""Demo accounts, all with the password ``SmkDemo-2026`` (README.md lists them)."""

from accounts.models import InstitutionKind, Profile, ProfileRole, Role, User
from reference.demo import DEMO_UNIT_NAME
from reference.models import TrainingUnit, Voivodeship

DEMO_PASSWORD = "SmkDemo-2026"  # noqa: S105 - published demo password, documented in README

#: (e-mail, first name, last name, description, [(kind, voivodeship, unit name, roles)])
DEMO_ACCOUNTS = [
    (
        "admin@smk.local",
        "Adam",
        "Administratorski",
        "administrator centralny (superuser)",
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
]


def seed():
    users = {}
    for email, first, last, _description, profiles in DEMO_ACCOUNTS:
        user, _ = User.objects.get_or_create(
            email=email, defaults={"first_name": first, "last_name": last}
        )
        user.first_name, user.last_name = first, last
        user.is_staff = user.is_superuser = email == "admin@smk.local"
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
    return users


def _mark_email_verified(user):
    from allauth.account.models import EmailAddress

    EmailAddress.objects.update_or_create(
        user=user, email=user.email, defaults={"verified": True, "primary": True}
    )
