"""Two clicks at once on real PostgreSQL: one request per role, one decision per request."""

import threading

import pytest
from django.db import close_old_connections, connection

from accounts import services
from accounts.institutions import Institution
from accounts.models import Profile, ProfileRole, Role, RoleRequest, RoleRequestStatus
from tests.factories import UserFactory, person_with_role, voivodeship

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

TABS = 6


def _at_once(action, count=TABS):
    barrier = threading.Barrier(count, timeout=10)
    done, refused, errors = [], [], []

    def run(index):
        try:
            barrier.wait()
            done.append(action(index))
        except services.AccountsError as error:
            refused.append(error)
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    close_old_connections()
    assert not errors, errors
    return done, refused


def test_one_person_asking_for_a_role_in_several_tabs_gets_one_profile_and_one_request():
    user = UserFactory()
    office = Institution.office(voivodeship("mazowieckie"))
    done, refused = _at_once(
        lambda _i: services.submit_role_requests(
            user=user, institution=office, roles=[Role.UW], phone="600100200", email="a@b.pl"
        )
    )
    assert len(done) == 1 and len(refused) == TABS - 1
    assert Profile.objects.filter(user=user).count() == 1
    assert RoleRequest.objects.count() == 1


def test_approve_and_withdraw_at_once_leave_one_decision():
    requester = UserFactory()
    admin = person_with_role(Role.ADMINISTRATOR)
    office = Institution.office(voivodeship("mazowieckie"))
    batch = services.submit_role_requests(
        user=requester, institution=office, roles=[Role.UW], phone="600100200", email="a@b.pl"
    )
    request = batch.requests.get()

    def act(index):
        if index % 2:
            return services.approve_request(request.pk, user=admin, acting_profile=None)
        return services.withdraw_request(request.pk, user=requester)

    done, refused = _at_once(act)
    assert len(done) == 1 and len(refused) == TABS - 1
    request = RoleRequest.objects.get(pk=request.pk)
    approved = request.status == RoleRequestStatus.APPROVED
    assert ProfileRole.objects.filter(profile=request.profile).exists() == approved


def test_numbers_handed_out_at_once_are_all_different():
    office = Institution.office(voivodeship("mazowieckie"))
    _at_once(
        lambda _i: services.submit_role_requests(
            user=UserFactory(),
            institution=office,
            roles=[Role.UW, Role.WOJEWODA],
            phone="600100200",
            email="a@b.pl",
        )
    )
    numbers = list(RoleRequest.objects.values_list("number", flat=True))
    assert len(numbers) == 2 * TABS == len(set(numbers))
