"""``check_invariants`` knows the EKS: a verified card has its entry of the completed
specialization in the register, and only a verified card; a card keeps its referral's
voivodeship."""

import pytest

from eks import services
from referrals.invariants import verified_eks_have_their_completion_entry
from registry import services as registry
from registry.models import EKS
from tests.eks.conftest import fill, fresh, profile_of
from tests.factories import voivodeship

pytestmark = pytest.mark.django_db


def test_a_card_verified_through_the_services_satisfies_it(
    appointed, applicant, kierownik, uw_mazowieckie
):
    fill(appointed, applicant, kierownik)
    for action, person in (
        (services.confirm_completion, kierownik),
        (services.verify, uw_mazowieckie),
    ):
        action(
            appointed.pk, version=fresh(appointed).version, user=person, profile=profile_of(person)
        )
    assert verified_eks_have_their_completion_entry() == []


def test_a_completion_entry_of_an_open_card_is_reported(card):
    entry = registry.make_completion_entry(card.referral, user=None)
    assert verified_eks_have_their_completion_entry() == [
        f"Wpis {entry.number}: ukończenie szkolenia, a EKS skierowania nie jest zweryfikowana."
    ]


def test_a_card_of_another_voivodeship_than_its_referral_is_reported(card):
    EKS.objects.filter(pk=card.pk).update(voivodeship=voivodeship("małopolskie"))
    assert verified_eks_have_their_completion_entry() == [
        f"EKS {card.number}: inne województwo niż w skierowaniu."
    ]
