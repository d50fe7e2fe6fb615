import pytest
from django.core.management import CommandError, call_command
from django.db.models import F

from referrals import services
from referrals.invariants import one_live_referral_per_application
from referrals.models import Referral, ReferralStatus
from smk.audit import log_event
from tests.factories import AccreditationFactory, ReferralFactory, mode
from tests.referrals.test_state_machine import referral_in, run, setting  # noqa: F401

pytestmark = pytest.mark.django_db


def check(capsys):
    try:
        call_command("check_invariants")
    except CommandError as error:
        return False, capsys.readouterr().out + str(error)
    return True, capsys.readouterr().out


def test_data_made_by_the_services_satisfies_every_invariant(setting, capsys):  # noqa: F811
    run("assign", _created(setting, ReferralStatus.DRAFT), setting)
    issued = _created(setting, ReferralStatus.ISSUED)
    run("accept", issued, setting, "staff")
    rejected = _created(setting, ReferralStatus.ISSUED)
    run("reject", rejected, setting, "staff")
    ok, report = check(capsys)
    assert ok, report
    assert "Wszystkie niezmienniki są spełnione" in report


def _created(setting, status):  # noqa: F811
    """A referral in ``status`` with a creation event, as the closing would have made it."""
    from smk.audit import log_event

    referral = referral_in(setting, status)
    log_event(referral, "referral.created", new_status=ReferralStatus.DRAFT)
    if status != ReferralStatus.DRAFT:
        log_event(referral, "referral.sent", old_status=ReferralStatus.DRAFT, new_status=status)
    return referral


def test_overbooking_is_reported_with_the_accreditation(capsys):
    accreditation = AccreditationFactory(places=1)
    for _ in range(2):
        ReferralFactory(
            unit=accreditation.unit,
            field=accreditation.field,
            mode=mode(),
            status=ReferralStatus.ASSIGNED,
        )
    ok, report = check(capsys)
    assert not ok
    assert "zajętych miejsc 2, a miejsc jest 1" in report


def test_a_started_referral_without_eks_is_reported(setting, capsys):  # noqa: F811
    referral = _created(setting, ReferralStatus.STARTED)
    ok, report = check(capsys)
    assert not ok
    assert f"Skierowanie {referral.number}: Specjalizacja rozpoczęta bez EKS" in report


def test_a_history_that_skips_a_status_is_reported(setting, capsys):  # noqa: F811
    referral = referral_in(setting, ReferralStatus.ASSIGNED)
    from smk.audit import log_event

    log_event(referral, "referral.created", new_status=ReferralStatus.DRAFT)
    ok, report = check(capsys)
    assert not ok
    assert "historia kończy się statusem" in report


def test_office_non_commencement_without_strike_off_is_reported(setting, capsys):  # noqa: F811
    from referrals.models import DecidedBy

    referral_in(setting, ReferralStatus.NOT_STARTED, decided_by=DecidedBy.OFFICE)
    ok, report = check(capsys)
    assert not ok
    assert "bez wpisu o skreśleniu" in report
    assert Referral.objects.count() == 1
    assert services  # the services module is what keeps these true in real use


def test_an_application_with_two_live_referrals_is_reported(setting, capsys):  # noqa: F811
    first = _created(setting, ReferralStatus.DRAFT)
    ok, report = check(capsys)
    assert ok, report
    assert "[OK] Jedno nieodrzucone skierowanie na wniosek" in report
    second = ReferralFactory(
        application=first.application,
        voivodeship=first.voivodeship,
        field=first.field,
        mode=first.mode,
    )
    log_event(second, "referral.created", new_status=ReferralStatus.DRAFT)
    ok, report = check(capsys)
    assert not ok
    assert (
        f"Wniosek {first.application.number}: nieodrzuconych skierowań 2 "
        f"({first.number}, {second.number}), a może być najwyżej 1."
    ) in report


def test_a_rejected_referral_and_its_replacement_are_one_live_referral(setting, capsys):  # noqa: F811
    rejected = _created(setting, ReferralStatus.ISSUED)
    run("reject", rejected, setting, "staff")
    assert Referral.objects.filter(application=rejected.application).count() == 2
    assert one_live_referral_per_application() == []


def test_a_referral_sorted_or_searched_by_other_data_than_its_application_s_is_reported(
    setting,  # noqa: F811
    capsys,
):
    referral = _created(setting, ReferralStatus.DRAFT)
    ok, report = check(capsys)
    assert ok, report
    assert "[OK] Dane wniosku w skierowaniu (sortowanie i wyszukiwanie)" in report
    Referral.objects.filter(pk=referral.pk).update(rank_points=F("rank_points") + 1)
    ok, report = check(capsys)
    assert not ok
    assert f"Skierowanie {referral.number}: punkty do sortowania" in report
    Referral.objects.filter(pk=referral.pk).update(
        rank_points=F("rank_points") - 1, applicant_name="Ktoś Inny"
    )
    ok, report = check(capsys)
    assert not ok
    assert "nazwisko do wyszukiwania „Ktoś Inny”" in report
