"""The unit's data read through the API carries the catalogue's registry data (seed 003's
TERYT, powiat, gmina, numer księgi rejestrowej or KRS)."""

import pytest

from reference.models import TrainingUnit

pytestmark = pytest.mark.django_db


def test_the_units_system_reads_its_registry_data(unit_api, unit):
    TrainingUnit.objects.filter(pk=unit.pk).update(
        street="ul. Banacha",
        building_number="1a",
        teryt="1465011",
        county="Warszawa",
        commune="Warszawa",
        register_book_number="000000016159",
        krs="0000123456",
    )
    response = unit_api.get("/api/v1/unit/")
    assert response.status_code == 200
    assert response.json()["registry"] == {
        "teryt": "1465011",
        "voivodeship": "mazowieckie",
        "county": "Warszawa",
        "commune": "Warszawa",
        "city": unit.city,
        "postal_code": unit.postal_code,
        "street": "ul. Banacha",
        "building_number": "1a",
        "register_book_number": "000000016159",
        "krs": "0000123456",
    }
    assert response.json()["address"] == f"ul. Banacha 1a, {unit.postal_code} {unit.city}"
