"""Ranking and "Zakończ postępowanie" (SPEC §3, seed 000 §4)."""

from decimal import Decimal

import pytest

from qualification.models import Application, FormalEvaluation, SlotListStatus, Stage
from qualification.services.closing import ProcedureError, close_procedure
from referrals.models import Referral, ReferralStatus
from smk.models import Event
from tests.factories import (
    ApplicationFactory,
    FieldFactory,
    ProcedureFactory,
    SlotListFactory,
    SlotListItemFactory,
    change_events,
    mode,
)

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def field():
    return FieldFactory(name="mikrobiologia medyczna", code="mikrobiologia-medyczna")


@pytest.fixture
def procedure(mazowieckie):
    return ProcedureFactory(voivodeship=mazowieckie, stage=Stage.COMPETITION)


def approved_slot_list(procedure, places):
    slot_list = SlotListFactory(
        session=procedure.session,
        voivodeship=procedure.voivodeship,
        status=SlotListStatus.APPROVED,
    )
    for (field, mode_), n in places.items():
        SlotListItemFactory(slot_list=slot_list, field=field, mode=mode_, places=n)
    return slot_list


def positive(procedure, field, **kwargs):
    return ApplicationFactory(
        session=procedure.session,
        voivodeship=procedure.voivodeship,
        field=field,
        mode=kwargs.pop("mode", mode()),
        formal_evaluation=FormalEvaluation.POSITIVE,
        **kwargs,
    )


def test_ranking_orders_by_points_then_study_result_then_earlier_approval_then_number(
    procedure, field, uw_mazowieckie
):
    approved_slot_list(procedure, {(field, mode()): 10})
    low = positive(procedure, field, points=Decimal("10"), study_result=Decimal("5.00"))
    high = positive(procedure, field, points=Decimal("30"), study_result=Decimal("3.00"))
    tie_better_study = positive(
        procedure, field, points=Decimal("20"), study_result=Decimal("4.90")
    )
    tie_earlier = positive(procedure, field, points=Decimal("20"), study_result=Decimal("4.10"))
    tie_later = positive(procedure, field, points=Decimal("20"), study_result=Decimal("4.10"))
    tie_later.approved_at = tie_earlier.approved_at.replace(hour=tie_earlier.approved_at.hour + 1)
    tie_later.save()
    same_time_a = positive(
        procedure, field, points=Decimal("5"), study_result=Decimal("4"), number="WN/2026/14/90001"
    )
    same_time_b = positive(
        procedure,
        field,
        points=Decimal("5"),
        study_result=Decimal("4"),
        number="WN/2026/14/90000",
        approved_at=same_time_a.approved_at,
    )
    close_procedure(procedure.pk, user=uw_mazowieckie, profile=None)
    order = list(
        Application.objects.filter(field=field)
        .order_by("ranking_position")
        .values_list("pk", flat=True)
    )
    assert order == [
        high.pk,
        tie_better_study.pk,
        tie_earlier.pk,
        tie_later.pk,
        low.pk,
        same_time_b.pk,
        same_time_a.pk,
    ]
    assert (
        list(Application.objects.filter(field=field).ranked().values_list("pk", flat=True)) == order
    )


def test_closing_qualifies_the_top_n_and_creates_a_draft_referral_for_each_and_no_other(
    procedure, field, uw_mazowieckie
):
    other_mode = mode("poza-rezydentura")
    approved_slot_list(procedure, {(field, mode()): 2, (field, other_mode): 1})
    top = [positive(procedure, field, points=Decimal(p)) for p in ("50", "40")]
    tail = [positive(procedure, field, points=Decimal(p)) for p in ("30", "20")]
    other = positive(procedure, field, points=Decimal("1"), mode=other_mode)
    negative = ApplicationFactory(
        session=procedure.session,
        voivodeship=procedure.voivodeship,
        field=field,
        formal_evaluation=FormalEvaluation.NEGATIVE,
        formal_reason="Brak dyplomu",
        points=Decimal("99"),
    )
    result = close_procedure(procedure.pk, user=uw_mazowieckie, profile=None)

    assert (result.qualified, result.referrals) == (3, 3)
    referred = set(Referral.objects.values_list("application_id", flat=True))
    assert referred == {top[0].pk, top[1].pk, other.pk}
    assert all(r.status == ReferralStatus.DRAFT for r in Referral.objects.all())
    for application in [*tail, negative]:
        application.refresh_from_db()
        assert application.qualified is False
    negative.refresh_from_db()
    assert negative.ranking_position is None
    procedure.refresh_from_db()
    assert procedure.stage == Stage.CLOSED
    assert procedure.closed_by == uw_mazowieckie


def test_referral_numbers_carry_year_and_voivodeship_and_are_unique(
    procedure, field, uw_mazowieckie
):
    approved_slot_list(procedure, {(field, mode()): 3})
    for points in ("3", "2", "1"):
        positive(procedure, field, points=Decimal(points))
    close_procedure(procedure.pk, user=uw_mazowieckie, profile=None)
    numbers = sorted(Referral.objects.values_list("number", flat=True))
    assert numbers == ["SK/2026/14/00001", "SK/2026/14/00002", "SK/2026/14/00003"]


def test_every_created_referral_has_its_creation_in_history(procedure, field, uw_mazowieckie):
    approved_slot_list(procedure, {(field, mode()): 2})
    positive(procedure, field, points=Decimal("1"))
    positive(procedure, field, points=Decimal("2"))
    close_procedure(procedure.pk, user=uw_mazowieckie, profile=None)
    for referral in Referral.objects.all():
        (event,) = Event.objects.for_object(referral)
        assert (event.action, event.new_status, event.user) == (
            "referral.created",
            ReferralStatus.DRAFT,
            uw_mazowieckie,
        )


def test_closing_twice_is_refused_and_creates_nothing_more(procedure, field, uw_mazowieckie):
    approved_slot_list(procedure, {(field, mode()): 1})
    positive(procedure, field, points=Decimal("1"))
    close_procedure(procedure.pk, user=uw_mazowieckie, profile=None)
    with pytest.raises(ProcedureError, match="już zakończone"):
        close_procedure(procedure.pk, user=uw_mazowieckie, profile=None)
    assert Referral.objects.count() == 1


@pytest.mark.parametrize("status", [SlotListStatus.DRAFT, None])
def test_closing_without_an_approved_slot_list_is_refused_and_changes_nothing(
    procedure, field, uw_mazowieckie, status
):
    if status is not None:
        SlotListFactory(session=procedure.session, voivodeship=procedure.voivodeship, status=status)
    application = positive(procedure, field, points=Decimal("1"))
    with pytest.raises(ProcedureError, match="zatwierdzonej listy miejsc"):
        close_procedure(procedure.pk, user=uw_mazowieckie, profile=None)
    application.refresh_from_db()
    procedure.refresh_from_db()
    assert (application.qualified, application.ranking_position) == (None, None)
    assert procedure.stage == Stage.COMPETITION
    assert not Referral.objects.exists()


def test_closing_with_unevaluated_or_unpointed_applications_is_refused_with_counts(
    procedure, field, uw_mazowieckie
):
    approved_slot_list(procedure, {(field, mode()): 1})
    ApplicationFactory(session=procedure.session, voivodeship=procedure.voivodeship, field=field)
    positive(procedure, field, points=None)
    with pytest.raises(ProcedureError) as error:
        close_procedure(procedure.pk, user=uw_mazowieckie, profile=None)
    assert "bez oceny formalnej: 1" in str(error.value)
    assert "bez punktacji: 1" in str(error.value)


def test_a_failure_half_way_leaves_nothing_half_done(procedure, field, uw_mazowieckie, monkeypatch):
    approved_slot_list(procedure, {(field, mode()): 2})
    applications = [positive(procedure, field, points=Decimal(p)) for p in ("2", "1")]

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr("qualification.services.closing.log_event", broken)
    with pytest.raises(RuntimeError):
        close_procedure(procedure.pk, user=uw_mazowieckie, profile=None)
    assert not Referral.objects.exists()
    assert not change_events().exists()
    for application in applications:
        application.refresh_from_db()
        assert (application.qualified, application.ranking_position) == (None, None)
    procedure.refresh_from_db()
    assert procedure.stage == Stage.COMPETITION


def test_only_applications_of_this_session_and_voivodeship_are_ranked(
    procedure, field, uw_mazowieckie, malopolskie
):
    approved_slot_list(procedure, {(field, mode()): 5})
    mine = positive(procedure, field, points=Decimal("1"))
    elsewhere = ApplicationFactory(
        session=procedure.session,
        voivodeship=malopolskie,
        field=field,
        formal_evaluation=FormalEvaluation.POSITIVE,
        points=Decimal("50"),
    )
    close_procedure(procedure.pk, user=uw_mazowieckie, profile=None)
    mine.refresh_from_db()
    elsewhere.refresh_from_db()
    assert (mine.ranking_position, mine.qualified) == (1, True)
    assert (elsewhere.ranking_position, elsewhere.qualified) == (None, None)
