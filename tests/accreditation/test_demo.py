"""The demo of the accreditation procedure (README "Akredytacja jednostek"): the accrediting
body's account, a request waiting, one asked to complete, an accreditation of mazowieckie
expiring within 90 days — made once, however often ``seed_demo`` runs."""

import io

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from accounts.demo import DEMO_PASSWORD
from accounts.models import User
from accreditation.demo import BODY_EMAIL, UNIT_EMAIL
from accreditation.models import AccreditationRequest, RequestStatus
from reference.models import Accreditation
from smk.scoping import Scope

pytestmark = pytest.mark.django_db


def test_the_demo_gives_the_body_a_request_to_decide_one_to_complete_and_an_expiry():
    call_command("seed_demo", stdout=io.StringIO())
    call_command("seed_demo", stdout=io.StringIO())
    body = User.objects.get(email=BODY_EMAIL)
    assert body.profiles.get().scope == (Scope.ACCREDITATION, None)
    unit = User.objects.get(email=UNIT_EMAIL).profiles.get().unit
    statuses = sorted(
        AccreditationRequest.objects.filter(unit=unit).values_list("status", flat=True)
    )
    assert statuses == sorted([RequestStatus.SUBMITTED, RequestStatus.TO_COMPLETE])
    expiring = Accreditation.objects.expiring().filter(unit__voivodeship__name="mazowieckie")
    assert expiring.count() == 1
    client = Client()
    assert client.login(email=BODY_EMAIL, password=DEMO_PASSWORD)
    page = client.get(reverse("accreditation:queue")).content.decode()
    for request in AccreditationRequest.objects.filter(unit=unit):
        assert request.number in page
