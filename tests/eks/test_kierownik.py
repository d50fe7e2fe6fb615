"""The kierownik specjalizacji (issue 17, item 2): a role of a training unit's profile,
requested and approved like every other role; the unit's staff appoint one for each started
specialization and change them, the date of each change kept."""

import datetime

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from accounts import services as accounts_services
from accounts.institutions import Institution
from accounts.models import Profile, Role, RoleRequest, RoleRequestStatus
from accounts.profiles import profiles_of
from eks import services
from eks.models import Appointment, Card
from smk.audit import history
from tests.accounts.conftest import upload
from tests.eks.conftest import profile_of, started_card
from tests.factories import TrainingUnitFactory, UserFactory, person_with_role

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


def appoint(card, kierownik, *, by, since=None, version=None):
    return services.appoint_kierownik(
        card.pk,
        version=version or Card.objects.get(pk=card.pk).version,
        kierownik_id=profile_of(kierownik).pk,
        since=since or TODAY(),
        user=by,
        profile=profile_of(by),
    )


class TestTheRole:
    def test_the_role_request_wizard_offers_kierownik_specjalizacji_for_a_training_unit(
        self, client_of, unit_mazowieckie
    ):
        client = client_of(UserFactory())
        key = Institution.training_unit(unit_mazowieckie).key
        client.post(reverse("accounts:request_select"), {"institution": key})
        response = client.get(reverse("accounts:request_roles"))
        choices = response.context["form"].fields["roles"].choices
        assert (Role.KIEROWNIK, "Kierownik specjalizacji") in choices
        assert [code for code, _label in choices] == [Role.UNIT_STAFF, Role.KIEROWNIK]

    def test_an_office_is_not_offered_the_role(self, client_of, mazowieckie):
        client = client_of(UserFactory())
        key = Institution.office(mazowieckie).key
        client.post(reverse("accounts:request_select"), {"institution": key})
        response = client.get(reverse("accounts:request_roles"))
        assert Role.KIEROWNIK not in dict(response.context["form"].fields["roles"].choices)

    def test_the_administrators_approval_makes_the_person_a_kierownik_of_the_unit(
        self, mfa_admin_client, unit_mazowieckie
    ):
        person = UserFactory()
        batch = accounts_services.submit_role_requests(
            user=person,
            institution=Institution.training_unit(unit_mazowieckie),
            roles=[Role.KIEROWNIK],
            phone="+48600100200",
            email=person.email,
        )
        accounts_services.attach_signed_file(batch.pk, user=person, upload=upload())
        request = batch.requests.get()
        assert profiles_of(person) == []
        response = mfa_admin_client.post(reverse("accounts:admin_approve", args=[request.pk]))
        assert response.status_code == 302
        request = RoleRequest.objects.get(pk=request.pk)
        assert request.status == RoleRequestStatus.APPROVED
        (profile,) = profiles_of(person)
        assert profile.unit == unit_mazowieckie and profile.has_role(Role.KIEROWNIK)
        assert list(services.kierownik_candidates(unit_mazowieckie.pk)) == [profile]


class TestAppointing:
    def test_the_units_staff_appoint_a_kierownik_kept_with_the_date(
        self, card, unit_staff, kierownik
    ):
        appointment = appoint(card, kierownik, by=unit_staff)
        assert appointment.since == TODAY() and appointment.until is None
        card = Card.objects.get(pk=card.pk)
        assert card.kierownik == profile_of(kierownik)
        (event,) = history(card)
        assert event.action == "eks.kierownik_appointed" and event.user == unit_staff
        assert event.data["kierownik"] == kierownik.get_full_name()

    def test_a_change_closes_the_current_appointment_on_the_day_of_the_change(
        self, card, unit_staff, kierownik, unit_mazowieckie
    ):
        first_day = TODAY() - datetime.timedelta(days=30)
        change_day = TODAY() - datetime.timedelta(days=3)
        appoint(card, kierownik, by=unit_staff, since=first_day)
        second = person_with_role(Role.KIEROWNIK, unit=unit_mazowieckie)
        appoint(card, second, by=unit_staff, since=change_day)
        old, new = Appointment.objects.filter(card=card).order_by("since")
        assert (old.kierownik.user, old.since, old.until) == (kierownik, first_day, change_day)
        assert (new.kierownik.user, new.since, new.until) == (second, change_day, None)
        changed = history(card).last()
        assert changed.action == "eks.kierownik_changed"
        assert changed.data["previous_kierownik"] == kierownik.get_full_name()
        assert changed.data["since"] == change_day.strftime("%d.%m.%Y")

    @pytest.mark.parametrize(
        ("since_days", "message"),
        [(1, "późniejsza niż dziś"), (-40, "nie może być wcześniejsza")],
    )
    def test_a_date_in_the_future_or_before_the_current_kierownik_is_refused(
        self, card, unit_staff, kierownik, unit_mazowieckie, since_days, message
    ):
        appoint(card, kierownik, by=unit_staff, since=TODAY() - datetime.timedelta(days=30))
        second = person_with_role(Role.KIEROWNIK, unit=unit_mazowieckie)
        with pytest.raises(services.EKSError) as error:
            appoint(card, second, by=unit_staff, since=TODAY() + datetime.timedelta(since_days))
        assert message in error.value.field_errors["since"]
        assert Appointment.objects.get(card=card).kierownik.user == kierownik

    def test_only_a_kierownik_of_the_cards_unit_can_be_appointed(self, card, unit_staff):
        elsewhere = person_with_role(Role.KIEROWNIK, unit=TrainingUnitFactory())
        staff_only = person_with_role(Role.UNIT_STAFF, unit=card.unit)
        for person in (elsewhere, staff_only):
            with pytest.raises(services.EKSError) as error:
                appoint(card, person, by=unit_staff)
            assert "kierownik" in error.value.field_errors
        assert not Appointment.objects.exists()

    def test_a_blocked_kierownik_cannot_be_appointed(self, card, unit_staff, kierownik):
        Profile.objects.filter(user=kierownik).update(blocked_at=timezone.now())
        with pytest.raises(services.EKSError):
            appoint(card, kierownik, by=unit_staff)

    def test_the_same_kierownik_again_is_refused(self, card, unit_staff, kierownik):
        appoint(card, kierownik, by=unit_staff)
        with pytest.raises(services.EKSError) as error:
            appoint(card, kierownik, by=unit_staff)
        assert "już kierownikiem" in error.value.field_errors["kierownik"]

    def test_another_units_staff_and_the_kierownik_cannot_appoint(
        self, card, kierownik, unit_mazowieckie
    ):
        other_staff = person_with_role(Role.UNIT_STAFF, unit=TrainingUnitFactory())
        for person in (other_staff, kierownik):
            with pytest.raises(services.EKSError) as error:
                appoint(card, kierownik, by=person)
            assert "jednostka szkoleniowa karty" in str(error.value)

    def test_a_form_from_before_another_change_is_refused_as_stale(
        self, card, unit_staff, kierownik, unit_mazowieckie
    ):
        shown = card.version
        appoint(card, kierownik, by=unit_staff)
        second = person_with_role(Role.KIEROWNIK, unit=unit_mazowieckie)
        with pytest.raises(services.StaleEKS):
            appoint(card, second, by=unit_staff, version=shown)
        assert Appointment.objects.get().kierownik.user == kierownik

    def test_the_database_keeps_one_current_kierownik_per_card(self, card, unit_staff, kierownik):
        appoint(card, kierownik, by=unit_staff)
        with pytest.raises(IntegrityError), transaction.atomic():
            Appointment.objects.create(card=card, kierownik=profile_of(kierownik), since=TODAY())


def test_a_kierownik_sees_the_cards_of_their_trainees_only(
    unit_mazowieckie, unit_staff, kierownik, applicant
):
    mine = started_card(unit_mazowieckie, applicant)
    not_mine = started_card(unit_mazowieckie, person_with_role(Role.APPLICANT))
    appoint(mine, kierownik, by=unit_staff)
    assert list(Card.objects.for_profile(profile_of(kierownik))) == [mine]
    # The unit's staff see every card of the unit.
    assert set(Card.objects.for_profile(profile_of(unit_staff))) == {mine, not_mine}
    # A profile with both roles works as the staff.
    both = profile_of(kierownik)
    both.roles.create(role=Role.UNIT_STAFF)
    both = Profile.objects.prefetch_related("roles").get(pk=both.pk)
    assert set(Card.objects.for_profile(both)) == {mine, not_mine}
