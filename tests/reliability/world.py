"""Two voivodeships' worth of data, made through the services, for the reliability tests.

Side "M" is mazowieckie (the demo roles' own scope), side "P" is małopolskie (another scope).
Each side has a closed procedure with referrals in Wersja robocza, Wystawione, Specjalizacja
rozpoczęta (EKS and a start entry) and Specjalizacja nierozpoczęta decided by the unit (with an
attachment), a draft slot list of the next session and a training unit. The started referral's
EKS has a kierownik specjalizacji and an entry waiting for them (with a certificate). Every
demo role and a
stranger have role requests of their own (with a signed file).

Strings that identify one side's people and documents are kept as ``markers``: a page shown
to someone must not contain the markers of data outside their scope.
"""

import contextlib
import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from accounts import services as accounts_services
from accounts.institutions import Institution
from accounts.models import Role
from qualification.models import (
    ApplicationAttachment,
    AttachmentKind,
    FormalEvaluation,
    SlotListStatus,
    Stage,
)
from qualification.services.closing import close_procedure
from referrals import services
from referrals.models import Referral
from tests.eks.conftest import add_elements
from tests.factories import (
    AccreditationFactory,
    ApplicationFactory,
    FieldFactory,
    ProcedureFactory,
    ProgrammeFactory,
    SessionFactory,
    SlotListFactory,
    SlotListItemFactory,
    TrainingUnitFactory,
    UserFactory,
    mode,
    person_with_role,
    voivodeship,
)

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


@contextlib.contextmanager
def rolled_back(using="default"):
    """A transaction (or savepoint) that is always rolled back, in which the services'
    ``atomic(durable=True)`` may still run.

    Django lets a durable block nest only inside the transactions of its own test cases, which
    it marks with ``_from_testcase``; this block is one of those, for data that outlives one
    test (a module's world) or one hypothesis example.
    """
    atomic = transaction.atomic(using=using)
    atomic._from_testcase = True
    atomic.__enter__()
    try:
        yield
    finally:
        transaction.set_rollback(True, using=using)
        atomic.__exit__(None, None, None)


@dataclass
class Side:
    tag: str
    voivodeship: object
    unit: object
    clerk: object
    staff: object
    procedure: object
    slot_list: object
    draft: Referral
    issued: Referral
    started: Referral
    decided: Referral
    attachment: object  # of the applicant's application (started's)
    markers: dict[str, str] = field(default_factory=dict)
    #: An entry of the started referral's EKS, passed on to its kierownik.
    eks_entry: object = None

    @property
    def office_profile(self):
        return self.clerk.profiles.get()

    @property
    def staff_profile(self):
        return self.staff.profiles.get()


@dataclass
class World:
    field: object
    mode: object
    session: object
    sides: dict[str, Side]
    people: dict[str, object]
    #: person key → {"batch", "role_request", "attachment", "profile"} of their own
    accounts: dict[str, dict]
    #: person key → the number of their role request (a marker of their account data)
    request_numbers: dict[str, str]


def _application(session, side_tag, teryt, v, fld, n, points, applicant=None):
    return ApplicationFactory(
        number=f"WN/{session.year}/{teryt}/9{n:04d}",
        session=session,
        voivodeship=v,
        field=fld,
        mode=mode(),
        last_name=f"Znacznik{side_tag}{n}",
        applicant=applicant,
        formal_evaluation=FormalEvaluation.POSITIVE,
        points=Decimal(points),
    )


def _eks_with_an_entry(tag, started, *, staff, kierownik, applicant):
    """The started referral's card with its kierownik and an entry waiting for them."""
    from eks import services as eks_services
    from reference.models import ElementKind

    card = started.eks
    eks_services.appoint_kierownik(
        card.pk,
        version=card.version,
        kierownik_id=kierownik.profiles.get().pk,
        since=min(card.start_date, timezone.localdate()),
        user=staff,
        profile=staff.profiles.get(),
    )
    course = card.programme.modules.get().elements.get(kind=ElementKind.COURSE)
    entry = eks_services.add_entry(
        card.pk,
        element_id=course.pk,
        date_from=card.start_date,
        date_to=card.start_date,
        place=f"Pracownia macierzy {tag}",
        certificate=SimpleUploadedFile("kurs.pdf", PDF, content_type="application/pdf"),
        content_type="application/pdf",
        user=applicant,
        profile=applicant.profiles.get(),
    )
    eks_services.submit_entries(
        card.pk,
        versions={entry.pk: entry.version},
        user=applicant,
        profile=applicant.profiles.get(),
    )
    return type(entry).objects.get(pk=entry.pk)


def _build_side(
    tag, v, *, session, next_session, fld, programme, clerk, staff, kierownik, applicant
):
    unit = staff.profiles.get().unit
    AccreditationFactory(unit=unit, field=fld, places=10)
    procedure = ProcedureFactory(session=session, voivodeship=v, stage=Stage.COMPETITION)
    slot_list = SlotListFactory(session=session, voivodeship=v, status=SlotListStatus.APPROVED)
    SlotListItemFactory(slot_list=slot_list, field=fld, mode=mode(), places=4)
    applications = [
        _application(session, tag, v.teryt, v, fld, n, points, applicant if n == 1 else None)
        for n, points in ((1, "40"), (2, "30"), (3, "20"), (4, "10"))
    ]
    office = clerk.profiles.get()
    close_procedure(procedure.pk, user=clerk, profile=office)
    procedure.refresh_from_db()
    by_application = {r.application_id: r for r in Referral.objects.filter(voivodeship=v)}
    started, issued, decided, draft = (by_application[a.pk] for a in applications)

    unit_staff = staff.profiles.get()
    changes = services.Changes(
        unit=unit,
        programme=programme,
        planned_start=datetime.date(2026, 10, 1),
        planned_end=datetime.date(2030, 9, 30),
        fields={"unit", "programme", "planned_start", "planned_end"},
    )

    def send(referral):
        referral = services.assign(
            referral.pk, version=referral.version, changes=changes, user=clerk, profile=office
        )
        return services.send(
            referral.pk, version=referral.version, changes=None, user=clerk, profile=office
        )

    started = send(started)
    started = services.accept(started.pk, version=started.version, user=staff, profile=unit_staff)
    eks_entry = _eks_with_an_entry(
        tag, started, staff=staff, kierownik=kierownik, applicant=applicant
    )
    issued = send(issued)
    decided = send(decided)
    decided = services.unit_register_not_started(
        decided.pk,
        version=decided.version,
        justification="Diagnosta nie zgłosił się.",
        attachment=SimpleUploadedFile("decyzja.pdf", PDF, content_type="application/pdf"),
        user=staff,
        profile=unit_staff,
    )
    next_list = SlotListFactory(session=next_session, voivodeship=v, status=SlotListStatus.DRAFT)
    # A document the applicant attached while drafting the application (approved since).
    attachment = ApplicationAttachment.objects.create(
        application=started.application,
        kind=AttachmentKind.DIPLOMA,
        file=ContentFile(PDF, name="dyplom.pdf"),
        original_name="dyplom.pdf",
        size=len(PDF),
        content_type="application/pdf",
        uploaded_by=applicant,
    )
    for referral in (started, issued, decided, draft):
        referral.refresh_from_db()
    side = Side(
        tag=tag,
        voivodeship=v,
        unit=unit,
        clerk=clerk,
        staff=staff,
        procedure=procedure,
        slot_list=next_list,
        draft=draft,
        issued=issued,
        started=started,
        decided=decided,
        attachment=attachment,
        eks_entry=eks_entry,
    )
    for name, referral in (
        ("started", started),
        ("issued", issued),
        ("decided", decided),
        ("draft", draft),
    ):
        application = referral.application
        side.markers[f"{name}.referral"] = referral.number
        side.markers[f"{name}.application"] = application.number
        side.markers[f"{name}.applicant"] = application.last_name
    side.markers["started.eks"] = started.eks.number
    side.markers["started.entry"] = started.register_entries.get().number
    side.markers["started.eks_entry"] = eks_entry.place
    return side


def _own_accounts(user, institution, role):
    batch = accounts_services.submit_role_requests(
        user=user, institution=institution, roles=[role], phone="+48600100200", email=user.email
    )
    attachment = accounts_services.attach_signed_file(
        batch.pk,
        user=user,
        upload=SimpleUploadedFile("podpisany.pdf", PDF, content_type="application/pdf"),
    )
    return {
        "batch": batch,
        "role_request": batch.requests.get(),
        "attachment": attachment,
        "profile": batch.profile,
    }


def _accreditation_request(side) -> None:
    """The side's unit asked for accreditation in another field (a submitted request with its
    documents): ``side.accreditation_objects`` holds it, its file and the unit's
    accreditation (its places held by the started and issued referrals) for the URLs of the
    accreditation app; its number is a marker of the side."""
    from accreditation.models import AttachmentKind, RequestKind
    from accreditation.services import requests as accreditation_requests
    from reference.models import Accreditation

    profile = side.staff_profile
    request = accreditation_requests.create_request(
        data={
            "kind": RequestKind.FIELD,
            "field": FieldFactory(),
            "places_requested": 2,
            "manager_name": f"Kierownik macierzy {side.tag}",
            "manager_qualifications": "Specjalista.",
            "staff": "Kadra.",
            "equipment": "Aparatura.",
            "training_plan": "Plan.",
        },
        user=side.staff,
        profile=profile,
    )
    for kind in (AttachmentKind.MANAGER_CONSENT, AttachmentKind.STAFF):
        attachment = accreditation_requests.add_attachment(
            request.pk,
            kind=kind,
            upload=SimpleUploadedFile("zgoda.pdf", PDF, content_type="application/pdf"),
            content_type="application/pdf",
            user=side.staff,
            profile=profile,
        )
    request.refresh_from_db()
    accreditation_requests.submit(
        request.pk, version=request.version, user=side.staff, profile=profile
    )
    side.accreditation_objects = {
        "accreditation_request": request.pk,
        "request_attachment": attachment.pk,
        "accreditation": Accreditation.objects.get(unit=side.unit).pk,
        "accreditation_kind": "dziedzina",
    }
    side.markers["accreditation_request"] = request.number


def build_world() -> World:
    from allauth.mfa.totp.internal.auth import TOTP

    mazowieckie, malopolskie = voivodeship("mazowieckie"), voivodeship("małopolskie")
    session = SessionFactory(name="Sesja macierzy uprawnień")
    next_session = SessionFactory(
        name="Sesja następna macierzy uprawnień",
        applications_from=datetime.date(2026, 11, 15),
        applications_to=datetime.date(2026, 12, 15),
        procedure_from=datetime.date(2026, 12, 16),
        procedure_to=datetime.date(2027, 1, 15),
    )
    fld = FieldFactory(code="macierz-uprawnien", name="dziedzina macierzy uprawnień")
    programme = add_elements(ProgrammeFactory(field=fld, mode=mode()))

    unit_m = TrainingUnitFactory(voivodeship=mazowieckie, name="Laboratorium M macierzy")
    unit_p = TrainingUnitFactory(voivodeship=malopolskie, name="Laboratorium P macierzy")
    people = {
        "uw_mazowieckie": person_with_role(Role.UW, voivodeship=mazowieckie),
        "wojewoda_mazowieckie": person_with_role(Role.WOJEWODA, voivodeship=mazowieckie),
        "uw_malopolskie": person_with_role(Role.UW, voivodeship=malopolskie),
        "unit_staff": person_with_role(Role.UNIT_STAFF, unit=unit_m),
        "kierownik": person_with_role(Role.KIEROWNIK, unit=unit_m),
        "applicant": person_with_role(Role.APPLICANT),
        "administrator": person_with_role(Role.ADMINISTRATOR),
        "accreditation": person_with_role(Role.ACCREDITATION),
        "no_profile": UserFactory(),
        # Not a demo role: the owner of "another person's" account data, and side P's people.
        "stranger": UserFactory(),
        "staff_p": person_with_role(Role.UNIT_STAFF, unit=unit_p),
        "kierownik_p": person_with_role(Role.KIEROWNIK, unit=unit_p),
        "applicant_p": person_with_role(Role.APPLICANT),
    }
    admin = people["administrator"]
    admin.is_staff = admin.is_superuser = True
    admin.save()
    # The administration screens need two-factor authentication; with it they open.
    TOTP.activate(admin, "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")

    common = {"session": session, "next_session": next_session, "fld": fld, "programme": programme}
    sides = {
        "M": _build_side(
            "M",
            mazowieckie,
            clerk=people["uw_mazowieckie"],
            staff=people["unit_staff"],
            kierownik=people["kierownik"],
            applicant=people["applicant"],
            **common,
        ),
        "P": _build_side(
            "P",
            malopolskie,
            clerk=people["uw_malopolskie"],
            staff=people["staff_p"],
            kierownik=people["kierownik_p"],
            applicant=people["applicant_p"],
            **common,
        ),
    }
    for side in sides.values():
        _accreditation_request(side)

    # Everyone asks for some role, so everyone has requests, a document and a file of their own.
    office_m, office_p = Institution.office(mazowieckie), Institution.office(malopolskie)
    requests = {
        "uw_mazowieckie": (office_m, Role.WOJEWODA),
        "wojewoda_mazowieckie": (office_m, Role.UW),
        "uw_malopolskie": (office_p, Role.WOJEWODA),
        "unit_staff": (Institution.training_unit(unit_p), Role.UNIT_STAFF),
        "kierownik": (Institution.training_unit(unit_p), Role.KIEROWNIK),
        "applicant": (Institution.training_unit(unit_m), Role.UNIT_STAFF),
        "administrator": (office_p, Role.UW),
        "accreditation": (office_m, Role.UW),
        "no_profile": (office_m, Role.UW),
        "stranger": (office_p, Role.UW),
    }
    accounts = {
        person: _own_accounts(people[person], institution, role)
        for person, (institution, role) in requests.items()
    }
    return World(
        field=fld,
        mode=mode(),
        session=session,
        sides=sides,
        people=people,
        accounts=accounts,
        request_numbers={p: a["role_request"].number for p, a in accounts.items()},
    )
