""" "Mapa strony" is generated from the URL conf for the visitor's roles."""

import re

import pytest
from django.urls import reverse

from accounts.models import Role
from portal import sitemap
from tests.reliability.test_permission_matrix import ACTORS, GET, MATRIX, expected

pytestmark = pytest.mark.django_db


def links(response) -> dict[str, str]:
    main = re.search(r"<main.*?</main>", response.content.decode(), re.S).group(0)
    return dict(re.findall(r'<a href="([^"]+)">([^<]+)</a>', main))


def test_every_page_without_arguments_is_either_on_the_map_or_left_out_on_purpose():
    titled = sitemap.menu_titles().keys() | sitemap.TITLES.keys()
    unknown = [
        name
        for name, _route, _callback in sitemap.argumentless_patterns()
        if name not in titled and name not in sitemap.NOT_LISTED
    ]
    assert not unknown, (
        "Give these pages a title in portal/sitemap.py TITLES (or leave them out on purpose "
        f"in NOT_LISTED): {unknown}"
    )


def test_an_anonymous_visitor_sees_the_public_pages_and_the_way_in(client):
    found = links(client.get(reverse("portal:sitemap")))
    assert found[reverse("account_login")] == "Logowanie — mam już konto"
    assert found[reverse("portal:accessibility")] == "Deklaracja dostępności"
    assert found[reverse("accreditation:public_list")] == "Wykaz jednostek akredytowanych"
    assert reverse("accounts:my_account") not in found
    assert reverse("referrals:referral_list") not in found


def test_a_clerk_sees_the_office_pages_but_not_the_units_or_the_login_page(
    client_of, uw_mazowieckie
):
    found = links(client_of(uw_mazowieckie).get(reverse("portal:sitemap")))
    assert found[reverse("referrals:referral_list")] == "Skierowania na specjalizację"
    assert found[reverse("accounts:my_account")] == "Moje konto"
    assert reverse("referrals:unit_referral_list") not in found
    assert reverse("accounts:admin_queue") not in found
    assert reverse("account_login") not in found


ROLE_OF = {
    "uw_mazowieckie": Role.UW,
    "unit_staff": Role.UNIT_STAFF,
    "applicant": Role.APPLICANT,
    "administrator": Role.ADMINISTRATOR,
}


@pytest.mark.parametrize("person", list(ROLE_OF))
def test_the_map_lists_exactly_the_pages_the_permission_matrix_opens_for_the_role(
    request, client_of, person, fresh_cache
):
    user = request.getfixturevalue(person)
    listed = set(links(client_of(user).get(reverse("portal:sitemap"))))
    actor = ACTORS[person]
    for page in sitemap.all_pages():
        opens = 200 in expected(MATRIX[page.name], actor, "-", GET)
        if page.access == sitemap.ANONYMOUS:
            opens = False
        assert (page.url in listed) is opens, (person, page.name)
