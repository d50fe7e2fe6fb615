"""The EKS in ``seed_demo`` (issue 17, item 7): diagnosta@smk.local's half-filled card,
kierownik@smk.local with entries waiting, one card for uw.mazowieckie to verify."""

import io

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from accounts.models import Role, User
from accounts.profiles import profiles_of
from eks.models import Card, Entry, PlanItem
from eks.statuses import EntryStatus
from reference.demo import DEMO_UNIT_NAME
from registry.models import EKSStatus, EntryKind, RegisterEntry
from tests.conftest import log_in

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        call_command("seed_demo", stdout=io.StringIO())
    yield
    with django_db_blocker.unblock():
        call_command("flush", interactive=False, stdout=io.StringIO())
        from reference.demo import seed_fixed_rows

        seed_fixed_rows()


def client_of(email) -> Client:
    return log_in(Client(), User.objects.get(email=email))


def test_kierownik_smk_local_keeps_the_demo_units_cards(demo):
    (profile,) = profiles_of(User.objects.get(email="kierownik@smk.local"))
    assert profile.unit.name == DEMO_UNIT_NAME and profile.role_codes == {Role.KIEROWNIK}
    cards = Card.objects.for_profile(profile)
    assert cards.count() == Card.objects.filter(unit__name=DEMO_UNIT_NAME).count() >= 2


def test_the_diagnosticians_card_is_half_filled_with_every_status(demo):
    card = Card.objects.get(referral__application__applicant__email="diagnosta@smk.local")
    statuses = list(Entry.objects.filter(card=card).values_list("status", flat=True))
    assert statuses.count(EntryStatus.CONFIRMED) == 3
    assert statuses.count(EntryStatus.SUBMITTED) == 2
    assert statuses.count(EntryStatus.REJECTED) == 1
    assert statuses.count(EntryStatus.ENTERED) == 1
    assert card.status == EKSStatus.OPEN
    progress = card.progress
    assert 0 < progress.done_count < len(progress.elements)
    assert PlanItem.objects.filter(card=card).count() >= 7
    body = client_of("diagnosta@smk.local").get(reverse("eks:card_detail", args=[card.pk]))
    assert "Brak podpisu kierownika stażu" in body.content.decode()


def test_the_kierownik_has_entries_waiting_in_the_queue(demo):
    body = client_of("kierownik@smk.local").get(reverse("eks:queue")).content.decode()
    assert "Potwierdź zaznaczone" in body
    assert body.count('name="entries"') == 2


def test_uw_mazowieckie_has_one_card_to_verify_and_verifies_it(demo):
    (card,) = Card.objects.filter(status=EKSStatus.SUBMITTED)
    client = client_of("uw.mazowieckie@smk.local")
    assert card.number in client.get(reverse("eks:card_list")).content.decode()
    response = client.post(reverse("eks:verify", args=[card.pk]), {"version": card.version})
    assert response.status_code == 302
    assert Card.objects.get(pk=card.pk).status == EKSStatus.VERIFIED
    assert RegisterEntry.objects.filter(referral=card.referral, kind=EntryKind.COMPLETION).exists()
