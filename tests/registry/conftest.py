"""Register entries and EKS cards made the way the referral services make them."""

import itertools

import pytest
from django.utils import timezone

from registry import services as registry
from tests.factories import ReferralFactory

_numbers = itertools.count(1)


def sent_referral(unit, **kwargs):
    """A referral the office sent to ``unit`` (the factory's own numbering, apart from SK/…)."""
    kwargs.setdefault("voivodeship", unit.voivodeship)
    kwargs.setdefault("sent_at", timezone.now())
    return ReferralFactory(number=f"REF/{next(_numbers):05d}", unit=unit, **kwargs)


def start_entry(unit, *, user=None, **kwargs):
    return registry.make_start_entry(sent_referral(unit, **kwargs), user=user)


def strike_off_entry(unit, *, user=None, reason="Niepodjęcie szkolenia", **kwargs):
    return registry.make_strike_off_entry(sent_referral(unit, **kwargs), user=user, reason=reason)


@pytest.fixture
def entry_kinds(unit_mazowieckie, uw_mazowieckie):
    """One entry of each kind in the unit_staff fixture's unit."""
    return (
        start_entry(unit_mazowieckie, user=uw_mazowieckie),
        strike_off_entry(unit_mazowieckie, user=uw_mazowieckie),
    )
