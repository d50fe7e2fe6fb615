"""The institutions' registry data (seed 003): on the role request's PDF, in the search of
"Wybór jednostki" ("Numer księgi rejestrowej" as a field and a column, sorting, page size),
in the catalogue's admin and in the API's unit data."""

import pytest
from django.urls import reverse

from accounts.institutions import Institution
from accounts.models import InstitutionKind, Role
from reference.models import TrainingUnit
from tests.accounts.test_pdf_and_numbering import pdf_text
from tests.factories import TrainingUnitFactory

pytestmark = pytest.mark.django_db

STEP1 = reverse("accounts:request_institution")


@pytest.fixture
def registered_unit():
    return TrainingUnitFactory(
        name="Laboratorium Szpitala Miejskiego w Poznaniu",
        street="os. Bolesława Śmiałego",
        building_number="106",
        postal_code="61-381",
        city="Poznań",
        teryt="3064011",
        county="Poznań",
        commune="Poznań-Nowe Miasto",
        register_book_number="000000016159",
        krs="0000123456",
    )


def test_the_role_requests_pdf_prints_the_units_full_registry_data(
    client_of, requester, submit, registered_unit
):
    batch = submit(Institution.training_unit(registered_unit), [Role.UNIT_STAFF])
    text = pdf_text(client_of(requester).get(reverse("accounts:request_pdf", args=[batch.pk])))
    for label, value in (
        ("Kod TERYT", "3064011"),
        ("Powiat", "Poznań"),
        ("Gmina", "Poznań-Nowe Miasto"),
        ("Miejscowość", "Poznań"),
        ("Kod pocztowy", "61-381"),
        ("Ulica", "os. Bolesława Śmiałego"),
        ("Numer budynku", "106"),
        ("Numer księgi rejestrowej", "000000016159"),
        ("Numer KRS", "0000123456"),
    ):
        assert label in text and value in text, label


def test_a_central_institution_prints_its_address_as_registry_data(client_of, requester, submit):
    batch = submit(Institution.central(), [Role.ADMINISTRATOR])
    text = pdf_text(client_of(requester).get(reverse("accounts:request_pdf", args=[batch.pk])))
    assert "ul. Stanisława Dubois" in text and "5A" in text and "00-184" in text
    assert "Numer KRS" not in text  # printed only where there is one


def test_the_search_finds_a_unit_by_its_register_book_number_and_shows_the_column(
    client_of, requester, registered_unit
):
    TrainingUnitFactory(register_book_number="000000099999")
    response = client_of(requester).get(STEP1, {"register_book_number": "000000016159"})
    assert [i.name for i in response.context["page_obj"]] == [registered_unit.name]
    page = response.content.decode()
    assert "Numer księgi rejestrowej" in page and "000000016159" in page


def test_a_register_book_number_with_letters_is_refused_next_to_the_field(client_of, requester):
    response = client_of(requester).get(STEP1, {"register_book_number": "ABC"})
    assert response.context["form"].errors["register_book_number"]
    assert response.context["page_obj"] is None


def test_units_sort_by_the_chosen_column_and_page_by_the_chosen_size(client_of, requester):
    for number in ("000000000003", "000000000001", "000000000002"):
        TrainingUnitFactory(register_book_number=number)
    client = client_of(requester)
    criteria = {"kind": InstitutionKind.TRAINING_UNIT, "sort": "ksiega"}
    found = [i.register_book_number for i in client.get(STEP1, criteria).context["page_obj"]]
    assert found == ["000000000001", "000000000002", "000000000003"]
    for _ in range(12):
        TrainingUnitFactory()
    assert len(client.get(STEP1, {**criteria, "per_page": 10}).context["page_obj"]) == 10
    assert len(client.get(STEP1, {**criteria, "per_page": 20}).context["page_obj"]) == 15
    wrong = client.get(STEP1, {**criteria, "per_page": 7})
    assert wrong.context["form"].errors["per_page"]


def test_the_demo_units_carry_registry_data(db):
    from reference import demo

    demo.seed_fixed_rows()
    fields = demo.seed_fields()
    demo.seed_units(fields)
    unit = TrainingUnit.objects.get(name=demo.DEMO_UNIT_NAME)
    assert unit.teryt == "1465011" and unit.county == unit.commune == "Warszawa"
    assert len(unit.register_book_number) == 12 and unit.building_number
    assert not TrainingUnit.objects.filter(teryt="").exists()
