"""What the office sees of the units' own data (integrated since when, the places they
offer), and where the unit's e-mails go once it gave addresses for them."""

import pytest
from django.urls import reverse
from django.utils import timezone

from referrals.models import ReferralStatus
from tests.factories import (
    AccreditationFactory,
    SessionFactory,
    SlotListFactory,
    TrainingUnitFactory,
    UnitContactFactory,
)
from tests.referrals.test_notifications import (  # noqa: F401
    act,
    recipients,
    referral_in,
    setting,
)
from training.models import Integration, OfferedPlaces

pytestmark = pytest.mark.django_db


def test_the_office_sees_which_units_are_integrated_and_since_when(
    client_of, uw_mazowieckie, accreditation, other_accreditation
):
    since = timezone.make_aware(timezone.datetime(2026, 11, 2, 9, 30))
    Integration.objects.create(unit=accreditation.unit, activated_at=since, activated_by="x")
    client = client_of(uw_mazowieckie)
    page = client.get(reverse("units:unit_list")).content.decode()
    assert "aktywna od 02.11.2026" in page
    assert "nieaktywna" in page  # the other unit
    detail = client.get(reverse("units:unit_detail", args=[accreditation.unit_id]))
    assert "aktywna od 02.11.2026" in detail.content.decode()


def test_the_slot_list_shows_per_field_what_the_voivodeship_s_units_offer(
    client_of, uw_mazowieckie, accreditation, other_accreditation, malopolskie
):
    OfferedPlaces.objects.create(unit=accreditation.unit, field=accreditation.field, places=2)
    OfferedPlaces.objects.create(
        unit=other_accreditation.unit, field=other_accreditation.field, places=1
    )
    elsewhere = AccreditationFactory(
        unit=TrainingUnitFactory(voivodeship=malopolskie), field=accreditation.field
    )
    OfferedPlaces.objects.create(unit=elsewhere.unit, field=elsewhere.field, places=7)
    slot_list = SlotListFactory(session=SessionFactory())
    client = client_of(uw_mazowieckie)
    edit = client.get(reverse("qualification:slot_list_edit", args=[slot_list.pk]))
    (declared,) = [d for field, _cells, d in edit.context["table"] if field == accreditation.field]
    assert (declared.places, declared.units) == (3, 2)
    assert "Oferowane przez jednostki" in edit.content.decode()
    detail = client.get(reverse("qualification:slot_list_detail", args=[slot_list.pk]))
    assert "3 <span" in detail.content.decode()


def test_a_unit_s_e_mails_go_to_the_addresses_it_gave_for_notifications(setting, act):  # noqa: F811
    UnitContactFactory(
        unit=setting["unit"],
        notification_emails=["skierowania@brodno.example.pl", "hr@brodno.example.pl"],
    )
    act("send", referral_in(setting, ReferralStatus.ASSIGNED))
    assert recipients() == [
        "anna.zielinska@example.pl",
        "hr@brodno.example.pl",
        "skierowania@brodno.example.pl",
    ]


def test_without_notification_addresses_the_unit_s_staff_are_told(setting, act):  # noqa: F811
    UnitContactFactory(unit=setting["unit"], notification_emails=[])
    act("send", referral_in(setting, ReferralStatus.ASSIGNED))
    assert "laboratorium@brodno.example.pl" in recipients()
