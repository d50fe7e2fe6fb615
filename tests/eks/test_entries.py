"""The entries of an EKS (issue 17, items 3–4): the diagnostician enters courses, internships
and procedures with their certificates and passes them on; the kierownik confirms (many at
once) or rejects them with a reason. Every entry has its own status; every action is one
transaction and a stale form changes nothing."""

import datetime

import pytest
from django.core.files.storage import default_storage
from django_fsm import TransitionNotAllowed

from accounts.models import Role
from eks import services
from eks.models import Entry
from eks.statuses import EntryStatus
from reference.models import ElementKind
from smk.audit import history
from tests.eks.conftest import (
    add,
    appoint,
    certificate,
    confirm,
    element_of,
    fill,
    fresh,
    profile_of,
    programme_with_elements,
    started_card,
    submit,
    versions,
)
from tests.factories import TrainingUnitFactory, person_with_role

pytestmark = pytest.mark.django_db


def test_the_diagnostician_enters_a_course_with_its_certificate(card, applicant):
    entry = add(card, applicant, ElementKind.COURSE)
    assert entry.status == EntryStatus.ENTERED
    assert entry.certificate_name == "zaswiadczenie.pdf" and entry.certificate_type
    assert default_storage.exists(entry.certificate.name)
    assert "zaswiadczenie" not in entry.certificate.name.rsplit("/", 1)[-1]  # never the name
    (event,) = history(card)
    assert event.action == "eks.entry_added" and event.user == applicant
    assert event.data["entry"].startswith("Kurs wprowadzający (")


def test_a_procedures_entry_records_how_many_and_needs_no_certificate(card, applicant):
    entry = add(card, applicant, ElementKind.PROCEDURE, count=2)
    assert (entry.count, entry.certificate.name) == (2, "")
    assert history(card).get().data["count"] == "2"


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({"date_from": -1}, "date_from", "wcześniejsza niż rozpoczęcie szkolenia"),
        ({"date_to": 400}, "date_to", "nie może być z przyszłości"),
        ({"date_from": 30, "date_to": 20}, "date_to", "wcześniejsza niż rozpoczęcia"),
        ({"place": "   "}, "place", "Podaj miejsce"),
        ({"certificate": None}, "certificate", "Dołącz zaświadczenie"),
    ],
)
def test_bad_values_are_refused_next_to_their_field_and_nothing_is_kept(
    card, applicant, values, field, message
):
    for name in ("date_from", "date_to"):
        if name in values:
            values[name] = card.start_date + datetime.timedelta(days=values[name])
    with pytest.raises(services.EKSError) as error:
        add(card, applicant, ElementKind.INTERNSHIP, **values)
    assert message in error.value.field_errors[field]
    assert not Entry.objects.exists() and not history(card).exists()


@pytest.mark.parametrize("count", [None, 0, 1000])
def test_a_procedures_entry_without_a_sensible_count_is_refused(card, applicant, count):
    with pytest.raises(services.EKSError) as error:
        add(card, applicant, ElementKind.PROCEDURE, count=count)
    assert "liczbę wykonanych procedur" in error.value.field_errors["count"]


def test_an_element_of_another_programme_is_refused(card, applicant):
    other = programme_with_elements()
    element = other.modules.get().elements.get(kind=ElementKind.COURSE)
    with pytest.raises(services.EKSError) as error:
        services.add_entry(
            card.pk,
            element_id=element.pk,
            date_from=card.start_date,
            date_to=card.start_date,
            place="Gdzieś",
            certificate=certificate(),
            content_type="application/pdf",
            user=applicant,
            profile=profile_of(applicant),
        )
    assert "element" in error.value.field_errors


def test_only_the_cards_diagnostician_enters(card, kierownik, unit_staff):
    for person in (person_with_role(Role.APPLICANT), kierownik, unit_staff):
        with pytest.raises(services.EKSError) as error:
            add(card, person, ElementKind.COURSE)
        assert "Diagnosta" in str(error.value)


def test_an_entered_entry_is_corrected_and_its_old_certificate_removed_after_commit(
    card, applicant, django_capture_on_commit_callbacks
):
    entry = add(card, applicant, ElementKind.INTERNSHIP)
    old_file = entry.certificate.name
    with django_capture_on_commit_callbacks(execute=True):
        corrected = services.correct_entry(
            entry.pk,
            version=entry.version,
            date_from=entry.date_from,
            date_to=entry.date_to + datetime.timedelta(days=7),
            place="Szpital Bródnowski",
            certificate=certificate("nowe.pdf"),
            content_type="application/pdf",
            user=applicant,
            profile=profile_of(applicant),
        )
    assert corrected.status == EntryStatus.ENTERED and corrected.version == entry.version + 1
    assert corrected.place == "Szpital Bródnowski" and corrected.certificate_name == "nowe.pdf"
    assert not default_storage.exists(old_file)
    assert default_storage.exists(corrected.certificate.name)
    event = history(card).last()
    assert event.action == "eks.entry_corrected"
    assert "Szpital Bródnowski" in event.data["changed_place"]
    assert event.data["changed_certificate"] == "zaswiadczenie.pdf → nowe.pdf"


def test_a_correction_keeps_the_certificate_when_no_new_one_comes(card, applicant):
    entry = add(card, applicant, ElementKind.COURSE)
    corrected = services.correct_entry(
        entry.pk,
        version=entry.version,
        date_from=entry.date_from,
        date_to=entry.date_to,
        place="Inne miejsce",
        user=applicant,
        profile=profile_of(applicant),
    )
    assert corrected.certificate.name == entry.certificate.name


def test_only_an_entered_entry_can_be_deleted_and_its_file_goes_after_commit(
    appointed, applicant, kierownik, django_capture_on_commit_callbacks
):
    card = appointed
    entry = add(card, applicant, ElementKind.COURSE)
    kept = add(card, applicant, ElementKind.INTERNSHIP)
    submit(card, applicant, kept)
    with pytest.raises(services.EKSError):
        services.delete_entry(
            kept.pk, version=versions(kept)[kept.pk], user=applicant, profile=profile_of(applicant)
        )
    with django_capture_on_commit_callbacks(execute=True):
        services.delete_entry(
            entry.pk, version=entry.version, user=applicant, profile=profile_of(applicant)
        )
    assert not Entry.objects.filter(pk=entry.pk).exists()
    assert not default_storage.exists(entry.certificate.name)
    assert history(card).last().action == "eks.entry_deleted"


def test_passing_entries_on_puts_them_in_the_kierownik_s_queue(appointed, applicant):
    card = appointed
    course, internship = add(card, applicant), add(card, applicant, ElementKind.INTERNSHIP)
    submit(card, applicant, course, internship)
    for entry in Entry.objects.all():
        assert entry.status == EntryStatus.SUBMITTED and entry.submitted_at
    event = history(card).last()
    assert event.action == "eks.entries_submitted" and event.data["entries"].count("\n") == 1


def test_the_kierownik_confirms_many_entries_at_once_in_one_event(appointed, applicant, kierownik):
    card = appointed
    entries = [add(card, applicant, kind) for kind in ElementKind.values]
    submit(card, applicant, *entries)
    confirm(card, kierownik, *entries)
    assert set(Entry.objects.values_list("status", "decided_by")) == {
        (EntryStatus.CONFIRMED, kierownik.pk)
    }
    assert [e.action for e in history(card)][-1:] == ["eks.entries_confirmed"]
    assert fresh(card).progress.complete


def test_a_stale_entry_refuses_the_whole_confirmation(appointed, applicant, kierownik):
    card = appointed
    first, second = add(card, applicant), add(card, applicant, ElementKind.INTERNSHIP)
    submit(card, applicant, first, second)
    shown = versions(first, second)
    shown[second.pk] -= 1  # the page was shown before the last change of the second entry
    with pytest.raises(services.StaleEKS):
        services.confirm_entries(
            card.pk, versions=shown, user=kierownik, profile=profile_of(kierownik)
        )
    assert set(Entry.objects.values_list("status", flat=True)) == {EntryStatus.SUBMITTED}


def test_a_deleted_entry_in_the_confirmation_is_stale(appointed, applicant, kierownik):
    card = appointed
    entry = add(card, applicant)
    submit(card, applicant, entry)
    with pytest.raises(services.StaleEKS):
        services.confirm_entries(
            card.pk,
            versions={**versions(entry), 999999: 1},
            user=kierownik,
            profile=profile_of(kierownik),
        )


def test_confirming_twice_is_refused(appointed, applicant, kierownik):
    card = appointed
    entry = add(card, applicant)
    submit(card, applicant, entry)
    confirm(card, kierownik, entry)
    with pytest.raises(services.EKSError) as error:
        confirm(card, kierownik, entry)
    assert "potwierdzony" in str(error.value)


def test_only_the_appointed_kierownik_confirms(appointed, applicant, unit_staff):
    card = appointed
    entry = add(card, applicant)
    submit(card, applicant, entry)
    not_appointed = person_with_role(Role.KIEROWNIK, unit=card.unit)
    elsewhere = person_with_role(Role.KIEROWNIK, unit=TrainingUnitFactory())
    for person in (not_appointed, elsewhere, unit_staff, applicant):
        with pytest.raises(services.EKSError):
            confirm(card, person, entry)
    assert Entry.objects.get().status == EntryStatus.SUBMITTED


def test_a_new_kierownik_takes_over_the_queue(appointed, applicant, kierownik, unit_staff):
    card = appointed
    entry = add(card, applicant)
    submit(card, applicant, entry)
    successor = person_with_role(Role.KIEROWNIK, unit=card.unit)
    appoint(card, successor, unit_staff)
    with pytest.raises(services.EKSError):
        confirm(card, kierownik, entry)
    confirm(card, successor, entry)


def test_a_rejection_needs_a_reason_and_the_diagnostician_corrects_and_passes_it_on_again(
    appointed, applicant, kierownik
):
    card = appointed
    entry = add(card, applicant, ElementKind.PROCEDURE, count=2)
    submit(card, applicant, entry)

    def reject(reason):
        return services.reject_entry(
            entry.pk,
            version=versions(entry)[entry.pk],
            reason=reason,
            user=kierownik,
            profile=profile_of(kierownik),
        )

    with pytest.raises(services.EKSError) as error:
        reject("  ")
    assert "powód" in error.value.field_errors["reason"]
    rejected = reject("Brak podpisu na zaświadczeniu")
    assert rejected.status == EntryStatus.REJECTED
    assert rejected.rejection_reason == "Brak podpisu na zaświadczeniu"
    event = history(card).last()
    assert event.action == "eks.entry_rejected"
    assert event.data["reason"] == "Brak podpisu na zaświadczeniu"
    assert fresh(card).progress.elements[2].confirmed == 0

    corrected = services.correct_entry(
        entry.pk,
        version=rejected.version,
        date_from=entry.date_from,
        date_to=entry.date_to,
        place=entry.place,
        count=3,
        user=applicant,
        profile=profile_of(applicant),
    )
    assert corrected.status == EntryStatus.ENTERED and corrected.rejection_reason == ""
    submit(card, applicant, corrected)
    confirm(card, kierownik, corrected)
    assert fresh(card).progress.elements[2].confirmed == 3


def test_the_model_refuses_moves_its_state_machine_does_not_have(appointed, applicant):
    entry = add(appointed, applicant)
    with pytest.raises(TransitionNotAllowed):
        entry.confirm()
    with pytest.raises(AttributeError):
        entry.status = EntryStatus.CONFIRMED  # protected: only transitions change it


def test_entries_cannot_change_while_the_card_waits_for_verification(
    appointed, applicant, kierownik
):
    card = appointed
    fill(card, applicant, kierownik)
    services.confirm_completion(
        card.pk, version=fresh(card).version, user=kierownik, profile=profile_of(kierownik)
    )
    with pytest.raises(services.EKSError) as error:
        add(card, applicant, ElementKind.PROCEDURE)
    assert "przekazana do weryfikacji" in str(error.value)
    confirmed = Entry.objects.first()
    with pytest.raises(services.EKSError):
        services.reject_entry(
            confirmed.pk,
            version=confirmed.version,
            reason="Za późno",
            user=kierownik,
            profile=profile_of(kierownik),
        )


def test_a_second_card_of_the_same_diagnostician_is_apart(unit_mazowieckie, applicant):
    first = started_card(unit_mazowieckie, applicant)
    second = started_card(unit_mazowieckie, applicant)
    entry = add(first, applicant)
    with pytest.raises(services.StaleEKS):
        services.submit_entries(
            second.pk, versions=versions(entry), user=applicant, profile=profile_of(applicant)
        )
    assert element_of(first, ElementKind.COURSE) != element_of(second, ElementKind.COURSE)
