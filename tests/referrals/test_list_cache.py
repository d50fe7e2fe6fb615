"""The referral list's cache (referrals/list_cache.py): a clerk never sees a list older than
the last committed change, and never another office's list.

These tests commit for real (``transaction=True``): the data versions are bumped when a
transaction commits, as in production.
"""

import re
from decimal import Decimal

import pytest
from django.core.cache import caches
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Role
from qualification.models import Application
from qualification.services.closing import create_referrals
from referrals import services
from referrals.models import ReferralStatus
from tests.factories import (
    AccreditationFactory,
    ApplicationFactory,
    ReferralFactory,
    TrainingUnitFactory,
    mode,
    person_with_role,
)

pytestmark = pytest.mark.django_db(transaction=True)

LIST = reverse("referrals:referral_list")


@pytest.fixture(autouse=True)
def list_cache_on(settings):
    settings.REFERRAL_LIST_CACHE_SECONDS = 60
    caches["pages"].clear()
    yield
    caches["pages"].clear()


@pytest.fixture
def clerk(mazowieckie):
    return person_with_role(Role.UW, voivodeship=mazowieckie)


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def main_of(response) -> str:
    """The page's <main>: the layout around it carries a fresh CSRF token every time."""
    return re.search(r"<main.*</main>", response.content.decode(), re.DOTALL).group(0)


def open_list(client, query=""):
    """The list's HTML and the number of queries it took."""
    with CaptureQueriesContext(connection) as captured:
        response = client.get(LIST + query)
    assert response.status_code == 200
    return main_of(response), len(captured.captured_queries)


def test_a_list_opened_again_is_the_same_page_read_from_the_cache(clerk, settings):
    referral = ReferralFactory(application__points=Decimal(40))
    client = logged_in(clerk)
    first, first_queries = open_list(client)
    again, again_queries = open_list(client)

    assert referral.number in first
    assert again == first
    assert again_queries < first_queries
    settings.REFERRAL_LIST_CACHE_SECONDS = 0
    assert open_list(client)[0] == first  # built anew: the same page


def test_a_status_change_shows_in_the_list_at_once(clerk, mazowieckie):
    accreditation = AccreditationFactory(unit=TrainingUnitFactory(voivodeship=mazowieckie))
    referral = ReferralFactory(field=accreditation.field, mode=mode())
    client = logged_in(clerk)
    before, _ = open_list(client)
    assert "<td>Przydzielone</td>" not in before

    services.assign(
        referral.pk,
        version=referral.version,
        changes=services.Changes(unit=accreditation.unit, fields={"unit"}),
        user=clerk,
        profile=clerk.profiles.get(),
    )

    after, _ = open_list(client)
    assert "<td>Przydzielone</td>" in after
    assert accreditation.unit.name in after


def test_a_renamed_unit_shows_in_the_list_at_once(clerk, mazowieckie):
    unit = TrainingUnitFactory(voivodeship=mazowieckie, name="Laboratorium Stare")
    ReferralFactory(unit=unit, status=ReferralStatus.ASSIGNED)
    client = logged_in(clerk)
    assert "Laboratorium Stare" in open_list(client)[0]

    unit.name = "Laboratorium Nowe"
    unit.save()

    page, _ = open_list(client)
    assert "Laboratorium Nowe" in page
    assert "Laboratorium Stare" not in page


def test_referrals_created_by_closing_a_procedure_show_in_the_list_at_once(clerk, mazowieckie):
    client = logged_in(clerk)
    application = ApplicationFactory(voivodeship=mazowieckie, points=Decimal(55))
    empty, _ = open_list(client, "?session=")

    with transaction.atomic():
        create_referrals(Application.objects.filter(pk=application.pk))

    page, _ = open_list(client, "?session=")
    assert page != empty
    assert application.number in page


def test_another_office_never_gets_this_office_s_cached_list(clerk, malopolskie):
    referral = ReferralFactory(application__points=Decimal(40))
    assert referral.number in open_list(logged_in(clerk))[0]

    other_office = person_with_role(Role.UW, voivodeship=malopolskie)
    page, _ = open_list(logged_in(other_office))
    assert referral.number not in page


def _same_version_in(*voivodeships):
    """Bump the offices' versions until they are equal: the case where a key made of the
    version number alone could not tell one office's list from the other's."""
    from referrals.list_cache import referrals_key
    from smk import versions

    keys = [referrals_key(v.pk) for v in voivodeships]
    target = max(versions.read(*keys)) + 1
    for key in keys:
        while versions.read(key)[0] < target:
            versions.bump(key)
    assert len(set(versions.read(*keys))) == 1


def test_a_clerk_moved_to_another_office_sees_only_the_new_office_s_list(
    clerk, mazowieckie, malopolskie
):
    here = ReferralFactory(application__points=Decimal(40))
    there = ReferralFactory(application__points=Decimal(40), voivodeship=malopolskie)
    assert there.voivodeship_id == malopolskie.pk
    client = logged_in(clerk)
    _same_version_in(mazowieckie, malopolskie)
    open_list(client)
    cached, _ = open_list(client)
    assert here.number in cached

    # The administrator moves the profile; an UPDATE tells no signal handler about it.
    clerk.profiles.update(voivodeship=malopolskie)
    page, _ = open_list(client)

    assert here.number not in page
    assert here.applicant_name not in page
    assert there.number in page


def test_a_clerk_given_other_roles_gets_a_list_built_for_them(clerk, mazowieckie):
    from accounts.models import ProfileRole
    from referrals import list_cache

    ReferralFactory(application__points=Decimal(40))
    client = logged_in(clerk)
    open_list(client)
    profile = clerk.profiles.get()
    before = {key for key in caches["pages"]._cache if "referral-list" in key}

    ProfileRole.objects.create(profile=profile, role=Role.WOJEWODA)
    open_list(client)
    after = {key for key in caches["pages"]._cache if "referral-list" in key}

    assert len(after - before) == 1  # built anew under a key naming both roles
    assert list_cache.CACHE == "pages"


def test_a_blocked_clerk_gets_no_cached_list(clerk):
    from django.utils import timezone

    referral = ReferralFactory(application__points=Decimal(40))
    client = logged_in(clerk)
    assert referral.number in open_list(client)[0]

    clerk.profiles.update(blocked_at=timezone.now())
    response = client.get(LIST)

    assert referral.number not in response.content.decode()


def test_cached_lists_live_apart_from_the_login_rate_limits(clerk):
    """A cache full of lists culls lists, never the counters of failed logins."""
    ReferralFactory(application__points=Decimal(40))
    open_list(logged_in(clerk))

    def list_keys(alias):
        return [key for key in caches[alias]._cache if "referral-list" in key]

    assert list_keys("pages")
    assert not list_keys("default")
