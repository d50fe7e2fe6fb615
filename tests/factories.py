"""factory-boy factories for every model; reference rows the migrations load are reused."""

import datetime
import itertools
from decimal import Decimal

import factory
from allauth.account.models import EmailAddress
from django.utils import timezone
from stdnum.pl import nip, pesel, regon

from accounts.models import InstitutionKind, Profile, ProfileRole, Role, User
from qualification.models import (
    Application,
    ApplicationStatus,
    PreferredUnit,
    Procedure,
    Session,
    SlotList,
    SlotListItem,
    SlotListStatus,
    Stage,
)
from reference.models import Accreditation, Field, Mode, Programme, TrainingUnit, Voivodeship
from referrals.models import VISIBLE_TO_UNIT, Referral, ReferralStatus, copies_of
from training.models import ScheduledStart, Trainee, UnitContact

_nip_counter = itertools.count(1)
_regon_counter = itertools.count(1)


def valid_nip() -> str:
    while True:
        body = f"{next(_nip_counter) + 525_000_000:09d}"
        for digit in "0123456789":
            if nip.is_valid(body + digit):
                return body + digit


def valid_regon() -> str:
    body = f"{next(_regon_counter) + 14_000_000:08d}"
    return body + regon.calc_check_digit(body)


def change_events():
    """The history without its log-ins: what a step changed, for "nothing changed" checks
    (every log-in of a test client lands in the account's history too)."""
    from pz.services import LOGGED_IN
    from smk.models import Event

    return Event.objects.exclude(action=LOGGED_IN)


def voivodeship(name: str) -> Voivodeship:
    """One of the 16 voivodeships the data migration loaded."""
    return Voivodeship.objects.get(name=name)


def mode(code: str = Mode.RESIDENCY) -> Mode:
    return Mode.objects.get(code=code)


class FieldFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Field
        django_get_or_create = ["code"]

    name = factory.Sequence(lambda n: f"dziedzina testowa {n}")
    code = factory.Sequence(lambda n: f"dziedzina-{n}")


class ProgrammeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Programme

    field = factory.SubFactory(FieldFactory)
    mode = factory.LazyFunction(mode)
    name = factory.Sequence(lambda n: f"Program specjalizacji {n}")
    duration_months = 48
    valid_from = datetime.date(2023, 10, 1)
    valid_to = None


class TrainingUnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TrainingUnit

    name = factory.Sequence(lambda n: f"Szpital Testowy nr {n} — Laboratorium")
    street = "ul. Szpitalna 1"
    postal_code = "00-001"
    city = "Warszawa"
    voivodeship = factory.LazyFunction(lambda: voivodeship("mazowieckie"))
    nip = factory.LazyFunction(valid_nip)
    regon = factory.LazyFunction(valid_regon)


class AccreditationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Accreditation

    unit = factory.SubFactory(TrainingUnitFactory)
    field = factory.SubFactory(FieldFactory)
    number = factory.Sequence(lambda n: f"AKR/{n:05d}")
    valid_from = datetime.date(2022, 1, 1)
    valid_to = datetime.date(2031, 12, 31)
    places = 3


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ["email"]
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"osoba{n}@example.pl")
    first_name = "Jan"
    last_name = factory.Sequence(lambda n: f"Kowalski{n}")
    password = factory.PostGenerationMethodCall("set_password", "haslo-testowe-123")

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()

    @factory.post_generation
    def email_verified(obj, create, extracted, **kwargs):
        """Pass ``email_verified=False`` for a person who has not confirmed the address."""
        if create:
            EmailAddress.objects.update_or_create(
                user=obj,
                email=obj.email,
                defaults={"verified": extracted is not False, "primary": True},
            )


class ProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Profile
        skip_postgeneration_save = True

    user = factory.SubFactory(UserFactory)
    kind = InstitutionKind.VOIVODESHIP_OFFICE
    voivodeship = factory.LazyAttribute(
        lambda o: (
            voivodeship("mazowieckie") if o.kind == InstitutionKind.VOIVODESHIP_OFFICE else None
        )
    )
    unit = factory.LazyAttribute(
        lambda o: TrainingUnitFactory() if o.kind == InstitutionKind.TRAINING_UNIT else None
    )

    @factory.post_generation
    def roles(obj, create, extracted, **kwargs):
        if not create:
            return
        for role in extracted or ():
            ProfileRole.objects.create(profile=obj, role=role)


class ProfileRoleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProfileRole

    profile = factory.SubFactory(ProfileFactory)
    role = Role.UW


_pesel_counter = itertools.count(1)


def valid_pesel(birth=datetime.date(1996, 4, 12)) -> str:
    """A PESEL with a valid checksum, different on every call."""
    serial = next(_pesel_counter) % 10_000
    body = f"{birth:%y%m%d}{serial:04d}"
    return body + pesel.calc_check_digit(body)


class SessionFactory(factory.django.DjangoModelFactory):
    """A session whose application window closed and whose procedure runs (June 2026)."""

    class Meta:
        model = Session
        django_get_or_create = ["name"]

    name = factory.Sequence(lambda n: f"Sesja testowa {n}")
    applications_from = datetime.date(2026, 4, 30)
    applications_to = datetime.date(2026, 5, 31)
    procedure_from = datetime.date(2026, 6, 1)
    procedure_to = datetime.date(2026, 6, 30)


class ProcedureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Procedure

    session = factory.SubFactory(SessionFactory)
    voivodeship = factory.LazyFunction(lambda: voivodeship("mazowieckie"))
    stage = Stage.APPLICATIONS


class SlotListFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SlotList

    session = factory.SubFactory(SessionFactory)
    voivodeship = factory.LazyFunction(lambda: voivodeship("mazowieckie"))
    status = SlotListStatus.DRAFT


class SlotListItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SlotListItem

    slot_list = factory.SubFactory(SlotListFactory)
    field = factory.SubFactory(FieldFactory)
    mode = factory.LazyFunction(mode)
    places = 2


class ApplicationFactory(factory.django.DjangoModelFactory):
    """An application the applicant has approved (the office can see it)."""

    class Meta:
        model = Application

    number = factory.Sequence(lambda n: f"WN/2026/14/{n:05d}")
    session = factory.SubFactory(SessionFactory)
    voivodeship = factory.LazyFunction(lambda: voivodeship("mazowieckie"))
    field = factory.SubFactory(FieldFactory)
    mode = factory.LazyFunction(mode)
    first_name = "Anna"
    last_name = factory.Sequence(lambda n: f"Zielińska{n}")
    pesel = factory.LazyFunction(valid_pesel)
    licence_number = factory.Sequence(lambda n: f"DL/{n:06d}")
    email = factory.Sequence(lambda n: f"wnioskodawca{n}@example.pl")
    status = ApplicationStatus.APPROVED
    approved_at = factory.Sequence(
        lambda n: timezone.make_aware(
            datetime.datetime(2026, 5, 1, 8, 0) + datetime.timedelta(minutes=n)
        )
    )
    study_result = Decimal("4.20")


class PreferredUnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PreferredUnit

    application = factory.SubFactory(ApplicationFactory)
    unit = factory.SubFactory(TrainingUnitFactory)
    position = factory.Sequence(lambda n: n + 1)


class ReferralFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Referral

    # A prefix real numbering never uses, so factory numbers cannot collide with it.
    number = factory.Sequence(lambda n: f"SK/TEST/{n:06d}")
    application = factory.SubFactory(
        ApplicationFactory,
        voivodeship=factory.SelfAttribute("..voivodeship"),
        field=factory.SelfAttribute("..field"),
        mode=factory.SelfAttribute("..mode"),
    )
    session = factory.SelfAttribute("application.session")
    voivodeship = factory.LazyFunction(lambda: voivodeship("mazowieckie"))
    field = factory.SubFactory(FieldFactory)
    mode = factory.LazyFunction(mode)
    # Referrals in a status a unit can see were sent to it.
    sent_at = factory.LazyAttribute(
        lambda o: timezone.now() if o.status in VISIBLE_TO_UNIT else None
    )
    status = ReferralStatus.DRAFT
    # As create_referral copies them from the application.
    rank_points = factory.LazyAttribute(lambda o: copies_of(o.application)["rank_points"])
    rank_study_result = factory.LazyAttribute(
        lambda o: copies_of(o.application)["rank_study_result"]
    )
    applicant_name = factory.LazyAttribute(lambda o: copies_of(o.application)["applicant_name"])


class UnitContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = UnitContact

    unit = factory.SubFactory(TrainingUnitFactory)
    contact_person = "Ewa Nowak"
    phone = "22 123 45 67"
    email = factory.Sequence(lambda n: f"sekretariat{n}@szpital.example.pl")


class ScheduledStartFactory(factory.django.DjangoModelFactory):
    """A start in the schedule of the accreditation's unit and field."""

    class Meta:
        model = ScheduledStart
        exclude = ["accreditation"]

    accreditation = factory.SubFactory(AccreditationFactory)
    unit = factory.SelfAttribute("accreditation.unit")
    field = factory.SelfAttribute("accreditation.field")
    starts_on = datetime.date(2026, 10, 1)
    places = 1


class TraineeFactory(factory.django.DjangoModelFactory):
    """A diagnostician in training at the accreditation's unit and field (holds a place)."""

    class Meta:
        model = Trainee
        exclude = ["accreditation"]

    accreditation = factory.SubFactory(AccreditationFactory)
    unit = factory.SelfAttribute("accreditation.unit")
    field = factory.SelfAttribute("accreditation.field")
    pesel = factory.LazyFunction(lambda: valid_pesel(datetime.date(1990, 3, 3)))
    started_on = datetime.date(2025, 10, 1)


def person_with_role(role: str, *, email: str | None = None, **profile_kwargs) -> User:
    """A user with one profile holding ``role`` in the right kind of institution."""
    kind = {
        Role.UW: InstitutionKind.VOIVODESHIP_OFFICE,
        Role.WOJEWODA: InstitutionKind.VOIVODESHIP_OFFICE,
        Role.UNIT_STAFF: InstitutionKind.TRAINING_UNIT,
        Role.KIEROWNIK: InstitutionKind.TRAINING_UNIT,
        Role.APPLICANT: InstitutionKind.PERSONAL,
        Role.ADMINISTRATOR: InstitutionKind.CENTRAL,
        Role.ACCREDITATION: InstitutionKind.ACCREDITING_BODY,
    }[role]
    user = UserFactory(**({"email": email} if email else {}))
    ProfileFactory(user=user, kind=kind, roles=[role], **profile_kwargs)
    return user
