"""The EKS's own state machine (issue 17, item 4): otwarta → przekazana do weryfikacji (the
kierownik confirmed the end) → zweryfikowana (the office: a register entry of the completed
specialization), or back to otwarta when the office returns it; the yearly training plan;
progress; every change in "Historia EKS"."""

import datetime

import pytest
from django_fsm import TransitionNotAllowed

from accounts.models import Role
from eks import services
from eks.models import Card, Entry, PlanItem
from eks.statuses import EntryStatus
from reference.models import ElementKind
from registry.models import EKSStatus, EntryKind, RegisterEntry
from smk.audit import history
from tests.eks.conftest import (
    add,
    appoint,
    confirm,
    element_of,
    fill,
    fresh,
    profile_of,
    started_card,
    submit,
    versions,
)
from tests.factories import person_with_role

pytestmark = pytest.mark.django_db


def complete(card, kierownik):
    return services.confirm_completion(
        card.pk, version=fresh(card).version, user=kierownik, profile=profile_of(kierownik)
    )


def verify(card, clerk):
    return services.verify(
        card.pk, version=fresh(card).version, user=clerk, profile=profile_of(clerk)
    )


def give_back(card, clerk, reason="Brak zaświadczenia o stażu"):
    return services.return_for_correction(
        card.pk,
        version=fresh(card).version,
        reason=reason,
        user=clerk,
        profile=profile_of(clerk),
    )


class TestProgress:
    def test_each_element_counts_its_confirmed_entries_and_what_waits(
        self, appointed, applicant, kierownik
    ):
        card, start = appointed, appointed.start_date
        # 10 days = 2 weeks begun: the 2-week internship is done by one entry.
        internship = add(
            card,
            applicant,
            ElementKind.INTERNSHIP,
            date_from=start,
            date_to=start + datetime.timedelta(days=9),
        )
        first = add(card, applicant, ElementKind.PROCEDURE, count=2)
        second = add(card, applicant, ElementKind.PROCEDURE, count=1)
        submit(card, applicant, internship, first, second)
        confirm(card, kierownik, internship, first)
        course, stay, procedure = fresh(card).progress.elements
        assert (course.done, course.confirmed, course.required) == (False, 0, 1)
        assert (stay.done, stay.confirmed, stay.required) == (True, 2, 2)
        assert (procedure.done, procedure.confirmed, procedure.waiting) == (False, 2, 1)
        assert fresh(card).progress.counts == {
            EntryStatus.CONFIRMED: 2,
            EntryStatus.SUBMITTED: 1,
        }


class TestConfirmingTheEnd:
    def test_refused_until_every_element_is_confirmed(self, appointed, applicant, kierownik):
        card = appointed
        add(card, applicant)
        with pytest.raises(services.EKSError) as error:
            complete(card, kierownik)
        assert "Nie wszystkie elementy programu" in str(error.value)
        assert fresh(card).status == EKSStatus.OPEN

    def test_refused_while_an_entry_waits_for_the_kierownik(self, appointed, applicant, kierownik):
        card = appointed
        fill(card, applicant, kierownik)
        submit(card, applicant, add(card, applicant, ElementKind.PROCEDURE))
        with pytest.raises(services.EKSError) as error:
            complete(card, kierownik)
        assert "oczekujące na potwierdzenie" in str(error.value)

    def test_the_kierownik_confirms_and_the_card_waits_for_the_office(
        self, appointed, applicant, kierownik
    ):
        card = appointed
        fill(card, applicant, kierownik)
        done = complete(card, kierownik)
        assert done.status == EKSStatus.SUBMITTED
        assert done.completion_confirmed_by == kierownik and done.completion_confirmed_at
        event = history(card).last()
        assert (event.action, event.old_status, event.new_status) == (
            "eks.completion_confirmed",
            EKSStatus.OPEN,
            EKSStatus.SUBMITTED,
        )

    def test_only_the_cards_kierownik_confirms_the_end(
        self, appointed, applicant, kierownik, unit_staff
    ):
        card = appointed
        fill(card, applicant, kierownik)
        for person in (applicant, unit_staff, person_with_role(Role.KIEROWNIK, unit=card.unit)):
            with pytest.raises(services.EKSError):
                complete(card, person)
        assert fresh(card).status == EKSStatus.OPEN

    def test_a_stale_page_is_refused(self, appointed, applicant, kierownik):
        card = appointed
        fill(card, applicant, kierownik)
        with pytest.raises(services.StaleEKS):
            services.confirm_completion(
                card.pk,
                version=fresh(card).version - 1,
                user=kierownik,
                profile=profile_of(kierownik),
            )

    def test_the_model_refuses_a_second_confirmation(self, appointed, applicant, kierownik):
        card = appointed
        fill(card, applicant, kierownik)
        complete(card, kierownik)
        with pytest.raises(TransitionNotAllowed):
            fresh(card).confirm_completion()
        with pytest.raises(services.EKSError):
            complete(card, kierownik)


@pytest.fixture
def submitted(appointed, applicant, kierownik):
    fill(appointed, applicant, kierownik)
    return complete(appointed, kierownik)


class TestVerification:
    def test_the_office_verifies_and_the_register_records_the_completed_specialization(
        self, submitted, uw_mazowieckie
    ):
        card = verify(submitted, uw_mazowieckie)
        assert card.status == EKSStatus.VERIFIED
        assert card.verified_by == uw_mazowieckie and card.verified_at
        entry = RegisterEntry.objects.get(referral=card.referral, kind=EntryKind.COMPLETION)
        assert entry.created_by == uw_mazowieckie and card.number in entry.reason
        assert entry.get_kind_display() == "Ukończenie szkolenia specjalizacyjnego"
        event = history(card).last()
        assert event.action == "eks.verified" and event.data["register_entry"] == entry.number

    def test_the_wojewoda_may_verify_too(self, submitted, wojewoda_mazowieckie):
        assert verify(submitted, wojewoda_mazowieckie).status == EKSStatus.VERIFIED

    def test_another_voivodeship_the_unit_and_the_kierownik_cannot_verify(
        self, submitted, uw_malopolskie, unit_staff, kierownik
    ):
        for person in (uw_malopolskie, unit_staff, kierownik):
            with pytest.raises(services.EKSError):
                verify(submitted, person)
        assert not RegisterEntry.objects.filter(kind=EntryKind.COMPLETION).exists()

    def test_an_open_card_cannot_be_verified_nor_returned(self, appointed, uw_mazowieckie):
        with pytest.raises(services.EKSError):
            verify(appointed, uw_mazowieckie)
        with pytest.raises(services.EKSError):
            give_back(appointed, uw_mazowieckie)

    def test_a_verified_card_is_final(self, submitted, uw_mazowieckie, unit_staff, kierownik):
        card = verify(submitted, uw_mazowieckie)
        for action in (verify, give_back):
            with pytest.raises(services.EKSError):
                action(card, uw_mazowieckie)
        with pytest.raises(services.EKSError) as error:
            services.appoint_kierownik(
                card.pk,
                version=fresh(card).version,
                kierownik_id=profile_of(person_with_role(Role.KIEROWNIK, unit=card.unit)).pk,
                since=datetime.date.today(),
                user=unit_staff,
                profile=profile_of(unit_staff),
            )
        assert "zweryfikowana" in str(error.value)
        with pytest.raises(TransitionNotAllowed):
            fresh(card).return_for_correction()


class TestReturnForCorrection:
    def test_a_reason_is_required(self, submitted, uw_mazowieckie):
        with pytest.raises(services.EKSError) as error:
            give_back(submitted, uw_mazowieckie, reason=" ")
        assert "powód zwrotu" in error.value.field_errors["reason"]
        assert fresh(submitted).status == EKSStatus.SUBMITTED

    def test_the_card_goes_back_open_with_the_reason_and_is_confirmed_again(
        self, submitted, uw_mazowieckie, applicant, kierownik
    ):
        card = give_back(submitted, uw_mazowieckie)
        assert card.status == EKSStatus.OPEN
        assert card.return_reason == "Brak zaświadczenia o stażu"
        assert card.completion_confirmed_at is None
        event = history(card).last()
        assert (event.action, event.data["reason"]) == (
            "eks.returned",
            "Brak zaświadczenia o stażu",
        )
        # The kierownik sends a confirmed entry back; the diagnostician corrects it.
        internship = Entry.objects.get(element=element_of(card, ElementKind.INTERNSHIP))
        services.reject_entry(
            internship.pk,
            version=internship.version,
            reason="Dołącz zaświadczenie ze stażu",
            user=kierownik,
            profile=profile_of(kierownik),
        )
        with pytest.raises(services.EKSError):
            complete(card, kierownik)
        internship = Entry.objects.get(pk=internship.pk)
        services.correct_entry(
            internship.pk,
            version=internship.version,
            date_from=internship.date_from,
            date_to=internship.date_to,
            place=internship.place,
            user=applicant,
            profile=profile_of(applicant),
        )
        submit(card, applicant, internship)
        confirm(card, kierownik, internship)
        assert complete(card, kierownik).status == EKSStatus.SUBMITTED
        assert verify(card, uw_mazowieckie).status == EKSStatus.VERIFIED


class TestYearlyPlan:
    def plan(self, card, kierownik, years, version=None):
        return services.save_plan(
            card.pk,
            version=version or fresh(card).version,
            years=years,
            user=kierownik,
            profile=profile_of(kierownik),
        )

    def test_the_kierownik_plans_elements_in_years_not_begun(
        self, unit_mazowieckie, applicant, unit_staff, kierownik
    ):
        # Started a year and a half ago: both years of the 2-year programme have begun.
        card = started_card(
            unit_mazowieckie,
            applicant,
            start=datetime.date.today() - datetime.timedelta(days=550),
        )
        appoint(card, kierownik, unit_staff)
        course = element_of(card, ElementKind.COURSE).pk
        assert card.programme.duration_years == 2
        with pytest.raises(services.EKSError) as error:
            self.plan(card, kierownik, {course: 2})
        assert "już się rozpoczął" in error.value.field_errors[f"element_{course}"]
        with pytest.raises(services.EKSError) as error:
            self.plan(card, kierownik, {course: 3})
        assert "od 1 do 2" in error.value.field_errors[f"element_{course}"]
        assert not PlanItem.objects.exists()

    def test_a_plan_is_saved_changed_while_its_year_has_not_begun_and_logged(
        self, unit_mazowieckie, applicant, unit_staff, kierownik
    ):
        card = started_card(
            unit_mazowieckie, applicant, start=datetime.date.today() + datetime.timedelta(days=5)
        )
        appoint(card, kierownik, unit_staff)
        course, internship, procedure = (element_of(card, kind).pk for kind in ElementKind.values)
        changed = self.plan(card, kierownik, {course: 1, internship: 2, procedure: None})
        assert changed == {
            "Kurs wprowadzający": ["—", "rok 1"],
            "Staż w pracowni": ["—", "rok 2"],
        }
        self.plan(card, kierownik, {course: 2, internship: None})
        assert dict(PlanItem.objects.values_list("element_id", "year")) == {course: 2}
        events = [e for e in history(card) if e.action == "eks.plan_saved"]
        assert events[-1].data == {
            "Kurs wprowadzający": "rok 1 → rok 2",
            "Staż w pracowni": "rok 2 → —",
        }

    def test_once_the_first_year_began_it_is_fixed_and_the_second_stays_editable(
        self, unit_mazowieckie, applicant, unit_staff, kierownik
    ):
        card = started_card(
            unit_mazowieckie, applicant, start=datetime.date.today() + datetime.timedelta(days=2)
        )
        appoint(card, kierownik, unit_staff)
        course, internship, _procedure = (element_of(card, kind).pk for kind in ElementKind.values)
        self.plan(card, kierownik, {course: 1, internship: 2})
        # Three months later the first year runs; the second has not begun.
        Card.objects.filter(pk=card.pk).update(
            start_date=datetime.date.today() - datetime.timedelta(days=90)
        )
        with pytest.raises(services.EKSError) as error:
            self.plan(card, kierownik, {course: 2})
        assert "Rok 1 szkolenia już się rozpoczął" in error.value.field_errors[f"element_{course}"]
        with pytest.raises(services.EKSError) as error:
            self.plan(card, kierownik, {internship: 1})
        assert (
            "Rok 1 szkolenia już się rozpoczął" in error.value.field_errors[f"element_{internship}"]
        )
        assert self.plan(card, kierownik, {internship: None}) == {"Staż w pracowni": ["rok 2", "—"]}
        assert dict(PlanItem.objects.values_list("element_id", "year")) == {course: 1}

    def test_only_the_kierownik_plans_and_a_stale_plan_is_refused(
        self, appointed, kierownik, unit_staff, applicant
    ):
        course = element_of(appointed, ElementKind.COURSE).pk
        for person in (unit_staff, applicant):
            with pytest.raises(services.EKSError):
                self.plan(appointed, person, {course: 2})
        with pytest.raises(services.StaleEKS):
            self.plan(appointed, kierownik, {course: 2}, version=fresh(appointed).version - 1)


def test_the_history_tells_the_whole_story_with_who_and_what(
    submitted, uw_mazowieckie, applicant, kierownik, unit_staff
):
    verify(submitted, uw_mazowieckie)
    events = list(history(submitted))
    assert [e.action for e in events] == [
        "eks.kierownik_appointed",
        "eks.entry_added",
        "eks.entry_added",
        "eks.entry_added",
        "eks.entries_submitted",
        "eks.entries_confirmed",
        "eks.completion_confirmed",
        "eks.verified",
    ]
    assert [e.user for e in events] == [
        unit_staff,
        applicant,
        applicant,
        applicant,
        applicant,
        kierownik,
        kierownik,
        uw_mazowieckie,
    ]
    assert all(e.acting_as for e in events)
    assert versions(*Entry.objects.all())  # the entries are still there, confirmed
