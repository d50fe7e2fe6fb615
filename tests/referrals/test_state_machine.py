"""Every status × action × role of SPEC §4, through the services."""

import datetime
import itertools

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django_fsm import TransitionNotAllowed

from accounts.models import Role
from referrals import services
from referrals.models import DecidedBy, DecisionKind, Referral, ReferralStatus
from referrals.places import free_places
from registry.models import EKS, EntryKind, RegisterEntry
from smk.models import Event
from tests.factories import (
    AccreditationFactory,
    ProgrammeFactory,
    ReferralFactory,
    TrainingUnitFactory,
    mode,
    person_with_role,
)

pytestmark = pytest.mark.django_db

S = ReferralStatus
START = datetime.date(2026, 10, 1)
END = datetime.date(2030, 9, 30)


@pytest.fixture
def setting(mazowieckie):
    unit = TrainingUnitFactory(voivodeship=mazowieckie)
    accreditation = AccreditationFactory(unit=unit, places=2)
    programme = ProgrammeFactory(field=accreditation.field, mode=mode())
    office = person_with_role(Role.UW, voivodeship=mazowieckie)
    staff = person_with_role(Role.UNIT_STAFF, unit=unit)
    return {
        "unit": unit,
        "accreditation": accreditation,
        "field": accreditation.field,
        "programme": programme,
        "office": office.profiles.get(),
        "staff": staff.profiles.get(),
    }


def referral_in(setting, status, *, decided_by=None, struck_off=False):
    """A referral in ``status`` with the data that status implies."""
    data = {"field": setting["field"], "mode": mode(), "status": status}
    if status != S.DRAFT:
        data |= {
            "unit": setting["unit"],
            "programme": setting["programme"],
            "planned_start": START,
            "planned_end": END,
        }
    if status == S.NOT_STARTED:
        data |= {
            "decision": DecisionKind.NOT_STARTED,
            "decided_by_kind": decided_by or DecidedBy.UNIT,
            "decision_justification": "Nie zgłosił się",
        }
    referral = ReferralFactory(**data)
    if struck_off:
        from registry.services import make_strike_off_entry

        make_strike_off_entry(referral, user=None, reason="x")
    return referral


def full_changes(setting):
    return services.Changes(
        unit=setting["unit"],
        programme=setting["programme"],
        planned_start=START,
        planned_end=END,
        fields={"unit", "programme", "planned_start", "planned_end"},
    )


def run(action, referral, setting, profile_key="office"):
    profile = setting[profile_key]
    kwargs = {"version": referral.version, "user": profile.user, "profile": profile}
    if action in {"save_draft", "assign", "send"}:
        kwargs["changes"] = full_changes(setting)
    if action in {"not_started", "reject", "unit_not_started"}:
        kwargs["justification"] = "Uzasadnienie"
    return services.ACTIONS[action](referral.pk, **kwargs)


#: (action, who, statuses it is open from). Everything else must be refused.
ALLOWED = {
    ("save_draft", "office"): {S.DRAFT, S.ASSIGNED},
    ("assign", "office"): {S.DRAFT, S.ASSIGNED},
    ("send", "office"): {S.ASSIGNED},
    ("withdraw", "office"): {S.ISSUED, S.NOT_STARTED},
    ("not_started", "office"): {S.DRAFT, S.ASSIGNED, S.ISSUED},
    ("strike_off", "office"): {S.NOT_STARTED},
    ("accept", "staff"): {S.ISSUED},
    ("reject", "staff"): {S.ISSUED},
    ("unit_not_started", "staff"): {S.ISSUED},
}


@pytest.mark.parametrize(
    ("action", "who", "status"),
    list(
        itertools.product(
            sorted({action for action, _who in ALLOWED}), ["office", "staff"], S.values
        )
    ),
)
def test_every_action_is_open_exactly_from_its_statuses_and_to_its_role(
    setting, action, who, status
):
    referral = referral_in(setting, status)
    allowed = status in ALLOWED.get((action, who), set())
    if allowed:
        run(action, referral, setting, who)
    else:
        before = Referral.objects.get(pk=referral.pk)
        with pytest.raises(services.ReferralError):
            run(action, referral, setting, who)
        after = Referral.objects.get(pk=referral.pk)
        assert (after.status, after.version) == (before.status, before.version)


def test_another_voivodeships_clerk_cannot_act(setting, malopolskie):
    referral = referral_in(setting, S.ASSIGNED)
    stranger = person_with_role(Role.UW, voivodeship=malopolskie).profiles.get()
    with pytest.raises(services.ReferralError):
        services.send(
            referral.pk,
            version=referral.version,
            changes=None,
            user=stranger.user,
            profile=stranger,
        )


def test_the_model_refuses_a_move_from_the_wrong_status_with_transition_not_allowed(setting):
    referral = referral_in(setting, S.DRAFT)
    with pytest.raises(TransitionNotAllowed):
        referral.send()


def test_the_status_cannot_be_set_directly(setting):
    referral = referral_in(setting, S.DRAFT)
    with pytest.raises(AttributeError):
        referral.status = S.STARTED


class TestPlaces:
    def test_assign_takes_a_place_and_save_draft_gives_it_back(self, setting):
        accreditation = setting["accreditation"]
        referral = referral_in(setting, S.DRAFT)
        run("assign", referral, setting)
        assert free_places(accreditation) == 1
        run("save_draft", Referral.objects.get(pk=referral.pk), setting)
        assert free_places(accreditation) == 2

    def test_reassigning_to_another_unit_moves_the_place(self, setting, mazowieckie):
        referral = referral_in(setting, S.DRAFT)
        run("assign", referral, setting)
        other = AccreditationFactory(
            unit=TrainingUnitFactory(voivodeship=mazowieckie), field=setting["field"], places=1
        )
        referral.refresh_from_db()
        changes = full_changes(setting)
        changes.unit = other.unit
        services.assign(
            referral.pk,
            version=referral.version,
            changes=changes,
            user=setting["office"].user,
            profile=setting["office"],
        )
        assert free_places(setting["accreditation"]) == 2
        assert free_places(other) == 0

    def test_reassigning_to_the_same_unit_does_not_take_a_second_place(self, setting):
        setting["accreditation"].places = 1
        setting["accreditation"].save()
        referral = referral_in(setting, S.DRAFT)
        run("assign", referral, setting)
        run("assign", Referral.objects.get(pk=referral.pk), setting)
        assert free_places(setting["accreditation"]) == 0

    def test_a_unit_without_free_places_is_refused_next_to_the_unit(self, setting):
        setting["accreditation"].places = 1
        setting["accreditation"].save()
        run("assign", referral_in(setting, S.DRAFT), setting)
        second = referral_in(setting, S.DRAFT)
        with pytest.raises(services.ReferralError) as error:
            run("assign", second, setting)
        assert "nie ma wolnych miejsc" in error.value.field_errors["unit"]
        assert Referral.objects.get(pk=second.pk).status == S.DRAFT

    @pytest.mark.parametrize(
        ("status", "action", "who", "held_after"),
        [
            (S.ISSUED, "withdraw", "office", 0),
            (S.ISSUED, "not_started", "office", 0),
            (S.ISSUED, "accept", "staff", 1),
            (S.ISSUED, "reject", "staff", 0),
            (S.ISSUED, "unit_not_started", "staff", 0),
            (S.ASSIGNED, "send", "office", 1),
        ],
    )
    def test_places_held_after_each_action(self, setting, status, action, who, held_after):
        referral = referral_in(setting, status)
        run(action, referral, setting, who)
        assert free_places(setting["accreditation"]) == 2 - held_after


class TestEffects:
    def test_send_needs_programme_and_dates_reported_next_to_each_field(self, setting):
        referral = ReferralFactory(
            field=setting["field"], mode=mode(), status=S.ASSIGNED, unit=setting["unit"]
        )
        with pytest.raises(services.ReferralError) as error:
            services.send(
                referral.pk,
                version=referral.version,
                changes=None,
                user=setting["office"].user,
                profile=setting["office"],
            )
        assert set(error.value.field_errors) == {"programme", "planned_start", "planned_end"}

    def test_end_before_start_is_refused(self, setting):
        referral = referral_in(setting, S.DRAFT)
        changes = full_changes(setting)
        changes.planned_end = START - datetime.timedelta(days=1)
        with pytest.raises(services.ReferralError) as error:
            services.save_draft(
                referral.pk,
                version=referral.version,
                changes=changes,
                user=setting["office"].user,
                profile=setting["office"],
            )
        assert "planned_end" in error.value.field_errors

    def test_a_unit_of_another_voivodeship_or_without_accreditation_is_refused(
        self, setting, malopolskie
    ):
        referral = referral_in(setting, S.DRAFT)
        for unit in (TrainingUnitFactory(voivodeship=malopolskie), TrainingUnitFactory()):
            changes = full_changes(setting)
            changes.unit = unit
            with pytest.raises(services.ReferralError) as error:
                services.save_draft(
                    referral.pk,
                    version=referral.version,
                    changes=changes,
                    user=setting["office"].user,
                    profile=setting["office"],
                )
            assert "unit" in error.value.field_errors

    def test_a_programme_of_another_field_is_refused(self, setting):
        referral = referral_in(setting, S.DRAFT)
        changes = full_changes(setting)
        changes.programme = ProgrammeFactory()
        with pytest.raises(services.ReferralError) as error:
            services.save_draft(
                referral.pk,
                version=referral.version,
                changes=changes,
                user=setting["office"].user,
                profile=setting["office"],
            )
        assert "programme" in error.value.field_errors

    def test_a_stale_form_is_refused_with_the_message_and_changes_nothing(self, setting):
        referral = referral_in(setting, S.DRAFT)
        run("save_draft", referral, setting)  # someone else saved meanwhile
        with pytest.raises(services.StaleReferral, match="zmienione przez innego użytkownika"):
            services.assign(
                referral.pk,
                version=referral.version,
                changes=full_changes(setting),
                user=setting["office"].user,
                profile=setting["office"],
            )
        assert Referral.objects.get(pk=referral.pk).status == S.DRAFT

    def test_office_non_commencement_is_final_with_a_strike_off_entry_and_no_eks(self, setting):
        referral = referral_in(setting, S.ISSUED)
        attachment = SimpleUploadedFile("decyzja.pdf", b"%PDF-1.4 test", "application/pdf")
        services.register_not_started(
            referral.pk,
            version=referral.version,
            justification="Rezygnacja",
            attachment=attachment,
            user=setting["office"].user,
            profile=setting["office"],
        )
        referral.refresh_from_db()
        assert referral.status == S.NOT_STARTED
        assert referral.decided_by_kind == DecidedBy.OFFICE
        assert referral.decision_attachment.name.endswith(".pdf")
        (entry,) = RegisterEntry.objects.filter(referral=referral)
        assert entry.kind == EntryKind.STRIKE_OFF
        assert not EKS.objects.exists()
        for action in ("withdraw", "strike_off"):
            with pytest.raises(services.ReferralError):
                run(action, referral, setting)

    def test_non_commencement_needs_a_justification(self, setting):
        referral = referral_in(setting, S.DRAFT)
        with pytest.raises(services.ReferralError) as error:
            services.register_not_started(
                referral.pk,
                version=referral.version,
                justification="  ",
                user=setting["office"].user,
                profile=setting["office"],
            )
        assert "justification" in error.value.field_errors

    def test_acceptance_creates_the_eks_and_a_start_entry(self, setting):
        referral = referral_in(setting, S.ISSUED)
        run("accept", referral, setting, "staff")
        referral.refresh_from_db()
        assert referral.status == S.STARTED
        eks = EKS.objects.get(referral=referral)
        assert (eks.unit, eks.programme, eks.planned_end) == (
            setting["unit"],
            setting["programme"],
            END,
        )
        assert RegisterEntry.objects.get(referral=referral).kind == EntryKind.START

    def test_rejection_keeps_the_decision_and_creates_a_new_draft_with_a_new_number(self, setting):
        referral = referral_in(setting, S.ISSUED)
        run("reject", referral, setting, "staff")
        referral.refresh_from_db()
        assert (referral.status, referral.decision) == (S.REJECTED, DecisionKind.REJECTED)
        new = referral.replaced_by
        assert new.status == S.DRAFT
        assert new.application == referral.application
        assert new.number != referral.number
        assert new.unit is None

    def test_unit_non_commencement_makes_no_entry_until_the_office_registers_it(self, setting):
        referral = referral_in(setting, S.ISSUED)
        run("unit_not_started", referral, setting, "staff")
        assert not RegisterEntry.objects.exists()
        referral.refresh_from_db()
        run("strike_off", referral, setting)
        assert RegisterEntry.objects.get(referral=referral).kind == EntryKind.STRIKE_OFF
        referral.refresh_from_db()
        with pytest.raises(services.ReferralError):
            run("withdraw", referral, setting)

    def test_withdrawing_a_unit_non_commencement_clears_the_decision_but_keeps_it_in_history(
        self, setting
    ):
        referral = referral_in(setting, S.ISSUED)
        run("unit_not_started", referral, setting, "staff")
        referral.refresh_from_db()
        run("withdraw", referral, setting)
        referral.refresh_from_db()
        assert (referral.status, referral.decision) == (S.DRAFT, "")
        event = Event.objects.for_object(referral).last()
        assert event.action == "referral.withdrawn"
        assert event.data["previous_decision"]["justification"] == "Uzasadnienie"

    def test_a_withdrawn_referral_is_not_visible_to_the_unit_any_more(self, setting):
        referral = referral_in(setting, S.ISSUED)
        assert Referral.objects.for_unit(setting["unit"].pk).filter(pk=referral.pk).exists()
        run("withdraw", referral, setting)
        assert not Referral.objects.for_unit(setting["unit"].pk).filter(pk=referral.pk).exists()

    def test_every_action_lands_in_history_with_old_and_new_status(self, setting):
        referral = referral_in(setting, S.DRAFT)
        run("assign", referral, setting)
        referral.refresh_from_db()
        run("send", referral, setting)
        events = list(Event.objects.for_object(referral))
        assert [(e.action, e.old_status, e.new_status) for e in events] == [
            ("referral.assigned", S.DRAFT, S.ASSIGNED),
            ("referral.sent", S.ASSIGNED, S.ISSUED),
        ]
        assert events[0].data["unit"][1] == str(setting["unit"])

    def test_a_failure_in_the_middle_of_an_action_leaves_nothing_changed(
        self, setting, monkeypatch
    ):
        referral = referral_in(setting, S.ISSUED)

        def broken(*args, **kwargs):
            raise RuntimeError("boom")

        monkeypatch.setattr("registry.services.make_start_entry", broken)
        with pytest.raises(RuntimeError):
            run("accept", referral, setting, "staff")
        referral.refresh_from_db()
        assert referral.status == S.ISSUED
        assert not EKS.objects.exists()
