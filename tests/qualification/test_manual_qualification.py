"""Ręczna kwalifikacja kolejnego wniosku (seed 000 §13)."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from qualification.models import Application, FormalEvaluation, SlotListStatus, Stage
from qualification.services.closing import ProcedureError, close_procedure
from qualification.services.manual import manual_qualification, qualify_next
from referrals import services as referral_services
from referrals.models import Referral, ReferralStatus
from tests.factories import (
    AccreditationFactory,
    ApplicationFactory,
    ProcedureFactory,
    ProgrammeFactory,
    SessionFactory,
    SlotListFactory,
    SlotListItemFactory,
    TrainingUnitFactory,
    mode,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def closed(mazowieckie, uw_mazowieckie):
    """A closed procedure: one place, three candidates → one qualified, a tail of two."""
    procedure = ProcedureFactory(voivodeship=mazowieckie, stage=Stage.COMPETITION)
    accreditation = AccreditationFactory(unit=TrainingUnitFactory(voivodeship=mazowieckie))
    field = accreditation.field
    slot_list = SlotListFactory(
        session=procedure.session, voivodeship=mazowieckie, status=SlotListStatus.APPROVED
    )
    SlotListItemFactory(slot_list=slot_list, field=field, mode=mode(), places=1)
    for points in ("30", "20", "10"):
        ApplicationFactory(
            session=procedure.session,
            voivodeship=mazowieckie,
            field=field,
            formal_evaluation=FormalEvaluation.POSITIVE,
            points=Decimal(points),
        )
    profile = uw_mazowieckie.profiles.get()
    close_procedure(procedure.pk, user=uw_mazowieckie, profile=profile)
    procedure.refresh_from_db()
    return {
        "procedure": procedure,
        "field": field,
        "profile": profile,
        "user": uw_mazowieckie,
        "accreditation": accreditation,
    }


def register_non_commencement(closed):
    referral = Referral.objects.get(
        field=closed["field"], replaced_by__isnull=True, status=ReferralStatus.DRAFT
    )
    referral_services.register_not_started(
        referral.pk,
        version=referral.version,
        justification="Rezygnacja",
        user=closed["user"],
        profile=closed["profile"],
    )


def state(closed):
    return manual_qualification(closed["procedure"], closed["field"].pk, mode().pk)


def test_not_offered_without_a_registered_non_commencement(closed):
    assert not state(closed).available
    with pytest.raises(ProcedureError, match="niepodjęcia"):
        qualify_next(
            closed["procedure"].pk,
            closed["field"].pk,
            mode().pk,
            user=closed["user"],
            profile=closed["profile"],
        )


def test_a_registered_non_commencement_qualifies_exactly_the_next_application(closed):
    register_non_commencement(closed)
    assert state(closed).available
    referral = qualify_next(
        closed["procedure"].pk,
        closed["field"].pk,
        mode().pk,
        user=closed["user"],
        profile=closed["profile"],
    )
    assert referral.status == ReferralStatus.DRAFT
    assert referral.application.ranking_position == 2
    second = referral.application
    assert (second.qualified, second.qualified_manually) == (True, True)
    # One non-commencement frees exactly one manual qualification.
    assert not state(closed).available
    with pytest.raises(ProcedureError):
        qualify_next(
            closed["procedure"].pk,
            closed["field"].pk,
            mode().pk,
            user=closed["user"],
            profile=closed["profile"],
        )
    third = Application.objects.get(ranking_position=3, field=closed["field"])
    assert third.qualified is False


def test_a_unit_non_commencement_counts_only_once_registered(closed, mazowieckie):
    referral = Referral.objects.get(field=closed["field"])
    unit = closed["accreditation"].unit
    programme = ProgrammeFactory(field=closed["field"], mode=mode())
    changes = referral_services.Changes(
        unit=unit,
        programme=programme,
        planned_start=datetime.date(2026, 10, 1),
        planned_end=datetime.date(2030, 9, 30),
        fields={"unit", "programme", "planned_start", "planned_end"},
    )
    office = closed["profile"]
    referral = referral_services.assign(
        referral.pk, version=referral.version, changes=changes, user=closed["user"], profile=office
    )
    referral = referral_services.send(
        referral.pk, version=referral.version, changes=None, user=closed["user"], profile=office
    )
    from accounts.models import Role
    from tests.factories import person_with_role

    staff = person_with_role(Role.UNIT_STAFF, unit=unit).profiles.get()
    referral = referral_services.unit_register_not_started(
        referral.pk,
        version=referral.version,
        justification="Nie zgłosił się",
        user=staff.user,
        profile=staff,
    )
    assert not state(closed).available
    referral_services.strike_off(
        referral.pk, version=referral.version, user=closed["user"], profile=office
    )
    assert state(closed).available


def test_not_offered_once_the_next_sessions_slot_list_is_approved(closed, mazowieckie):
    register_non_commencement(closed)
    next_session = SessionFactory(
        applications_from=datetime.date(2026, 11, 15),
        applications_to=datetime.date(2026, 12, 15),
        procedure_from=datetime.date(2026, 12, 16),
        procedure_to=datetime.date(2027, 1, 15),
    )
    slot_list = SlotListFactory(session=next_session, voivodeship=mazowieckie)
    assert state(closed).available
    SlotListFactory._meta.model.objects.filter(pk=slot_list.pk).update(
        status=SlotListStatus.PUBLISHED
    )
    assert "następną sesję" in " ".join(state(closed).obstacles)


def test_not_offered_when_no_not_qualified_application_remains(closed):
    register_non_commencement(closed)
    qualify = lambda: qualify_next(  # noqa: E731
        closed["procedure"].pk,
        closed["field"].pk,
        mode().pk,
        user=closed["user"],
        profile=closed["profile"],
    )
    qualify()
    register_non_commencement_of_manual = Referral.objects.filter(
        application__qualified_manually=True
    ).get()
    referral_services.register_not_started(
        register_non_commencement_of_manual.pk,
        version=register_non_commencement_of_manual.version,
        justification="x",
        user=closed["user"],
        profile=closed["profile"],
    )
    qualify()
    # A third non-commencement would free a place, but nobody is left on the list.
    last = Referral.objects.filter(application__ranking_position=3).get()
    referral_services.register_not_started(
        last.pk,
        version=last.version,
        justification="x",
        user=closed["user"],
        profile=closed["profile"],
    )
    assert "nie ma niezakwalifikowanych" in " ".join(state(closed).obstacles)


def test_the_button_posts_and_reports_the_new_referral(closed, client_of, uw_mazowieckie):
    register_non_commencement(closed)
    url = reverse(
        "qualification:ranking_qualify_next",
        args=[closed["procedure"].pk, closed["field"].pk, mode().pk],
    )
    client = client_of(uw_mazowieckie)
    assert client.get(url).status_code == 405
    response = client.post(url, follow=True)
    assert "Utworzono skierowanie" in response.content.decode()
    assert Referral.objects.filter(application__qualified_manually=True).count() == 1


def test_another_voivodeships_clerk_gets_404(closed, client_of, uw_malopolskie):
    url = reverse(
        "qualification:ranking_qualify_next",
        args=[closed["procedure"].pk, closed["field"].pk, mode().pk],
    )
    assert client_of(uw_malopolskie).post(url).status_code == 404


def test_unit_staff_are_forbidden(closed, client_of, unit_staff):
    url = reverse(
        "qualification:ranking_qualify_next",
        args=[closed["procedure"].pk, closed["field"].pk, mode().pk],
    )
    assert client_of(unit_staff).post(url).status_code == 403
