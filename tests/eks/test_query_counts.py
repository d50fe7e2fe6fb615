"""The EKS's pages ask the database a fixed number of queries, however many entries, modules
and kierownicy a card has (issue 17, item 8; the same pages are timed in ``make bench``)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Role
from reference.models import ElementKind, ProgrammeElement, ProgrammeModule
from tests.eks.conftest import add, appoint, started_card, submit
from tests.factories import person_with_role

pytestmark = pytest.mark.django_db

#: The session, the user, the profiles with their roles, then the page's own.
CEILINGS = {"card": 10, "history": 5, "list": 5, "queue": 5}


def logged_in(client_of, user):
    """The client after a first page, which renews the session (once a minute)."""
    client = client_of(user)
    client.get(reverse("home"))
    return client


def count(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len([q for q in queries if q["sql"] not in ("BEGIN", "COMMIT")])


def grow(card, applicant, kierownik, unit_staff):
    """More of everything: entries of every kind, a second module, a change of kierownik."""
    entries = [add(card, applicant, kind) for kind in ElementKind.values for _ in range(3)]
    submit(card, applicant, *entries[:5])
    module = ProgrammeModule.objects.create(
        programme=card.programme, number=2, name="Moduł specjalistyczny"
    )
    for n in range(4):
        ProgrammeElement.objects.create(
            module=module, number=n, kind=ElementKind.COURSE, name=f"Kurs dodatkowy {n}"
        )
    appoint(card, person_with_role(Role.KIEROWNIK, unit=card.unit), unit_staff)
    appoint(card, kierownik, unit_staff)


@pytest.mark.parametrize("person", ["applicant", "kierownik", "unit_staff", "uw_mazowieckie"])
def test_the_card_and_its_history_do_not_grow_with_the_card(
    request, client_of, unit_mazowieckie, applicant, kierownik, unit_staff, person
):
    card = started_card(unit_mazowieckie, applicant)
    appoint(card, kierownik, unit_staff)
    submit(card, applicant, add(card, applicant))
    client = logged_in(client_of, request.getfixturevalue(person))
    pages = {
        "card": reverse("eks:card_detail", args=[card.pk]),
        "history": reverse("eks:card_history", args=[card.pk]),
        "list": reverse("eks:card_list") + "?status=",
    }
    small = {name: count(client, url) for name, url in pages.items()}
    grow(card, applicant, kierownik, unit_staff)
    for _ in range(5):
        started_card(unit_mazowieckie, person_with_role(Role.APPLICANT))
    large = {name: count(client, url) for name, url in pages.items()}
    assert large == small
    for name, queries in large.items():
        assert queries <= CEILINGS[name], (name, queries)


def test_the_kierownik_s_queue_does_not_grow_with_the_trainees(
    client_of, unit_mazowieckie, kierownik, unit_staff
):
    def trainee():
        applicant = person_with_role(Role.APPLICANT)
        card = started_card(unit_mazowieckie, applicant)
        appoint(card, kierownik, unit_staff)
        submit(card, applicant, add(card, applicant), add(card, applicant, ElementKind.PROCEDURE))

    trainee()
    client = logged_in(client_of, kierownik)
    small = count(client, reverse("eks:queue"))
    for _ in range(4):
        trainee()
    assert count(client, reverse("eks:queue")) == small <= CEILINGS["queue"]
