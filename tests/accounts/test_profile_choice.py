"""Choosing a profile after login (seed 003): "Jeżeli posiadasz kilka aktywnych profili …
przed rozpoczęciem pracy musisz wybrać spośród nich"; someone without a profile starts at
"Moje konto"."""

import pytest
from django.urls import reverse

from accounts.models import InstitutionKind, Profile, Role
from tests.accounts.conftest import malopolskie_office
from tests.factories import ProfileFactory, UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "haslo-testowe-123"
CHOOSE = reverse("accounts:choose_profile")


@pytest.fixture
def clerk_of_two_offices(mazowieckie, malopolskie):
    user = UserFactory(email="dwa.profile@example.pl")
    ProfileFactory(user=user, voivodeship=mazowieckie, roles=[Role.UW])
    ProfileFactory(user=user, voivodeship=malopolskie, roles=[Role.UW])
    return user


def log_in_with_password(client, user):
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302
    return response


def test_a_person_with_two_profiles_chooses_one_before_any_page(client, clerk_of_two_offices):
    log_in_with_password(client, clerk_of_two_offices)
    response = client.get(reverse("units:unit_list"))
    assert response.status_code == 302
    assert response.url.startswith(CHOOSE)
    page = client.get(response.url).content.decode()
    assert "Wybierz aktywny profil, w którym chcesz pracować" in page
    assert "Mazowiecki Urząd Wojewódzki w Warszawie" in page
    assert "Małopolski Urząd Wojewódzki w Krakowie" in page
    malopolskie = clerk_of_two_offices.profiles.get(voivodeship__name="małopolskie")
    chosen = client.post(CHOOSE, {"profile": malopolskie.pk, "next": reverse("units:unit_list")})
    assert chosen.url == reverse("units:unit_list")
    assert client.get(reverse("units:unit_list")).context["request"].profile == malopolskie


def test_the_profile_used_last_is_offered_first_at_the_next_login(client, clerk_of_two_offices):
    malopolskie = clerk_of_two_offices.profiles.get(voivodeship__name="małopolskie")
    log_in_with_password(client, clerk_of_two_offices)
    client.post(CHOOSE, {"profile": malopolskie.pk})
    client.post(reverse("account_logout"))
    log_in_with_password(client, clerk_of_two_offices)
    form = client.get(CHOOSE).context["form"]
    assert form.initial["profile"] == malopolskie.pk
    assert Profile.objects.get(pk=malopolskie.pk).last_used_at is not None
    # Without a choice made in this session, the pages would work in the one used last.
    assert client.get(CHOOSE).context["request"].profile == malopolskie


def test_a_choice_of_someone_elses_profile_is_refused_next_to_the_field(
    client, clerk_of_two_offices, uw_mazowieckie
):
    log_in_with_password(client, clerk_of_two_offices)
    response = client.post(CHOOSE, {"profile": uw_mazowieckie.profiles.get().pk})
    assert response.status_code == 200
    assert response.context["form"].errors["profile"]
    assert client.get(reverse("home")).url.startswith(CHOOSE)


def test_one_profile_needs_no_choice(client, uw_mazowieckie):
    log_in_with_password(client, uw_mazowieckie)
    assert client.get(reverse("units:unit_list")).status_code == 200
    assert client.get(CHOOSE).status_code == 302


def test_someone_without_a_profile_lands_on_the_start_screen_of_moje_konto(client, requester):
    response = log_in_with_password(client, requester)
    assert response.url == reverse("accounts:my_account")
    page = client.get(response.url).content.decode()
    assert "Witaj w systemie SMK" in page
    assert "Składam wniosek" in page


def test_a_requester_with_only_a_pending_request_also_starts_at_moje_konto(
    client, requester, submit
):
    submit(malopolskie_office(), [Role.UW])
    response = log_in_with_password(client, requester)
    assert response.url == reverse("accounts:my_account")
    assert requester.profiles.get().kind == InstitutionKind.VOIVODESHIP_OFFICE
