"""„Wykaz jednostek akredytowanych”: public, searchable, exported as CSV, in every footer —
and only accreditations in force."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from accreditation.services import changes
from reference.models import Accreditation
from referrals.models import ReferralStatus
from tests.factories import AccreditationFactory, ReferralFactory, TrainingUnitFactory, voivodeship

pytestmark = pytest.mark.django_db

LIST = reverse("accreditation:public_list")
CSV = reverse("accreditation:public_list_csv")


@pytest.fixture
def units(db):
    radom = TrainingUnitFactory(name="Laboratorium Radomskie", city="Radom")
    krakow = TrainingUnitFactory(
        name="Laboratorium Krakowskie", city="Kraków", voivodeship=voivodeship("małopolskie")
    )
    return radom, krakow


def test_anyone_sees_the_accreditations_in_force_with_free_places(client, units, body):
    radom, krakow = units
    in_force = AccreditationFactory(unit=radom, places=3)
    ReferralFactory(
        unit=radom,
        field=in_force.field,
        status=ReferralStatus.ISSUED,
        voivodeship=radom.voivodeship,
    )
    AccreditationFactory(unit=krakow, valid_to=datetime.date(2023, 1, 1))  # expired
    withdrawn = AccreditationFactory(unit=krakow)
    changes.withdraw(
        Accreditation,
        withdrawn.pk,
        version=withdrawn.version,
        from_day=timezone.localdate(),
        reason="Utrata kadry.",
        user=body,
        profile=body.profiles.get(),
    )
    response = client.get(LIST)
    assert response.status_code == 200
    rows = list(response.context["accreditations"])
    assert rows == [in_force]
    assert rows[0].free_places == 2


def test_it_searches_by_unit_city_voivodeship_and_field(client, units):
    radom, krakow = units
    a = AccreditationFactory(unit=radom)
    b = AccreditationFactory(unit=krakow)
    found = lambda **q: list(client.get(LIST, q).context["accreditations"])  # noqa: E731
    assert found(q="radom") == [a]
    assert found(q="Krakowskie") == [b]
    assert found(voivodeship=krakow.voivodeship_id) == [b]
    assert found(field=a.field_id) == [a]


def test_the_csv_has_the_rows_of_the_search(client, units):
    radom, krakow = units
    AccreditationFactory(unit=radom, places=5, number="AK/CSV/1")
    AccreditationFactory(unit=krakow)
    response = client.get(CSV, {"q": "Radom"})
    content = b"".join(response.streaming_content).decode("utf-8-sig")
    lines = content.strip().splitlines()
    assert response["Content-Type"].startswith("text/csv")
    assert lines[0].startswith("Województwo;Jednostka szkoleniowa")
    assert len(lines) == 2 and "Laboratorium Radomskie" in lines[1] and "AK/CSV/1" in lines[1]


def test_every_page_links_it_from_the_footer(client, client_of, unit_staff):
    for page in (client.get(reverse("account_login")), client_of(unit_staff).get("/")):
        assert f'href="{LIST}"' in page.content.decode()
