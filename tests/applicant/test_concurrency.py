"""Several tabs of one applicant creating applications at the same moment, on PostgreSQL: the
service locks the applicant's account row and their applications of the session, so the rules
of seed 002 hold however the requests interleave."""

import threading

import pytest
from django.db import close_old_connections, connection

from qualification.models import Application, ApplicationStatus
from tests.applicant.conftest import create

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

TABS = 6


def test_concurrent_applications_leave_one_voivodeship_and_one_application_per_mode(
    applicant, session, field, residency, non_residency, units
):
    plans = [
        ("mazowieckie" if i % 2 else "małopolskie", residency if i % 3 else non_residency)
        for i in range(TABS)
    ]
    barrier = threading.Barrier(TABS, timeout=10)
    created, errors = [], []

    def tab(voivodeship_name, mode):
        try:
            barrier.wait()
            unit = units["maz1"] if voivodeship_name == "mazowieckie" else units["mal"]
            created.append(
                create(applicant, session, voivodeship_name, field, mode, [unit]).application.pk
            )
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=tab, args=plan) for plan in plans]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    close_old_connections()

    assert not errors, errors
    assert len(created) == TABS
    active = list(
        Application.objects.filter(applicant=applicant, session=session).exclude(
            status=ApplicationStatus.INACTIVE
        )
    )
    assert len({a.voivodeship_id for a in active}) == 1
    assert len([a.mode_id for a in active]) == len({a.mode_id for a in active})
    # The application created last is one of the active ones.
    newest = Application.objects.filter(pk__in=created).order_by("-pk").first()
    assert newest in active
