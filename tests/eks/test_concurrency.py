"""Two people acting on one EKS at the same moment, on real PostgreSQL with real threads
(issue 17, item 8): one wins, the other is refused, nothing is half-done."""

import time

import pytest
from django.db import connection

from eks import services
from eks.models import Card, Entry
from eks.progress import CardProgress
from eks.services import common
from eks.statuses import EntryStatus
from reference.models import ElementKind
from registry.models import EKSStatus
from smk.audit import history
from smk.models import Notification
from tests.eks.conftest import add, fill, fresh, profile_of, submit, versions
from tests.referrals.test_concurrency import in_threads

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_two_confirmations_of_the_same_entries_at_once_one_wins(appointed, applicant, kierownik):
    card = appointed
    entries = [add(card, applicant), add(card, applicant, ElementKind.PROCEDURE)]
    submit(card, applicant, *entries)
    shown = versions(*entries)  # both tabs show the same page
    notifications = Notification.objects.count()

    def confirm():
        return services.confirm_entries(
            card.pk, versions=shown, user=kierownik, profile=profile_of(kierownik)
        )

    results = in_threads([confirm, confirm])
    won = [r for r in results if isinstance(r, list)]
    refused = [r for r in results if isinstance(r, services.StaleEKS)]
    assert (len(won), len(refused)) == (1, 1), results
    assert set(Entry.objects.values_list("status", "version")) == {(EntryStatus.CONFIRMED, 3)}
    assert [e.action for e in history(card)].count("eks.entries_confirmed") == 1
    assert Notification.objects.count() == notifications + 1  # the diagnostician, once


def test_a_double_click_on_potwierdz_zakonczenie_sends_the_card_once(
    appointed, applicant, kierownik
):
    card = appointed
    fill(card, applicant, kierownik)
    version = fresh(card).version

    def complete():
        return services.confirm_completion(
            card.pk, version=version, user=kierownik, profile=profile_of(kierownik)
        )

    results = in_threads([complete, complete])
    assert sum(isinstance(r, Card) for r in results) == 1, results
    assert sum(isinstance(r, services.StaleEKS) for r in results) == 1, results
    assert fresh(card).status == EKSStatus.SUBMITTED
    assert [e.action for e in history(card)].count("eks.completion_confirmed") == 1


@pytest.fixture
def slow_completeness(monkeypatch):
    """Deciding whether every element is confirmed takes half a second, so a rejection
    arrives in the middle of "Potwierdź zakończenie specjalizacji"."""
    real = CardProgress.complete.fget

    def slow(progress):
        answer = real(progress)
        time.sleep(0.5)
        return answer

    monkeypatch.setattr(CardProgress, "complete", property(slow))


def race_completion_and_rejection(card, kierownik):
    entry = Entry.objects.filter(card=card).first()

    def complete():
        return services.confirm_completion(
            card.pk, version=fresh(card).version, user=kierownik, profile=profile_of(kierownik)
        )

    def reject():
        time.sleep(0.2)  # while the completion is deciding
        return services.reject_entry(
            entry.pk,
            version=entry.version,
            reason="Jednak brak zaświadczenia",
            user=kierownik,
            profile=profile_of(kierownik),
        )

    results = in_threads([complete, reject])
    connection.close()
    return results


def test_the_end_confirmed_while_an_entry_is_rejected_never_both(
    appointed, applicant, kierownik, slow_completeness
):
    card = appointed
    fill(card, applicant, kierownik)
    completed, rejected = race_completion_and_rejection(card, kierownik)
    # The rejection queued behind the completion's lock on the card, then found it closed.
    assert isinstance(completed, Card), completed
    assert isinstance(rejected, services.EKSError), rejected
    assert fresh(card).status == EKSStatus.SUBMITTED
    assert not Entry.objects.exclude(status=EntryStatus.CONFIRMED).exists()


def test_without_the_lock_on_the_card_the_race_sends_an_incomplete_card(
    appointed, applicant, kierownik, slow_completeness, monkeypatch
):
    """The twin of the test above: what the lock on the card prevents."""

    def unlocked(card_id, version=None):
        card = common.Card.objects.select_related(
            "referral__application", "referral__voivodeship", "programme", "unit"
        ).get(pk=card_id)
        if version is not None and card.version != version:
            raise services.StaleEKS
        return card

    for module in ("eks.services.card", "eks.services.entries"):
        monkeypatch.setattr(f"{module}.lock_card", unlocked)
    card = appointed
    fill(card, applicant, kierownik)
    completed, rejected = race_completion_and_rejection(card, kierownik)
    assert isinstance(completed, Card) and isinstance(rejected, Entry)
    # Waiting for verification with an element no longer confirmed.
    assert fresh(card).status == EKSStatus.SUBMITTED
    assert Entry.objects.filter(status=EntryStatus.REJECTED).exists()
