import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from reference.models import Mode, Programme, Voivodeship
from referrals.models import ReferralStatus
from referrals.places import NoFreePlace, ensure_free_place, free_places, with_free_places
from tests.factories import (
    AccreditationFactory,
    FieldFactory,
    ProgrammeFactory,
    ReferralFactory,
    TrainingUnitFactory,
    mode,
)

pytestmark = pytest.mark.django_db


def test_all_sixteen_voivodeships_and_both_modes_are_there_after_migrating():
    assert Voivodeship.objects.count() == 16
    assert Voivodeship.objects.get(teryt="14").name == "mazowieckie"
    assert Voivodeship.objects.get(teryt="12").name == "małopolskie"
    assert set(Mode.objects.values_list("name", flat=True)) == {"rezydentura", "poza rezydenturą"}


def test_a_unit_with_a_wrong_nip_checksum_is_refused_with_a_message_on_the_nip():
    unit = TrainingUnitFactory.build(nip="1234563219")
    with pytest.raises(ValidationError) as error:
        unit.full_clean()
    assert "nip" in error.value.message_dict
    assert "cyfrą kontrolną" in error.value.message_dict["nip"][0]


def test_a_unit_with_a_wrong_regon_checksum_is_refused_with_a_message_on_the_regon():
    unit = TrainingUnitFactory.build(regon="123456786")
    with pytest.raises(ValidationError) as error:
        unit.full_clean()
    assert list(error.value.message_dict) == ["regon"]


def test_a_nip_typed_with_dashes_is_stored_in_its_compact_form():
    unit = TrainingUnitFactory.build(nip="123-456-32-18")
    unit.full_clean()
    assert unit.nip == "1234563218"


def test_a_postal_code_not_in_the_polish_format_is_refused():
    unit = TrainingUnitFactory.build(postal_code="00001")
    with pytest.raises(ValidationError) as error:
        unit.full_clean()
    assert list(error.value.message_dict) == ["postal_code"]


def test_the_database_refuses_negative_places_even_bypassing_forms():
    accreditation = AccreditationFactory(places=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        type(accreditation).objects.filter(pk=accreditation.pk).update(places=-1)


def test_overlapping_accreditations_of_one_unit_in_one_field_are_refused():
    first = AccreditationFactory(valid_from=datetime.date(2022, 1, 1), valid_to=None)
    second = AccreditationFactory.build(
        unit=first.unit, field=first.field, valid_from=datetime.date(2025, 1, 1)
    )
    with pytest.raises(ValidationError, match="nakłada się"):
        second.full_clean()


def test_only_programmes_in_force_on_a_day_are_offered():
    field = FieldFactory()
    old = ProgrammeFactory(
        field=field, valid_from=datetime.date(2018, 10, 1), valid_to=datetime.date(2023, 9, 30)
    )
    current = ProgrammeFactory(field=field, valid_from=datetime.date(2023, 10, 1))
    future = ProgrammeFactory(field=field, valid_from=datetime.date(2030, 1, 1))
    in_force = set(Programme.objects.in_force(datetime.date(2026, 11, 21)))
    assert current in in_force
    assert old not in in_force
    assert future not in in_force


def test_a_programme_ending_before_it_starts_is_refused_by_the_database():
    with pytest.raises(IntegrityError), transaction.atomic():
        ProgrammeFactory(valid_from=datetime.date(2025, 1, 1), valid_to=datetime.date(2024, 1, 1))


def test_free_places_count_only_referrals_of_that_unit_and_field_that_hold_a_place():
    accreditation = AccreditationFactory(places=5)
    same = {"unit": accreditation.unit, "field": accreditation.field}
    for status in ReferralStatus.values:
        ReferralFactory(status=status, **same)
    # Another field of the same unit and another unit in the same field hold nothing here.
    ReferralFactory(status=ReferralStatus.ASSIGNED, unit=accreditation.unit, field=FieldFactory())
    ReferralFactory(
        status=ReferralStatus.ASSIGNED, unit=TrainingUnitFactory(), field=accreditation.field
    )
    # Przydzielone, Wystawione and Specjalizacja rozpoczęta hold a place; the rest do not.
    assert free_places(accreditation) == 2
    annotated = with_free_places(type(accreditation).objects).get(pk=accreditation.pk)
    assert (annotated.held_places, annotated.free_places) == (3, 2)


@pytest.mark.django_db(transaction=True)
def test_deciding_on_a_place_outside_a_transaction_is_a_programming_error():
    accreditation = AccreditationFactory(places=1)
    with pytest.raises(transaction.TransactionManagementError):
        free_places(accreditation, lock=True)


def test_the_last_place_taken_leaves_no_free_place_and_the_next_caller_is_refused():
    accreditation = AccreditationFactory(places=1)
    with transaction.atomic():
        assert ensure_free_place(accreditation) == 1
        ReferralFactory(
            status=ReferralStatus.ASSIGNED, unit=accreditation.unit, field=accreditation.field
        )
    with pytest.raises(NoFreePlace), transaction.atomic():
        ensure_free_place(accreditation)
    assert free_places(accreditation) == 0


def test_accreditation_activity_follows_its_validity_dates():
    accreditation = AccreditationFactory(
        valid_from=datetime.date(2020, 1, 1), valid_to=datetime.date(2024, 12, 31)
    )
    assert not accreditation.is_active(datetime.date(2026, 1, 1))
    assert accreditation.is_active(datetime.date(2024, 12, 31))
    assert mode().code == Mode.RESIDENCY


@pytest.mark.parametrize(
    ("months", "start", "end"),
    [
        (48, datetime.date(2026, 10, 1), datetime.date(2030, 9, 30)),
        (42, datetime.date(2027, 1, 1), datetime.date(2030, 6, 30)),
        (60, datetime.date(2028, 2, 29), datetime.date(2033, 2, 27)),
    ],
)
def test_the_planned_end_is_proposed_from_the_programmes_duration(months, start, end):
    assert Programme(duration_months=months).planned_end_from(start) == end
