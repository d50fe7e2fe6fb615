import pytest
from django.urls import reverse

from accounts.models import InstitutionKind, Role
from tests.factories import (
    AccreditationFactory,
    ProfileFactory,
    TrainingUnitFactory,
    UserFactory,
    person_with_role,
)

pytestmark = pytest.mark.django_db


def nav_labels(response):
    return [item["label"] for item in response.context["menu"]]


def test_anonymous_visitor_is_sent_to_the_login_page(client):
    response = client.get(reverse("units:unit_list"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_login_is_by_email_and_password(client, uw_mazowieckie):
    response = client.post(
        reverse("account_login"),
        {"login": uw_mazowieckie.email.upper(), "password": "haslo-testowe-123"},
    )
    assert response.status_code == 302
    assert client.get(reverse("home")).context["user"] == uw_mazowieckie


def test_a_person_who_has_not_confirmed_the_address_is_not_logged_in(client):
    user = UserFactory(email_verified=False)
    response = client.post(
        reverse("account_login"), {"login": user.email, "password": "haslo-testowe-123"}
    )
    assert response.status_code == 302
    assert response.url == reverse("account_email_verification_sent")
    assert "_auth_user_id" not in client.session


def test_a_wrong_password_is_refused_with_a_message_and_no_session(client, uw_mazowieckie):
    response = client.post(
        reverse("account_login"), {"login": uw_mazowieckie.email, "password": "zle-haslo"}
    )
    assert response.status_code == 200
    assert "niepoprawne" in response.content.decode().lower()
    assert "_auth_user_id" not in client.session


def test_the_login_page_offers_registration_for_new_applicants(client):
    body = client.get(reverse("account_login")).content.decode()
    assert "Logowanie — mam już konto" in body
    assert reverse("account_signup") in body
    assert client.get(reverse("account_signup")).status_code == 200


def test_logout_needs_a_post_so_a_link_cannot_log_anyone_out(client_of, uw_mazowieckie):
    client = client_of(uw_mazowieckie)
    client.get(reverse("account_logout"))
    assert client.get(reverse("accounts:my_account")).status_code == 200
    client.post(reverse("account_logout"))
    assert client.get(reverse("accounts:my_account")).status_code == 302


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        (Role.UW, ["Jednostki szkoleniowe", "Moje konto"]),
        (Role.WOJEWODA, ["Jednostki szkoleniowe", "Moje konto"]),
        (Role.UNIT_STAFF, ["Jednostki szkoleniowe", "Moje konto"]),
        (Role.APPLICANT, ["Moje konto"]),
        (Role.ADMINISTRATOR, ["Jednostki szkoleniowe", "Moje konto"]),
    ],
)
def test_each_role_sees_its_menu(client_of, role, expected):
    response = client_of(person_with_role(role)).get(reverse("home"))
    labels = nav_labels(response)
    for label in expected:
        assert label in labels
    assert "Wyloguj" in response.content.decode()


def test_a_person_without_a_profile_sees_no_menu_and_is_forbidden_from_unit_pages(client_of):
    client = client_of(UserFactory())
    assert nav_labels(client.get(reverse("home"))) == []
    assert client.get(reverse("units:unit_list")).status_code == 403


def test_an_applicant_is_forbidden_from_the_unit_list(client_of, applicant):
    assert client_of(applicant).get(reverse("units:unit_list")).status_code == 403


def test_a_clerk_of_another_voivodeship_gets_404_for_a_mazowieckie_unit(
    client_of, uw_malopolskie, unit_mazowieckie
):
    url = reverse("units:unit_detail", args=[unit_mazowieckie.pk])
    assert client_of(uw_malopolskie).get(url).status_code == 404


def test_a_clerk_lists_only_units_of_their_voivodeship(
    client_of, uw_malopolskie, malopolskie, unit_mazowieckie
):
    own = TrainingUnitFactory(voivodeship=malopolskie)
    units = list(client_of(uw_malopolskie).get(reverse("units:unit_list")).context["object_list"])
    assert units == [own]


def test_unit_staff_see_their_own_unit_and_get_404_for_any_other(
    client_of, unit_staff, unit_mazowieckie
):
    client = client_of(unit_staff)
    other = TrainingUnitFactory(voivodeship=unit_mazowieckie.voivodeship)
    assert client.get(reverse("units:unit_detail", args=[unit_mazowieckie.pk])).status_code == 200
    assert client.get(reverse("units:unit_detail", args=[other.pk])).status_code == 404


def test_the_central_administrator_sees_units_of_every_voivodeship(
    client_of, administrator, unit_mazowieckie, malopolskie
):
    other = TrainingUnitFactory(voivodeship=malopolskie)
    client = client_of(administrator)
    for unit in (unit_mazowieckie, other):
        assert client.get(reverse("units:unit_detail", args=[unit.pk])).status_code == 200


def test_unit_page_shows_each_accreditation_with_its_free_places(
    client_of, uw_mazowieckie, unit_mazowieckie
):
    AccreditationFactory(unit=unit_mazowieckie, places=7)
    response = client_of(uw_mazowieckie).get(
        reverse("units:unit_detail", args=[unit_mazowieckie.pk])
    )
    (accreditation,) = response.context["accreditations"]
    assert accreditation.free_places == 7


def test_unit_list_runs_a_constant_number_of_queries_whatever_its_length(
    client_of, uw_mazowieckie, mazowieckie, django_assert_max_num_queries
):
    client = client_of(uw_mazowieckie)
    for _ in range(3):
        AccreditationFactory(unit=TrainingUnitFactory(voivodeship=mazowieckie))
    with django_assert_max_num_queries(12) as few:
        client.get(reverse("units:unit_list"))
    for _ in range(20):
        AccreditationFactory(unit=TrainingUnitFactory(voivodeship=mazowieckie))
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("units:unit_list"))


def test_unit_search_finds_a_unit_by_nip_written_with_dashes(
    client_of, uw_mazowieckie, mazowieckie
):
    unit = TrainingUnitFactory(voivodeship=mazowieckie, nip="1234563218")
    TrainingUnitFactory(voivodeship=mazowieckie)
    response = client_of(uw_mazowieckie).get(reverse("units:unit_list"), {"q": "123-456-32-18"})
    assert list(response.context["object_list"]) == [unit]


class TestPracujWProfilu:
    @pytest.fixture
    def two_offices(self, mazowieckie, malopolskie):
        user = person_with_role(Role.UW, voivodeship=mazowieckie)
        second = ProfileFactory(
            user=user,
            kind=InstitutionKind.VOIVODESHIP_OFFICE,
            voivodeship=malopolskie,
            roles=[Role.UW],
        )
        return user, second

    def test_the_header_offers_the_switch_only_to_a_person_with_several_profiles(
        self, client_of, two_offices, uw_malopolskie
    ):
        user, _ = two_offices
        assert "Pracuj w profilu" in client_of(user).get(reverse("home")).content.decode()
        client = client_of(uw_malopolskie)
        assert 'name="profile"' not in client.get(reverse("home")).content.decode()

    def test_switching_changes_what_the_person_can_see(self, client_of, two_offices, malopolskie):
        user, second = two_offices
        unit = TrainingUnitFactory(voivodeship=malopolskie)
        client = client_of(user)
        url = reverse("units:unit_detail", args=[unit.pk])
        assert client.get(url).status_code == 404
        response = client.post(reverse("accounts:switch_profile"), {"profile": second.pk})
        assert response.status_code == 302
        assert client.get(url).status_code == 200

    def test_nobody_can_switch_into_another_persons_profile(
        self, client_of, two_offices, uw_malopolskie, malopolskie
    ):
        _, someone_elses = two_offices
        client = client_of(uw_malopolskie)
        response = client.post(
            reverse("accounts:switch_profile"), {"profile": someone_elses.pk}, follow=True
        )
        assert "Wybierz jeden ze swoich profili" in response.content.decode()
        assert response.wsgi_request.profile.user == uw_malopolskie

    def test_switching_is_refused_on_get(self, client_of, two_offices):
        user, _ = two_offices
        assert client_of(user).get(reverse("accounts:switch_profile")).status_code == 405

    def test_moje_konto_lists_the_profiles_with_pracuj_w_profilu(self, client_of, two_offices):
        user, _ = two_offices
        body = client_of(user).get(reverse("accounts:my_account")).content.decode()
        assert "Aktywne profile" in body
        assert "mazowieckie" in body and "małopolskie" in body
        assert body.count("Pracuj w profilu") >= 2
