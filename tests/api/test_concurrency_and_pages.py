"""Two systems deciding one referral at once; the staff's page of their clients; the admin."""

import threading

import pytest
from django.db import connection

from accounts.models import Role
from referrals.models import ReferralStatus
from registry.models import EKS
from tests.api.conftest import Api, make_client, token_for
from tests.factories import person_with_role


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_clients_accepting_one_referral_at_once_one_wins_the_other_gets_409(unit, issued):
    referral = issued()
    apis = []
    for name in ("System A", "System B"):
        client, secret = make_client(unit=unit, name=name)
        apis.append(Api(token_for(client, secret)))
    barrier = threading.Barrier(2)
    codes = []

    def accept(api):
        try:
            barrier.wait()
            codes.append(api.post(f"/api/v1/referrals/{referral.pk}/accept/", {}).status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=accept, args=(api,)) for api in apis]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(codes) == [200, 409]
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.STARTED
    assert EKS.objects.filter(referral=referral).count() == 1


@pytest.mark.django_db
def test_unit_staff_see_their_clients_and_last_use_but_not_another_unit_s(client, unit, other_unit):
    own, secret = make_client(unit=unit, name="Nasz system HR")
    make_client(unit=other_unit, name="Cudzy system")
    Api(token_for(own, secret)).get("/api/v1/referrals/")
    staff = person_with_role(Role.UNIT_STAFF, unit=unit)
    client.force_login(staff)

    page = client.get("/api-klienci/").content.decode()

    assert "Nasz system HR" in page and own.application.client_id in page
    assert "Cudzy system" not in page
    assert "jeszcze nie używany" not in page
