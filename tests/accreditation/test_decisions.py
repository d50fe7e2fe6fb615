"""The accrediting body's decisions on a request — "Udziel akredytacji", "Odmów", "Wezwij do
uzupełnienia" — each refusal, and the places that follow a grant everywhere at once."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from django_fsm import TransitionNotAllowed

from accreditation.models import RequestKind, RequestStatus
from accreditation.services import AccreditationError, decisions, requests
from reference.models import Accreditation
from referrals import places
from referrals import services as referral_services
from referrals.models import ReferralStatus
from smk.audit import history
from smk.models import Notification
from tests.accreditation.conftest import field_data, grant, make_request
from tests.factories import ProgrammeFactory, ReferralFactory

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


def _grant_post(request, **extra):
    return {
        "version": request.version,
        "places": request.places_requested,
        "valid_from": TODAY().isoformat(),
        "valid_to": (TODAY() + datetime.timedelta(days=1800)).isoformat(),
        "decision_number": "CMKP/AK/2026/017",
        **extra,
    }


def test_granting_creates_an_accreditation_in_force_with_the_places_granted(
    client_of, body, submitted
):
    response = client_of(body).post(
        reverse("accreditation:grant", args=[submitted.pk]), _grant_post(submitted, places=2)
    )
    assert response.status_code == 302
    submitted.refresh_from_db()
    accreditation = submitted.accreditation
    assert submitted.status == RequestStatus.GRANTED
    assert accreditation.places == 2 and accreditation.number == "CMKP/AK/2026/017"
    assert accreditation.unit == submitted.unit and accreditation.field == submitted.field
    assert Accreditation.objects.active().filter(pk=accreditation.pk).exists()
    assert accreditation.request == submitted


def test_more_places_than_asked_are_refused_next_to_the_field(client_of, body, submitted):
    response = client_of(body).post(
        reverse("accreditation:grant", args=[submitted.pk]), _grant_post(submitted, places=5)
    )
    assert response.status_code == 200
    assert "najwyżej tylu miejsc" in response.content.decode()
    submitted.refresh_from_db()
    assert submitted.status == RequestStatus.SUBMITTED
    assert not Accreditation.objects.filter(unit=submitted.unit).exists()


def test_a_grant_overlapping_an_accreditation_of_the_unit_in_the_field_is_refused(
    body_profile, submitted
):
    Accreditation.objects.create(
        unit=submitted.unit,
        field=submitted.field,
        valid_from=datetime.date(2024, 1, 1),
        valid_to=TODAY() + datetime.timedelta(days=30),
        places=1,
    )
    with pytest.raises(AccreditationError, match="nakłada się"):
        grant(submitted, body_profile)
    submitted.refresh_from_db()
    assert submitted.status == RequestStatus.SUBMITTED


def test_the_granted_places_are_offered_to_the_office_at_once(
    client_of, body_profile, submitted, uw_mazowieckie
):
    """The unit chooser, the free places and "Przydziel" read ``.active()``: the new
    accreditation is the first referral's place."""
    accreditation = grant(submitted, body_profile, places=1)
    programme = ProgrammeFactory(field=submitted.field)
    referral = ReferralFactory(field=submitted.field, voivodeship=submitted.unit.voivodeship)
    chooser = client_of(uw_mazowieckie).get(
        reverse("referrals:referral_choose_unit", args=[referral.pk])
    )
    assert chooser.status_code == 302  # the one unit accredited in the field, chosen at once
    assert chooser["Location"].endswith(f"jednostka={submitted.unit_id}")
    office = uw_mazowieckie.profiles.get()
    referral = referral_services.assign(
        referral.pk,
        version=referral.version,
        changes=referral_services.Changes(
            unit=submitted.unit, programme=programme, fields={"unit", "programme"}
        ),
        user=uw_mazowieckie,
        profile=office,
    )
    assert referral.status == ReferralStatus.ASSIGNED
    assert places.free_places(accreditation) == 0


def test_the_unit_is_emailed_the_decision(body_profile, submitted, unit_staff):
    grant(submitted, body_profile, places=3)
    mail = Notification.objects.get(recipient=unit_staff.email)
    assert submitted.number in mail.subject
    assert "Liczba miejsc: 3 (wnioskowano: 4)" in mail.body


def test_a_refusal_needs_a_reason(client_of, body, submitted):
    client = client_of(body)
    url = reverse("accreditation:refuse", args=[submitted.pk])
    response = client.post(url, {"version": submitted.version, "reason": ""})
    assert response.status_code == 200
    response = client.post(url, {"version": submitted.version, "reason": "Brak kadry."})
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert submitted.status == RequestStatus.REFUSED
    assert submitted.refusal_reason == "Brak kadry."
    with pytest.raises(TransitionNotAllowed):
        submitted.grant()


def test_asked_to_complete_the_unit_edits_and_submits_again(
    client_of, body, body_profile, unit_staff, staff_profile, submitted
):
    deadline = TODAY() + datetime.timedelta(days=14)
    response = client_of(body).post(
        reverse("accreditation:ask_to_complete", args=[submitted.pk]),
        {"version": submitted.version, "note": "Dołącz wykaz aparatury.", "deadline": deadline},
    )
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert submitted.status == RequestStatus.TO_COMPLETE
    assert submitted.completion_deadline == deadline
    page = client_of(unit_staff).get(
        reverse("accreditation:unit_request_detail", args=[submitted.pk])
    )
    assert "Dołącz wykaz aparatury." in page.content.decode()
    # While the unit has time, the body cannot refuse; it can neither grant before resubmission.
    assert not list(submitted.get_available_user_status_transitions(body_profile))
    requests.save_request(
        submitted.pk,
        version=submitted.version,
        data=field_data(submitted.field, equipment="Analizatory i wykaz aparatury."),
        user=unit_staff,
        profile=staff_profile,
    )
    submitted.refresh_from_db()
    requests.submit(submitted.pk, version=submitted.version, user=unit_staff, profile=staff_profile)
    submitted.refresh_from_db()
    assert submitted.status == RequestStatus.SUBMITTED
    assert "accreditation_request.resubmitted" in [e.action for e in history(submitted)]


def test_a_deadline_must_lie_ahead(body_profile, submitted):
    with pytest.raises(AccreditationError) as refused:
        decisions.ask_to_complete(
            submitted.pk,
            version=submitted.version,
            note="Uzupełnij.",
            deadline=TODAY(),
            user=body_profile.user,
            profile=body_profile,
        )
    assert "deadline" in refused.value.field_errors


def test_after_the_deadline_the_body_may_refuse(body_profile, submitted):
    decisions.ask_to_complete(
        submitted.pk,
        version=submitted.version,
        note="Uzupełnij.",
        deadline=TODAY() + datetime.timedelta(days=1),
        user=body_profile.user,
        profile=body_profile,
    )
    submitted.refresh_from_db()
    submitted.__class__.objects.filter(pk=submitted.pk).update(
        completion_deadline=TODAY() - datetime.timedelta(days=1)
    )
    submitted.refresh_from_db()
    refused = decisions.refuse(
        submitted.pk,
        version=submitted.version,
        reason="Nie uzupełniono w terminie.",
        user=body_profile.user,
        profile=body_profile,
    )
    assert refused.status == RequestStatus.REFUSED


def test_the_unit_cannot_decide_and_the_body_cannot_submit(
    staff_profile, body_profile, field, submitted
):
    open_to_unit = submitted.get_available_user_status_transitions(staff_profile)
    assert {t.name for t in open_to_unit} == {"withdraw"}
    with pytest.raises(AccreditationError):
        grant(submitted, staff_profile)
    draft = make_request(staff_profile, field)
    with pytest.raises(AccreditationError):
        requests.submit(
            draft.pk, version=draft.version, user=body_profile.user, profile=body_profile
        )


def test_granting_an_internship_makes_an_internship_accreditation_without_referral_places(
    staff_profile, body_profile, internship
):
    request = make_request(
        staff_profile,
        internship.module.programme.field,
        kind=RequestKind.INTERNSHIP,
        internship=internship,
        submitted=True,
    )
    accreditation = grant(request, body_profile, places=2)
    assert accreditation.internship == internship and accreditation.places == 2
    assert not Accreditation.objects.filter(unit=request.unit).exists()


def test_a_stale_decision_page_is_refused(client_of, body, submitted, unit_staff, staff_profile):
    requests.withdraw(
        submitted.pk, version=submitted.version, user=unit_staff, profile=staff_profile
    )
    response = client_of(body).post(
        reverse("accreditation:grant", args=[submitted.pk]), _grant_post(submitted)
    )
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert submitted.status == RequestStatus.WITHDRAWN
