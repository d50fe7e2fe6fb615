"""The body's later decisions on a granted accreditation: places changed (never below those
held, naming the referrals), suspended, resumed, withdrawn — and what follows for new
assignments, the referrals already made, the office and the accreditation's history."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from django_fsm import TransitionNotAllowed

from accreditation.services import AccreditationError, changes
from reference.accreditations import AccreditationStatus
from reference.models import Accreditation
from referrals import places
from referrals import services as referral_services
from referrals.models import ReferralStatus
from smk.models import Notification
from tests.accreditation.conftest import grant
from tests.factories import ProgrammeFactory, ReferralFactory

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


@pytest.fixture
def granted(submitted, body_profile):
    return grant(submitted, body_profile, places=4)


def _holders(accreditation, n, status=ReferralStatus.ISSUED):
    return [
        ReferralFactory(
            unit=accreditation.unit,
            field=accreditation.field,
            voivodeship=accreditation.unit.voivodeship,
            status=status,
        )
        for _ in range(n)
    ]


def _decide(service, accreditation, profile, **data):
    """The body's (or ``profile``'s) decision on the accreditation as it is now."""
    accreditation.refresh_from_db()
    return service(
        Accreditation,
        accreditation.pk,
        version=accreditation.version,
        user=profile.user,
        profile=profile,
        **data,
    )


def _change(accreditation, profile, **data):
    return _decide(changes.change_places, accreditation, profile, **data)


def test_places_are_never_reduced_below_those_held_and_the_refusal_names_the_referrals(
    client_of, body, granted
):
    holders = _holders(granted, 3)
    response = client_of(body).post(
        reverse("accreditation:change_places", args=["dziedzina", granted.pk]),
        {"version": granted.version, "places": 2, "reason": "Mniej kadry."},
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "poniżej zajętych (3)" in page
    for referral in holders:
        assert referral.number in page
    granted.refresh_from_db()
    assert granted.places == 4


def test_places_are_reduced_down_to_those_held_and_raised(body_profile, granted):
    _holders(granted, 3)
    assert _change(granted, body_profile, places=3, reason="Mniej kadry.").places == 3
    granted.refresh_from_db()
    assert places.free_places(granted) == 0
    assert _change(granted, body_profile, places=6, reason="Nowa pracownia.").places == 6


def test_trainees_loaded_by_the_unit_also_hold_places(body_profile, granted):
    from tests.factories import TraineeFactory

    TraineeFactory(accreditation=granted)
    with pytest.raises(AccreditationError, match="osoby w trakcie szkolenia"):
        _change(granted, body_profile, places=0, reason="Koniec.")


def test_a_suspension_stops_new_assignments_and_keeps_the_referrals_made(
    body_profile, granted, uw_mazowieckie
):
    kept = _holders(granted, 1, status=ReferralStatus.ASSIGNED)[0]
    _decide(changes.suspend, granted, body_profile, from_day=TODAY(), reason="Kontrola CMKP.")
    assert not Accreditation.objects.active().filter(pk=granted.pk).exists()
    kept.refresh_from_db()
    assert kept.status == ReferralStatus.ASSIGNED  # keeps its place
    referral = ReferralFactory(field=granted.field, voivodeship=granted.unit.voivodeship)
    with pytest.raises(referral_services.ReferralError, match="aktywną akredytacją"):
        referral_services.assign(
            referral.pk,
            version=referral.version,
            changes=referral_services.Changes(
                unit=granted.unit,
                programme=ProgrammeFactory(field=granted.field),
                fields={"unit", "programme"},
            ),
            user=uw_mazowieckie,
            profile=uw_mazowieckie.profiles.get(),
        )


def test_a_suspension_from_a_day_to_come_keeps_it_in_force_until_then(body_profile, granted):
    _decide(
        changes.suspend,
        granted,
        body_profile,
        from_day=TODAY() + datetime.timedelta(days=10),
        reason="Remont pracowni.",
    )
    assert Accreditation.objects.active().filter(pk=granted.pk).exists()
    later = TODAY() + datetime.timedelta(days=10)
    assert not Accreditation.objects.active(later).filter(pk=granted.pk).exists()


def test_lifting_a_suspension_puts_it_back_in_force(body_profile, granted):
    _decide(changes.suspend, granted, body_profile, from_day=TODAY(), reason="Kontrola.")
    _decide(changes.resume, granted, body_profile, reason="Kontrola zakończona.")
    granted.refresh_from_db()
    assert granted.status == AccreditationStatus.IN_FORCE and granted.suspended_from is None
    assert Accreditation.objects.active().filter(pk=granted.pk).exists()


def test_a_withdrawal_is_final_and_the_office_and_unit_are_emailed(
    body_profile, granted, uw_mazowieckie, unit_staff
):
    holder = _holders(granted, 1)[0]
    _decide(changes.withdraw, granted, body_profile, from_day=TODAY(), reason="Utrata kadry.")
    granted.refresh_from_db()
    assert granted.status == AccreditationStatus.WITHDRAWN
    with pytest.raises(TransitionNotAllowed):
        granted.resume()
    office_mail = Notification.objects.get(recipient=uw_mazowieckie.email)
    assert "Cofnięcie akredytacji" in office_mail.subject
    assert holder.number in office_mail.body  # the referrals that keep their places
    assert Notification.objects.filter(recipient=unit_staff.email, subject__contains="Cofnięcie")


def test_a_past_day_and_a_missing_reason_are_refused(body_profile, granted):
    yesterday = TODAY() - datetime.timedelta(days=1)
    with pytest.raises(AccreditationError) as refused:
        _decide(changes.withdraw, granted, body_profile, from_day=yesterday, reason="")
    assert "reason" in refused.value.field_errors


def test_only_the_accrediting_body_changes_an_accreditation(
    client_of, unit_staff, staff_profile, uw_mazowieckie, granted
):
    with pytest.raises(AccreditationError):
        _change(granted, staff_profile, places=9, reason="Więcej.")
    url = reverse("accreditation:change_places", args=["dziedzina", granted.pk])
    assert client_of(unit_staff).get(url).status_code == 403
    assert client_of(uw_mazowieckie).get(url).status_code == 403


def test_the_accreditations_page_shows_its_whole_history(client_of, body, body_profile, granted):
    _change(granted, body_profile, places=5, reason="Nowa pracownia.")
    _decide(changes.suspend, granted, body_profile, from_day=TODAY(), reason="Kontrola.")
    _decide(changes.withdraw, granted, body_profile, from_day=TODAY(), reason="Wynik kontroli.")
    page = client_of(body).get(
        reverse("accreditation:accreditation_detail", args=["dziedzina", granted.pk])
    )
    text = page.content.decode()
    steps = [
        "Złożenie wniosku o akredytację",
        "Udzielenie akredytacji",
        "Zmiana liczby miejsc szkoleniowych",
        "Zawieszenie akredytacji",
        "Cofnięcie akredytacji",
    ]
    positions = [text.index(step) for step in steps]
    assert positions == sorted(positions)
    assert "4 → 5" in text


def test_the_unit_sees_its_accreditation_read_only(
    client_of, unit_staff, other_unit_staff, granted
):
    url = reverse("accreditation:unit_accreditation_detail", args=["dziedzina", granted.pk])
    page = client_of(unit_staff).get(url)
    assert page.status_code == 200
    assert "Zmień liczbę miejsc" not in page.content.decode()
    assert client_of(other_unit_staff).get(url).status_code == 404
