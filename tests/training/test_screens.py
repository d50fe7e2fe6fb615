"""The "Szkolenie w jednostce" screens: each operation by a unit's staff, bad input next to
the field, another unit's data never visible or writable, the wrong role 403."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from referrals.places import free_places
from smk.models import Event
from tests.factories import ScheduledStartFactory, TraineeFactory, UnitContactFactory, valid_pesel
from tests.training.conftest import NEXT_YEAR
from training.models import Integration, OfferedPlaces, ScheduledStart, Trainee, UnitContact

pytestmark = pytest.mark.django_db

START = datetime.date(NEXT_YEAR, 10, 1)


def csv_file(lines, name="osoby.csv"):
    return SimpleUploadedFile(name, ("\ufeff" + "\r\n".join(lines)).encode(), "text/csv")


def test_the_staff_save_their_unit_s_contact_data_and_notification_addresses(
    client_of, unit_staff, unit_mazowieckie
):
    client = client_of(unit_staff)
    response = client.post(
        reverse("training:contact"),
        {
            "contact_person": "Ewa Nowak",
            "phone": "22 123 45 67",
            "email": "sekretariat@szpital.example.pl",
            "notification_emails": "skierowania@szpital.example.pl\nkierownik@szpital.example.pl",
        },
    )
    assert response.status_code == 302
    contact = UnitContact.objects.get(unit=unit_mazowieckie)
    assert contact.notification_emails == [
        "skierowania@szpital.example.pl",
        "kierownik@szpital.example.pl",
    ]
    event = Event.objects.get(action="training.contact_saved")
    assert event.user == unit_staff
    assert event.acting_as == unit_mazowieckie.name
    page = client.get(reverse("training:contact")).content.decode()
    assert "kierownik@szpital.example.pl" in page


def test_a_wrong_address_is_named_next_to_its_field_and_nothing_is_saved(client_of, unit_staff):
    response = client_of(unit_staff).post(
        reverse("training:contact"),
        {
            "contact_person": "Ewa Nowak",
            "phone": "22 123 45 67",
            "email": "sekretariat@szpital.example.pl",
            "notification_emails": "to-nie-jest-adres",
        },
    )
    assert response.status_code == 200
    assert "to-nie-jest-adres" in response.context["form"].errors["notification_emails"][0]
    assert not UnitContact.objects.exists()


def test_the_staff_add_and_remove_starts_of_the_schedule(client_of, unit_staff, accreditation):
    client = client_of(unit_staff)
    response = client.post(
        reverse("training:schedule"),
        {"field": accreditation.field.code, "starts_on": START.isoformat(), "places": 2},
    )
    assert response.status_code == 302
    start = ScheduledStart.objects.get()
    assert (start.unit, start.starts_on, start.places) == (accreditation.unit, START, 2)
    assert START.strftime("%d.%m.%Y") in client.get(reverse("training:schedule")).content.decode()
    client.post(reverse("training:schedule_remove"), {"start": start.pk})
    assert not ScheduledStart.objects.exists()


def test_a_start_with_more_places_than_the_accreditation_is_refused_next_to_the_field(
    client_of, unit_staff, accreditation
):
    response = client_of(unit_staff).post(
        reverse("training:schedule"),
        {"field": accreditation.field.code, "starts_on": START.isoformat(), "places": 4},
    )
    assert response.status_code == 200
    assert "od 1 do 3" in response.context["form"].errors["places"][0]
    assert not ScheduledStart.objects.exists()


def test_another_unit_s_start_cannot_be_removed(client_of, unit_staff, other_accreditation):
    theirs = ScheduledStartFactory(accreditation=other_accreditation, starts_on=START)
    response = client_of(unit_staff).post(reverse("training:schedule_remove"), {"start": theirs.pk})
    assert response.status_code == 302
    assert ScheduledStart.objects.filter(pk=theirs.pk).exists()


def test_the_initial_load_from_a_csv_file_adds_the_trainees_and_holds_their_places(
    client_of, unit_staff, accreditation
):
    first, second = valid_pesel(), valid_pesel()
    client = client_of(unit_staff)
    response = client.post(
        reverse("training:trainees"),
        {
            "file": csv_file(
                [
                    "pesel;dziedzina;data_rozpoczecia;data_zakonczenia",
                    f"{first};{accreditation.field.code};01.10.2025;",
                    f"{second};{accreditation.field.name};2025-04-01;",
                ]
            )
        },
        follow=True,
    )
    assert "nowych osób 2" in response.content.decode()
    assert Trainee.objects.filter(unit=accreditation.unit).count() == 2
    assert free_places(accreditation) == 1
    assert first in client.get(reverse("training:trainees")).content.decode()


def test_a_file_with_one_bad_row_loads_nothing_and_names_the_row(
    client_of, unit_staff, accreditation
):
    code = accreditation.field.code
    response = client_of(unit_staff).post(
        reverse("training:trainees"),
        {
            "file": csv_file(
                [
                    "pesel;dziedzina;data_rozpoczecia",
                    f"{valid_pesel()};{code};2025-10-01",
                    f"12345678901;{code};2025-10-01",
                    f"{valid_pesel()};nieznana-dziedzina;2025-10-01",
                ]
            )
        },
    )
    assert response.status_code == 200
    errors = response.context["form"].errors["file"]
    assert errors[0].startswith("Wiersz 3, pesel: Niepoprawny PESEL")
    assert errors[1].startswith("Wiersz 4, dziedzina:")
    assert not Trainee.objects.exists()


def test_the_load_s_own_export_loaded_again_changes_nothing(client_of, unit_staff, accreditation):
    TraineeFactory(accreditation=accreditation)
    client = client_of(unit_staff)
    export = b"".join(client.get(reverse("training:trainees_csv")).streaming_content)
    assert export.startswith(b"\xef\xbb\xbfpesel;dziedzina;data_rozpoczecia;data_zakonczenia")
    upload = SimpleUploadedFile("osoby.csv", export, "text/csv")
    response = client.post(reverse("training:trainees"), {"file": upload}, follow=True)
    assert "nowych osób 0, zmienionych 0, bez zmian 1" in response.content.decode()
    assert not Event.objects.filter(action="training.trainees_loaded").exists()


def test_offered_places_above_the_free_places_are_refused_next_to_the_field(
    client_of, unit_staff, accreditation
):
    TraineeFactory(accreditation=accreditation)
    client = client_of(unit_staff)
    name = f"places_{accreditation.field.code}"
    refused = client.post(reverse("training:offered_places"), {name: 3})
    assert refused.status_code == 200
    assert "Najwyżej 2" in refused.context["form"].errors[name][0]
    assert not OfferedPlaces.objects.exists()
    saved = client.post(reverse("training:offered_places"), {name: 2})
    assert saved.status_code == 302
    assert OfferedPlaces.objects.get().places == 2


def test_activation_waits_for_the_data_and_the_schedule_then_the_integration_is_active(
    client_of, unit_staff, accreditation
):
    client = client_of(unit_staff)
    refused = client.post(reverse("training:activate"), follow=True).content.decode()
    assert "Integracji nie można jeszcze aktywować" in refused
    assert "harmonogram rozpoczęć" in refused
    assert not Integration.objects.active().exists()
    UnitContactFactory(unit=accreditation.unit)
    ScheduledStartFactory(accreditation=accreditation, starts_on=START)
    page = client.post(reverse("training:activate"), follow=True).content.decode()
    assert "Integracja jednostki jest aktywna od" in page
    integration = Integration.objects.get(unit=accreditation.unit)
    assert integration.activated_by == accreditation.unit.name


def test_another_unit_s_data_never_shows_on_the_staff_s_screens(
    client_of, unit_staff, accreditation, other_accreditation
):
    theirs = TraineeFactory(accreditation=other_accreditation)
    ScheduledStartFactory(accreditation=other_accreditation, starts_on=datetime.date(2031, 3, 3))
    UnitContactFactory(unit=other_accreditation.unit, contact_person="Cudza Osoba")
    client = client_of(unit_staff)
    for name in ("trainees", "schedule", "contact", "integration", "offered_places"):
        page = client.get(reverse(f"training:{name}")).content.decode()
        assert theirs.pesel not in page
        assert "03.03.2031" not in page
        assert "Cudza Osoba" not in page
    export = b"".join(client.get(reverse("training:trainees_csv")).streaming_content)
    assert theirs.pesel.encode() not in export


@pytest.mark.parametrize("name", ["integration", "contact", "schedule", "trainees"])
def test_the_office_cannot_open_the_unit_s_screens(client_of, uw_mazowieckie, name):
    assert client_of(uw_mazowieckie).get(reverse(f"training:{name}")).status_code == 403


@pytest.mark.parametrize("name", ["activate", "schedule_remove"])
def test_post_only_screens_answer_405_to_get(client_of, unit_staff, name):
    assert client_of(unit_staff).get(reverse(f"training:{name}")).status_code == 405
