"""E-mail notifications of referral actions: who is told, what, and that no action is lost.

One module past 400 lines: one section an action, each checking the same outbox the same way.
"""

import datetime
import io
import itertools
import smtplib
import threading
import time

import pytest
from django.conf import settings
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.core.management import call_command
from django.db import connection
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

import referrals.notifications  # noqa: F401  (connects the receiver)
from accounts.models import InstitutionKind, Role
from referrals import services
from referrals.models import DecidedBy, DecisionKind, Referral, ReferralStatus
from referrals.signals import referral_event
from registry.models import EKS, RegisterEntry
from smk.models import Notification, NotificationStatus
from smk.notifications import queue_email
from smk.tasks import MAX_ATTEMPTS, send_notification
from tests.factories import (
    AccreditationFactory,
    ProfileFactory,
    ProgrammeFactory,
    ReferralFactory,
    TrainingUnitFactory,
    UserFactory,
    mode,
    person_with_role,
)

S = ReferralStatus
START = datetime.date(2026, 10, 1)
END = datetime.date(2030, 9, 30)
SMTP_DOWN = "Connection unexpectedly closed"
#: Who hears of a unit's decision: the office (UW and Wojewoda) and the applicant.
OFFICE_AND_APPLICANT = [
    "anna.zielinska@example.pl",
    "uw@mazowieckie.example.pl",
    "wojewoda@mazowieckie.example.pl",
]


class BrokenMailServer(BaseEmailBackend):
    """A mailer whose SMTP server has gone away."""

    def send_messages(self, email_messages):
        raise smtplib.SMTPServerDisconnected(SMTP_DOWN)


class RejectingMailer(BaseEmailBackend):
    """A mailer that refuses the message itself: trying again would not help."""

    def send_messages(self, email_messages):
        raise ValueError("Invalid address")


mail_server_down = override_settings(
    MAILERS={"default": {"BACKEND": f"{__name__}.BrokenMailServer"}}
)
database_task_queue = override_settings(
    TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
)


def link(viewname, *args):
    """The absolute link an e-mail carries for ``viewname``."""
    return settings.SITE_URL.rstrip("/") + reverse(viewname, args=args)


@pytest.fixture
def setting(mazowieckie, malopolskie):
    unit = TrainingUnitFactory(voivodeship=mazowieckie, name="Szpital Bródnowski — Laboratorium")
    accreditation = AccreditationFactory(unit=unit, places=2)
    other_unit = TrainingUnitFactory(voivodeship=mazowieckie)
    office = person_with_role(Role.UW, voivodeship=mazowieckie, email="uw@mazowieckie.example.pl")
    staff = person_with_role(Role.UNIT_STAFF, unit=unit, email="laboratorium@brodno.example.pl")
    return {
        "unit": unit,
        "field": accreditation.field,
        "programme": ProgrammeFactory(field=accreditation.field, mode=mode()),
        "office": office.profiles.get(),
        "staff": staff.profiles.get(),
        "second_staff": person_with_role(
            Role.UNIT_STAFF, unit=unit, email="kierownik@brodno.example.pl"
        ),
        "wojewoda": person_with_role(
            Role.WOJEWODA, voivodeship=mazowieckie, email="wojewoda@mazowieckie.example.pl"
        ),
        "other_unit_staff": person_with_role(
            Role.UNIT_STAFF, unit=other_unit, email="inna@jednostka.example.pl"
        ),
        "other_office": person_with_role(
            Role.UW, voivodeship=malopolskie, email="uw@malopolskie.example.pl"
        ),
    }


_numbers = itertools.count(1)


def referral_in(setting, status, *, decided_by=None):
    data = {
        # Not the services' "SK/…" series: a replacement made on rejection must not collide.
        "number": f"TEST/{next(_numbers):05d}",
        "field": setting["field"],
        "mode": mode(),
        "status": status,
        "application__email": "anna.zielinska@example.pl",
        "application__first_name": "Anna",
        "application__last_name": "Zielińska",
    }
    if status != S.DRAFT:
        data |= {
            "unit": setting["unit"],
            "programme": setting["programme"],
            "planned_start": START,
            "planned_end": END,
        }
    if status == S.ISSUED:
        data["sent_at"] = timezone.now()
    if status == S.NOT_STARTED:
        data |= {
            "decision": DecisionKind.NOT_STARTED,
            "decided_by_kind": decided_by or DecidedBy.UNIT,
            "decision_justification": "Nie zgłosiła się w jednostce",
            "decided_at": timezone.now(),
        }
    return ReferralFactory(**data)


def run(action, referral, setting, who="office"):
    profile = setting[who]
    kwargs = {"version": referral.version, "user": profile.user, "profile": profile}
    if action in {"save_draft", "assign", "send"}:
        kwargs["changes"] = services.Changes(
            unit=setting["unit"],
            programme=setting["programme"],
            planned_start=START,
            planned_end=END,
            fields={"unit", "programme", "planned_start", "planned_end"},
        )
    if action in {"not_started", "reject", "unit_not_started"}:
        kwargs["justification"] = "Brak miejsca w pracowni genetyki"
    return services.ACTIONS[action](referral.pk, **kwargs)


@pytest.fixture
def act(setting, django_capture_on_commit_callbacks):
    """Run an action as a committed transaction would: e-mails go out after it."""

    def act(action, referral, who="office"):
        with django_capture_on_commit_callbacks(execute=True):
            return run(action, referral, setting, who)

    return act


def recipients():
    return sorted(address for message in mail.outbox for address in message.to)


def message_to(address):
    (message,) = [m for m in mail.outbox if m.to == [address]]
    return message


@pytest.mark.django_db
class TestWhoIsToldWhat:
    def test_sending_a_referral_tells_every_staff_member_of_the_unit_and_the_applicant(
        self, setting, act
    ):
        referral = referral_in(setting, S.ASSIGNED)
        act("send", referral)

        assert recipients() == [
            "anna.zielinska@example.pl",
            "kierownik@brodno.example.pl",
            "laboratorium@brodno.example.pl",
        ]
        to_unit = message_to("laboratorium@brodno.example.pl")
        assert to_unit.subject == f"Nowe skierowanie na specjalizację nr {referral.number}"
        assert "Szpital Bródnowski — Laboratorium" in to_unit.body
        assert "Anna Zielińska" in to_unit.body
        assert "„Akceptuj”, „Odrzuć”" in to_unit.body
        assert "01.10.2026 – 30.09.2030" in to_unit.body
        assert link("referrals:unit_referral_detail", referral.pk) in to_unit.body

        to_applicant = message_to("anna.zielinska@example.pl")
        assert to_applicant.subject == (
            f"Skierowanie na specjalizację nr {referral.number} zostało wysłane do jednostki"
        )
        assert "wysłał skierowanie na specjalizację do jednostki" in to_applicant.body
        assert setting["unit"].address in to_applicant.body
        assert settings.SITE_URL in to_applicant.body

    def test_withdrawing_a_sent_referral_tells_the_unit_only(self, setting, act):
        referral = referral_in(setting, S.ISSUED)
        act("withdraw", referral)

        assert recipients() == ["kierownik@brodno.example.pl", "laboratorium@brodno.example.pl"]
        message = message_to("laboratorium@brodno.example.pl")
        assert message.subject == f"Wycofanie skierowania nr {referral.number}"
        assert "nie wymaga już decyzji jednostki" in message.body
        # The unit cannot open a withdrawn referral: the link leads to its list instead.
        assert link("referrals:unit_referral_list") in message.body

    def test_withdrawing_after_the_units_non_commencement_tells_the_unit(self, setting, act):
        referral = referral_in(setting, S.NOT_STARTED, decided_by=DecidedBy.UNIT)
        act("withdraw", referral)

        assert recipients() == ["kierownik@brodno.example.pl", "laboratorium@brodno.example.pl"]
        assert "zgłosiła niepodjęcie szkolenia" in message_to("kierownik@brodno.example.pl").body

    def test_the_units_acceptance_is_told_to_the_office_and_the_applicant(self, setting, act):
        referral = referral_in(setting, S.ISSUED)
        act("accept", referral, who="staff")

        assert recipients() == OFFICE_AND_APPLICANT
        to_office = message_to("uw@mazowieckie.example.pl")
        assert to_office.subject == (
            f"Decyzja jednostki szkoleniowej w sprawie skierowania nr {referral.number}: "
            "Akceptacja skierowania"
        )
        assert "Status skierowania: Specjalizacja rozpoczęta" in to_office.body
        eks = EKS.objects.get(referral=referral)
        entry = RegisterEntry.objects.get(referral=referral)
        assert (
            f"Utworzono Elektroniczną Kartę Specjalizacji nr {eks.number} i wpis do rejestru nr "
            f"{entry.number}." in " ".join(to_office.body.split())
        )
        assert link("referrals:referral_form", referral.pk) in to_office.body

        to_applicant = message_to("anna.zielinska@example.pl")
        assert to_applicant.subject == (
            f"Decyzja w sprawie skierowania na specjalizację nr {referral.number}"
        )
        assert "zaakceptowała skierowanie" in to_applicant.body

    def test_the_units_rejection_tells_the_office_about_the_new_referral(self, setting, act):
        referral = referral_in(setting, S.ISSUED)
        act("reject", referral, who="staff")

        replacement = Referral.objects.get(replaces=referral)
        to_office = message_to("wojewoda@mazowieckie.example.pl")
        assert to_office.subject.endswith(": Odrzucenie skierowania")
        assert "Uzasadnienie decyzji: Brak miejsca w pracowni genetyki" in to_office.body
        assert f"nowe skierowanie nr {replacement.number} w statusie Wersja robocza" in (
            " ".join(to_office.body.split())
        )
        assert link("referrals:referral_form", replacement.pk) in to_office.body

        to_applicant = message_to("anna.zielinska@example.pl")
        assert "odrzuciła skierowanie" in to_applicant.body
        assert "Brak miejsca w pracowni genetyki" in to_applicant.body
        assert len(mail.outbox) == 3  # UW, Wojewoda, the applicant

    def test_the_units_non_commencement_asks_the_office_to_register_or_withdraw(self, setting, act):
        referral = referral_in(setting, S.ISSUED)
        act("unit_not_started", referral, who="staff")

        assert recipients() == OFFICE_AND_APPLICANT
        body = message_to("uw@mazowieckie.example.pl").body
        assert "„Wpisz do rejestru” albo „Wycofaj”" in body
        assert "zgłosiła niepodjęcie szkolenia" in message_to("anna.zielinska@example.pl").body

    def test_the_offices_non_commencement_is_told_to_the_applicant(self, setting, act):
        referral = referral_in(setting, S.ISSUED)
        act("not_started", referral)

        assert recipients() == ["anna.zielinska@example.pl"]
        body = message_to("anna.zielinska@example.pl").body
        assert "Urząd Wojewódzki zarejestrował niepodjęcie szkolenia" in " ".join(body.split())

    @pytest.mark.parametrize(
        ("action", "status"),
        [("save_draft", S.DRAFT), ("assign", S.DRAFT), ("strike_off", S.NOT_STARTED)],
    )
    def test_the_offices_own_steps_send_no_e_mail(self, setting, act, action, status):
        act(action, referral_in(setting, status))

        assert mail.outbox == []
        assert not Notification.objects.exists()

    def test_blocked_people_and_other_roles_get_nothing(self, setting, act):
        blocked = UserFactory(email="zablokowany@brodno.example.pl", is_active=False)
        ProfileFactory(
            user=blocked,
            kind=InstitutionKind.TRAINING_UNIT,
            unit=setting["unit"],
            roles=[Role.UNIT_STAFF],
        )
        act("send", referral_in(setting, S.ASSIGNED))

        assert "zablokowany@brodno.example.pl" not in recipients()
        assert "inna@jednostka.example.pl" not in recipients()
        assert "uw@malopolskie.example.pl" not in recipients()

    def test_e_mails_are_plain_text_without_html_escaping(self, setting, act):
        setting["unit"].name = 'Laboratorium "Pod Lipami" & Synowie'
        setting["unit"].save()
        act("send", referral_in(setting, S.ASSIGNED))

        body = message_to("laboratorium@brodno.example.pl").body
        assert 'Laboratorium "Pod Lipami" & Synowie' in body
        assert "&quot;" not in body and "&amp;" not in body


@pytest.mark.django_db
class TestOutbox:
    def test_the_e_mails_are_written_with_the_action_and_sent_only_after_its_commit(
        self, setting, django_capture_on_commit_callbacks
    ):
        referral = referral_in(setting, S.ASSIGNED)
        with django_capture_on_commit_callbacks() as callbacks:
            run("send", referral, setting)
            pending = list(Notification.objects.order_by("recipient"))

        assert [n.status for n in pending] == [NotificationStatus.PENDING] * 3
        assert {n.reason for n in pending} == {f"referral.sent #{referral.pk}"}
        assert mail.outbox == []
        for callback in callbacks:
            callback()
        assert len(mail.outbox) == 3
        assert set(Notification.objects.values_list("status", flat=True)) == {
            NotificationStatus.SENT
        }
        assert all(n.sent_at for n in Notification.objects.all())

    def test_a_notification_is_sent_once_however_often_its_task_runs(self, setting):
        (notification,) = queue_email(["ktos@example.pl"], "Temat", body="Treść")

        assert send_notification.call(notification.pk) == NotificationStatus.SENT
        assert send_notification.call(notification.pk) == NotificationStatus.SENT
        assert len(mail.outbox) == 1
        notification.refresh_from_db()
        assert notification.attempts == 1

    def test_a_task_for_a_notification_that_no_longer_exists_does_nothing(self, db):
        assert send_notification.call(987654321) == "missing"
        assert mail.outbox == []

    def test_repeated_addresses_get_one_e_mail(self, db):
        queue_email(["A@example.pl", "a@example.pl", "", "b@example.pl"], "T", body="x")

        assert sorted(Notification.objects.values_list("recipient", flat=True)) == [
            "A@example.pl",
            "b@example.pl",
        ]


@pytest.mark.django_db
class TestFailedSending:
    def test_a_failed_attempt_is_recorded_and_the_next_one_scheduled_with_backoff(self, db):
        (notification,) = queue_email(["ktos@example.pl"], "Temat", body="Treść")
        before = timezone.now()

        with mail_server_down, database_task_queue:
            assert send_notification.call(notification.pk) == NotificationStatus.PENDING

        notification.refresh_from_db()
        assert notification.attempts == 1
        assert SMTP_DOWN in notification.last_error
        (retry,) = DBTaskResult.objects.filter(task_path="smk.tasks.send_notification")
        assert retry.args_kwargs == {"args": [notification.pk], "kwargs": {}}
        assert (
            before + datetime.timedelta(minutes=1)
            <= retry.run_after
            <= timezone.now() + datetime.timedelta(minutes=1)
        )

    def test_the_wait_grows_after_each_failure(self, db):
        (notification,) = queue_email(["ktos@example.pl"], "Temat", body="Treść")
        with mail_server_down, database_task_queue:
            for _ in range(3):
                send_notification.call(notification.pk)

        waits = [
            (r.run_after - r.enqueued_at).total_seconds() / 60
            for r in DBTaskResult.objects.order_by("enqueued_at")
        ]
        assert [round(w) for w in waits] == [1, 5, 25]

    def test_after_the_last_attempt_the_notification_is_given_up(self, db):
        (notification,) = queue_email(["ktos@example.pl"], "Temat", body="Treść")
        with mail_server_down:
            for _ in range(MAX_ATTEMPTS + 2):
                send_notification.call(notification.pk)

        notification.refresh_from_db()
        assert notification.status == NotificationStatus.FAILED
        assert notification.attempts == MAX_ATTEMPTS
        assert mail.outbox == []

    def test_a_message_the_server_refuses_for_good_is_not_retried(self, db):
        (notification,) = queue_email(["ktos@example.pl"], "Temat", body="Treść")
        with override_settings(MAILERS={"default": {"BACKEND": f"{__name__}.RejectingMailer"}}):
            send_notification.call(notification.pk)

        notification.refresh_from_db()
        assert notification.status == NotificationStatus.FAILED
        assert notification.attempts == 1
        assert "Invalid address" in notification.last_error


@pytest.mark.django_db
class TestSweep:
    def age(self, notification, minutes):
        Notification.objects.filter(pk=notification.pk).update(
            created_at=timezone.now() - datetime.timedelta(minutes=minutes)
        )

    def test_the_sweep_sends_notifications_whose_enqueue_was_lost(self, db):
        (lost,) = queue_email(["zgubiony@example.pl"], "Temat", body="Treść")
        (fresh,) = queue_email(["swiezy@example.pl"], "Temat", body="Treść")
        self.age(lost, 10)
        self.age(fresh, 1)

        call_command("send_pending_notifications", stdout=io.StringIO())

        assert [m.to for m in mail.outbox] == [["zgubiony@example.pl"]]

    def test_the_sweep_respects_the_retry_backoff(self, db):
        with mail_server_down:
            (once,) = queue_email(["raz@example.pl"], "T", body="x")
            (twice,) = queue_email(["dwa@example.pl"], "T", body="x")
            send_notification.call(once.pk)
            send_notification.call(twice.pk)
            send_notification.call(twice.pk)
        # After one failure the next try is due 1 minute later, after two 1 + 5 minutes later.
        self.age(once, 5 + 2)
        self.age(twice, 5 + 2)

        call_command("send_pending_notifications", stdout=io.StringIO())

        assert [m.to for m in mail.outbox] == [["raz@example.pl"]]

    def test_the_sweep_leaves_sent_and_given_up_notifications_alone(self, db):
        (sent,) = queue_email(["wyslane@example.pl"], "T", body="x")
        send_notification.call(sent.pk)
        (failed,) = queue_email(["blad@example.pl"], "T", body="x")
        Notification.objects.filter(pk=failed.pk).update(status=NotificationStatus.FAILED)
        self.age(sent, 60)
        self.age(failed, 60)
        mail.outbox.clear()

        call_command("send_pending_notifications", stdout=io.StringIO())

        assert mail.outbox == []


@pytest.mark.django_db(transaction=True)
class TestTheActionIsNeverLost:
    """Real commits and rollbacks (no test transaction around them)."""

    def test_an_action_whose_e_mail_fails_still_happens_and_the_e_mail_is_retried(self, setting):
        referral = referral_in(setting, S.ISSUED)

        with mail_server_down, database_task_queue:
            run("accept", referral, setting, "staff")
            call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload")

        referral.refresh_from_db()
        assert referral.status == S.STARTED
        assert mail.outbox == []
        outbox = Notification.objects.all()
        assert outbox.count() == 3
        for notification in outbox:
            assert notification.status == NotificationStatus.PENDING
            assert notification.attempts == 1
            assert SMTP_DOWN in notification.last_error
        retries = DBTaskResult.objects.filter(status="READY")
        assert retries.count() == 3
        assert all(r.run_after > timezone.now() for r in retries)

        # The mail server is back; the worker runs the retries when they are due.
        retries.update(run_after=timezone.now())
        with database_task_queue:
            call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload")

        assert recipients() == OFFICE_AND_APPLICANT
        assert set(Notification.objects.values_list("status", "attempts")) == {
            (NotificationStatus.SENT, 2)
        }

    def test_a_rolled_back_action_leaves_no_notification_and_sends_nothing(self, setting):
        referral = referral_in(setting, S.ISSUED)

        def fails_later_in_the_action(sender, **kwargs):
            raise RuntimeError("the action failed after the e-mails were queued")

        referral_event.connect(fails_later_in_the_action, dispatch_uid="test-fails-later")
        try:
            with pytest.raises(RuntimeError):
                run("accept", referral, setting, "staff")
        finally:
            referral_event.disconnect(dispatch_uid="test-fails-later")

        referral.refresh_from_db()
        assert referral.status == S.ISSUED
        assert not Notification.objects.exists()
        assert mail.outbox == []

    def test_with_the_database_queue_the_worker_sends_what_the_action_queued(self, setting):
        referral = referral_in(setting, S.ASSIGNED)

        with database_task_queue:
            run("send", referral, setting)
            assert mail.outbox == []  # nothing is sent inside the request
            assert DBTaskResult.objects.filter(status="READY").count() == 3
            call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload")

        assert len(mail.outbox) == 3
        assert not Notification.objects.exclude(status=NotificationStatus.SENT).exists()


class SlowMailServer(BaseEmailBackend):
    """Takes a moment to accept a message, so two senders overlap."""

    def send_messages(self, email_messages):
        time.sleep(0.3)
        mail.outbox.extend(email_messages)
        return len(email_messages)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_workers_running_the_same_notification_at_once_send_it_once(db):
    (notification,) = queue_email(["ktos@example.pl"], "Temat", body="Treść")
    workers = 4
    barrier = threading.Barrier(workers, timeout=10)
    results, errors = [], []

    def worker():
        try:
            barrier.wait()
            results.append(send_notification.call(notification.pk))
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            connection.close()

    with override_settings(MAILERS={"default": {"BACKEND": f"{__name__}.SlowMailServer"}}):
        threads = [threading.Thread(target=worker) for _ in range(workers)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

    assert errors == []
    assert results == [NotificationStatus.SENT] * workers
    assert len(mail.outbox) == 1
    notification.refresh_from_db()
    assert notification.attempts == 1
