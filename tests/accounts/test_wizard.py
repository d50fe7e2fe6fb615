""" "Składam wniosek" in four steps (seed 003), each step's validation."""

import pytest
from django.urls import reverse

from accounts.institutions import ACCREDITING_BODY_NAME, CENTRAL_NAME, search_institutions
from accounts.models import InstitutionKind, Profile, ProfileStatus, Role, RoleRequest
from tests.factories import ProfileFactory, TrainingUnitFactory

pytestmark = pytest.mark.django_db

STEP1 = reverse("accounts:request_institution")
SELECT = reverse("accounts:request_select")
STEP2 = reverse("accounts:request_roles")
STEP3 = reverse("accounts:request_summary")


def choose(client, key):
    return client.post(SELECT, {"institution": key})


def body(response):
    return response.content.decode()


class TestStep1ChooseInstitution:
    def test_anonymous_visitor_is_sent_to_log_in(self, client):
        response = client.get(STEP1)
        assert response.status_code == 302
        assert response.url.startswith(reverse("account_login"))

    def test_lists_the_centre_the_accrediting_body_the_offices_and_the_units_with_wybierz(
        self, client_of, requester, mazowieckie
    ):
        unit = TrainingUnitFactory(name="Laboratorium Szpitala Bielańskiego")
        response = client_of(requester).get(STEP1)
        page = body(response)
        assert "Wybór jednostki" in page and "Wybierz" in page
        assert CENTRAL_NAME in page
        assert ACCREDITING_BODY_NAME in page
        assert "Dolnośląski Urząd Wojewódzki we Wrocławiu" in page
        assert response.context["page_obj"].paginator.count == 1 + 1 + 16 + 1
        assert unit.name not in page  # page 1 of 10 rows: the centre, CMKP and offices first
        last = client_of(requester).get(STEP1, {"page": 2})
        assert unit.name in body(last)

    @pytest.mark.parametrize(
        ("criteria", "expected"),
        [
            ({"kind": InstitutionKind.CENTRAL}, [CENTRAL_NAME]),
            ({"kind": InstitutionKind.ACCREDITING_BODY}, [ACCREDITING_BODY_NAME]),
            ({"nip": "701-990-00-12"}, [ACCREDITING_BODY_NAME]),
            ({"regon": "149900018"}, [ACCREDITING_BODY_NAME]),
            ({"name": "mazowiecki urząd"}, ["Mazowiecki Urząd Wojewódzki w Warszawie"]),
            ({"nip": "701-014-00-02"}, ["Mazowiecki Urząd Wojewódzki w Warszawie"]),
            ({"regon": "101212126"}, ["Małopolski Urząd Wojewódzki w Krakowie"]),
        ],
    )
    def test_searches_by_type_nip_regon_and_name(
        self, client_of, requester, mazowieckie, criteria, expected
    ):
        TrainingUnitFactory(name="Mazowiecki Urząd Wojewódzki — laboratorium?")
        response = client_of(requester).get(STEP1, {"kind": "", **criteria})
        found = [i.name for i in response.context["page_obj"]]
        if "name" in criteria:
            found = [n for n in found if "laboratorium" not in n]
        assert found == expected

    def test_finds_a_training_unit_by_its_nip_and_regon(self, client_of, requester):
        unit = TrainingUnitFactory()
        client = client_of(requester)
        for criteria in ({"nip": unit.nip}, {"regon": unit.regon}):
            response = client.get(STEP1, {"kind": InstitutionKind.TRAINING_UNIT, **criteria})
            assert [i.name for i in response.context["page_obj"]] == [unit.name]

    @pytest.mark.parametrize(
        ("field", "value", "message"),
        [
            ("nip", "1234567890", "Niepoprawny NIP"),
            ("regon", "123", "Niepoprawny REGON"),
            ("name", "a", "co najmniej 2 znaki"),
        ],
    )
    def test_bad_search_criteria_get_a_message_next_to_the_field(
        self, client_of, requester, field, value, message
    ):
        response = client_of(requester).get(STEP1, {field: value})
        assert response.context["form"].errors[field]
        assert message in body(response)
        assert response.context["page_obj"] is None

    def test_results_cost_a_fixed_number_of_queries(
        self, client_of, requester, django_assert_max_num_queries
    ):
        for _ in range(15):
            TrainingUnitFactory()
        client = client_of(requester)
        with django_assert_max_num_queries(12):
            client.get(STEP1, {"page": 2})

    def test_choosing_an_unknown_institution_is_refused(self, client_of, requester):
        response = choose(client_of(requester), "jednostka_szkoleniowa:999999")
        assert response.url == STEP1
        assert "role_request_wizard" not in client_of(requester).session

    def test_choosing_is_a_post(self, client_of, requester):
        assert client_of(requester).get(SELECT).status_code == 405

    def test_a_blocked_profile_takes_no_new_requests(
        self, client_of, requester, office_mazowieckie
    ):
        profile = ProfileFactory(user=requester, roles=[Role.UW])
        Profile.objects.filter(pk=profile.pk).update(blocked_at="2026-01-01T10:00:00Z")
        client = client_of(requester)
        response = choose(client, office_mazowieckie.key)
        assert response.url == STEP1
        assert "zablokowany" in body(client.get(STEP1))


class TestStep2RolesAndContact:
    def test_without_a_chosen_institution_goes_back_to_step_1(self, client_of, requester):
        assert client_of(requester).get(STEP2).url == STEP1

    def test_offers_only_the_roles_of_the_institution_kind(
        self, client_of, requester, office_mazowieckie
    ):
        client = client_of(requester)
        choose(client, office_mazowieckie.key)
        response = client.get(STEP2)
        assert [c[0] for c in response.context["form"].fields["roles"].choices] == [
            Role.UW,
            Role.WOJEWODA,
        ]
        assert "Mazowiecki Urząd Wojewódzki w Warszawie" in body(response)
        assert "Wybór ról i dane kontaktowe" in body(response)

    @pytest.mark.parametrize(
        ("data", "field", "message"),
        [
            ({"phone": "+48600100200", "email": "a@example.pl"}, "roles", "co najmniej jedną"),
            ({"roles": ["uw"], "phone": "12ab", "email": "a@example.pl"}, "phone", "telefonu"),
            ({"roles": ["uw"], "phone": "600 100", "email": "a@example.pl"}, "phone", "9 cyfr"),
            ({"roles": ["uw"], "phone": "600100200", "email": "nie-adres"}, "email", "e-mail"),
            ({"roles": ["jednostka"], "phone": "600100200", "email": "a@b.pl"}, "roles", ""),
        ],
    )
    def test_bad_input_is_refused_next_to_the_field(
        self, client_of, requester, office_mazowieckie, data, field, message
    ):
        client = client_of(requester)
        choose(client, office_mazowieckie.key)
        response = client.post(STEP2, data)
        assert response.status_code == 200
        assert field in response.context["form"].errors
        assert message in str(response.context["form"].errors[field])
        assert "roles" not in client.session["role_request_wizard"]

    def test_valid_choice_goes_to_the_summary(self, client_of, requester, office_mazowieckie):
        client = client_of(requester)
        choose(client, office_mazowieckie.key)
        response = client.post(
            STEP2, {"roles": ["uw", "wojewoda"], "phone": "600 100 200", "email": "A@Ex.pl"}
        )
        assert response.url == STEP3
        state = client.session["role_request_wizard"]
        assert state["roles"] == ["uw", "wojewoda"]
        assert state["phone"] == "600100200" and state["email"] == "a@ex.pl"


class TestStep3Summary:
    def _to_summary(self, client, key):
        choose(client, key)
        client.post(STEP2, {"roles": ["uw", "wojewoda"], "phone": "600100200", "email": "a@b.pl"})

    def test_shows_the_choices_with_links_back(self, client_of, requester, office_mazowieckie):
        client = client_of(requester)
        self._to_summary(client, office_mazowieckie.key)
        page = body(client.get(STEP3))
        for label in (
            "Podsumowanie i zapisanie wniosku",
            "Wybierz inną jednostkę",
            "Wybierz inne role",
            "Popraw dane",
            "Potwierdzam zgodność danych ze stanem faktycznym",
            "Urząd Wojewódzki",
            "Wojewoda",
        ):
            assert label in page

    def test_the_declaration_is_required(self, client_of, requester, office_mazowieckie):
        client = client_of(requester)
        self._to_summary(client, office_mazowieckie.key)
        response = client.post(STEP3, {})
        assert response.status_code == 200
        assert "Zapoznaj się z treścią oświadczenia" in body(response)
        assert not RoleRequest.objects.exists()

    def test_saving_numbers_each_role_and_opens_step_4(
        self, client_of, requester, office_mazowieckie
    ):
        client = client_of(requester)
        self._to_summary(client, office_mazowieckie.key)
        response = client.post(STEP3, {"declaration": "on"})
        requests = list(RoleRequest.objects.order_by("number"))
        assert [r.role for r in requests] == [Role.UW, Role.WOJEWODA]
        assert requests[0].batch_id == requests[1].batch_id
        assert response.url == reverse("accounts:request_download", args=[requests[0].batch_id])
        assert "role_request_wizard" not in client.session
        profile = requests[0].profile
        assert profile.user == requester and profile.voivodeship == office_mazowieckie.voivodeship
        assert profile.status == ProfileStatus.NOT_ACTIVATED
        assert (profile.contact_phone, profile.contact_email) == ("600100200", "a@b.pl")
        step4 = body(client.get(response.url))
        assert "Pobranie wniosku" in step4 and requests[1].number in step4

    def test_without_roles_goes_back_to_step_2(self, client_of, requester, office_mazowieckie):
        client = client_of(requester)
        choose(client, office_mazowieckie.key)
        assert client.get(STEP3).url == STEP2


class TestMoreRoles:
    def test_wnioskuj_o_inne_role_offers_only_roles_not_held(self, client_of, mazowieckie):
        user = ProfileFactory(roles=[Role.UW]).user
        profile = user.profiles.get()
        client = client_of(user)
        response = client.get(STEP2, {"profil": profile.pk})
        assert [c[0] for c in response.context["form"].fields["roles"].choices] == [Role.WOJEWODA]
        page = body(response)
        assert "Role, które już pełnisz w tej jednostce" in page
        assert "Wybór jednostki" not in page  # three steps for an existing profile
        client.post(STEP2, {"roles": ["wojewoda"], "phone": "600100200", "email": "a@b.pl"})
        response = client.post(STEP3, {"declaration": "on"})
        request = RoleRequest.objects.get()
        assert request.profile == profile and request.role == Role.WOJEWODA
        assert profile.status == ProfileStatus.ACTIVE  # the held role stays active

    def test_another_persons_profile_answers_404(self, client_of, requester, mazowieckie):
        other = ProfileFactory(roles=[Role.UW])
        assert client_of(requester).get(STEP2, {"profil": other.pk}).status_code == 404

    def test_a_role_already_asked_for_is_not_offered_again(
        self, client_of, requester, pending_uw_request, office_mazowieckie
    ):
        client = client_of(requester)
        choose(client, office_mazowieckie.key)
        response = client.get(STEP2)
        assert [c[0] for c in response.context["form"].fields["roles"].choices] == [Role.WOJEWODA]
        assert "Role, o które już wnioskujesz" in body(response)


def test_search_results_page_through_units_after_the_offices(mazowieckie):
    units = sorted(TrainingUnitFactory().name for _ in range(3))
    results = search_institutions()
    assert results.count() == 1 + 1 + 16 + 3
    assert [i.name for i in results[17:21]] == [results[17].name, *units]
    assert [i.name for i in results[19:20]] == [units[1]]
