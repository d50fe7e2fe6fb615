"""The demo applicant (diagnosta@smk.local): an approved application in the closed mazowieckie
procedure — qualified, its referral accepted by the demo unit, so an EKS exists — and a draft in
the session accepting applications, which can be approved and printed."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from accounts.models import User
from qualification.demo import DEMO_APPLICANT_EMAIL
from qualification.models import Application, ApplicationStatus
from referrals.models import ReferralStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def diagnosta(db):
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    return User.objects.get(email=DEMO_APPLICANT_EMAIL)


def test_the_demo_applicant_follows_the_closed_procedure_and_has_a_draft_to_approve(
    client_of, diagnosta
):
    applications = Application.objects.filter(applicant=diagnosta)
    approved = applications.get(status=ApplicationStatus.APPROVED)
    draft = applications.get(status=ApplicationStatus.DRAFT)
    assert approved.qualified and approved.session.applications_closed()
    assert draft.session.accepts_applications()
    referral = approved.referrals.get(status=ReferralStatus.STARTED)

    client = client_of(diagnosta)
    page = client.get(reverse("qualification:my_applications")).content.decode()
    assert "Utwórz wniosek" in page
    assert approved.number in page and draft.number in page
    assert "zakwalifikowano do odbywania szkolenia specjalizacyjnego" in page
    assert f"{referral.number}: Specjalizacja rozpoczęta" in page
    assert reverse("registry:eks_detail", args=[referral.eks.pk]) in page

    client.post(
        reverse("qualification:applicant_approve", args=[draft.pk]), {"version": draft.version}
    )
    draft.refresh_from_db()
    assert draft.status == ApplicationStatus.APPROVED
    response = client.get(reverse("qualification:applicant_print", args=[draft.pk]))
    assert response["Content-Type"] == "application/pdf"
