"""``seed_demo``: idempotent, realistic, every branch of the manuals reachable (issue 2 item 8,
issue 3 item 7)."""

import datetime
import io
from decimal import Decimal

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db.models import Count, Q
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from stdnum.pl import pesel

from accounts.demo import (
    DEMO_ACCOUNTS,
    DEMO_ADMIN_EMAIL,
    DEMO_ADMIN_RECOVERY_CODES,
    DEMO_ADMIN_TOTP_SECRET,
    DEMO_PASSWORD,
)
from api.demo import DEMO_CLIENTS
from api.models import ApiClient, ClientStatus
from api.services import rotate_secret, set_status
from qualification.demo import DEMO_APPLICANT_EMAIL, session_dates
from qualification.models import (
    Application,
    ApplicationStatus,
    FormalEvaluation,
    PreferredUnit,
    Procedure,
    Session,
    SlotList,
    SlotListStatus,
    Stage,
)
from reference.demo import MULTI_PROGRAMME, SINGLE_UNIT_FIELD
from reference.models import Accreditation, Field, Mode, Programme, TrainingUnit, Voivodeship
from referrals.models import Referral, ReferralStatus
from tests.accounts.conftest import totp_code

pytestmark = pytest.mark.django_db


def seed_demo() -> str:
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def counts() -> dict[str, int]:
    return {model._meta.label: model._default_manager.count() for model in apps.get_models()}


@pytest.fixture
def demo():
    seed_demo()


def sessions() -> tuple[Session, Session]:
    today = timezone.localdate()
    (closed,) = Session.objects.filter(procedure_to__lt=today)
    (open_,) = Session.objects.filter(applications_from__lte=today, applications_to__gte=today)
    return closed, open_


def test_running_seed_demo_twice_adds_nothing():
    output = seed_demo()
    first = counts()
    seed_demo()
    assert counts() == first
    assert first["qualification.Application"] > 0
    assert first["referrals.Referral"] > 0
    assert "Qualification:" in output
    assert "SmkDemo-2026" in output


def test_reference_data_has_every_case_the_referral_screens_need(demo):
    assert Voivodeship.objects.count() == 16
    assert Field.objects.count() >= 10
    assert TrainingUnit.objects.count() >= 60
    in_force = Programme.objects.in_force()
    for mode in Mode.objects.all():
        assert in_force.filter(mode=mode).exists()
    per_field_mode = in_force.values("field__code", "mode__code").annotate(n=Count("pk"))
    numbers = {(row["field__code"], row["mode__code"]): row["n"] for row in per_field_mode}
    assert numbers[MULTI_PROGRAMME] > 1
    assert 1 in numbers.values()

    units_per_field = {
        row["field__code"]: row["n"]
        for row in Accreditation.objects.active()
        .filter(unit__voivodeship__name="mazowieckie")
        .values("field__code")
        .annotate(n=Count("unit", distinct=True))
    }
    assert units_per_field[SINGLE_UNIT_FIELD] == 1
    assert max(units_per_field.values()) > 1


def test_every_demo_account_logs_in_with_the_published_password(demo):
    for email, *_rest in DEMO_ACCOUNTS:
        client = Client()
        response = client.post(
            reverse("account_login"), {"login": email, "password": DEMO_PASSWORD}
        )
        assert response.status_code == 302, email
        if email == DEMO_ADMIN_EMAIL:  # then the second factor, published too
            assert response.url == reverse("mfa_authenticate")
            client.post(response.url, {"code": DEMO_ADMIN_RECOVERY_CODES[0]})
        assert "_auth_user_id" in client.session, email


def demo_admin_logged_in(code):
    client = Client()
    client.post(reverse("account_login"), {"login": DEMO_ADMIN_EMAIL, "password": DEMO_PASSWORD})
    client.post(reverse("mfa_authenticate"), {"code": code})
    return client


@pytest.mark.parametrize("code", ["recovery code", "authenticator app"])
def test_the_demo_administrator_opens_the_admin_with_a_published_second_factor(demo, code):
    if code == "recovery code":
        client = demo_admin_logged_in(DEMO_ADMIN_RECOVERY_CODES[-1])
    else:
        client = demo_admin_logged_in(totp_code(DEMO_ADMIN_TOTP_SECRET))
    assert client.get(reverse("admin:index")).status_code == 200
    assert client.get(reverse("admin:accounts_user_changelist")).status_code == 200


def test_running_seed_demo_again_gives_back_the_used_recovery_codes(demo):
    demo_admin_logged_in(DEMO_ADMIN_RECOVERY_CODES[0])
    assert not demo_admin_logged_in(DEMO_ADMIN_RECOVERY_CODES[0]).session.get("_auth_user_id")
    seed_demo()
    client = demo_admin_logged_in(DEMO_ADMIN_RECOVERY_CODES[0])
    assert client.get(reverse("admin:index")).status_code == 200


def test_two_sessions_one_closed_one_accepting_applications_with_a_procedure_everywhere(demo):
    closed, open_ = sessions()
    assert Session.objects.count() == 2
    assert closed.procedure_to < timezone.localdate()
    assert open_.accepts_applications()
    for session in (closed, open_):
        assert Procedure.objects.filter(session=session).count() == 16
        assert SlotList.objects.filter(session=session).count() == 16
    assert set(Procedure.objects.filter(session=open_).values_list("stage", flat=True)) == {
        Stage.APPLICATIONS
    }
    assert set(SlotList.objects.filter(session=open_).values_list("status", flat=True)) == {
        SlotListStatus.DRAFT
    }
    assert Application.objects.filter(
        session=open_, voivodeship__name="mazowieckie", status=ApplicationStatus.APPROVED
    ).exists()


def test_mazowieckie_closed_procedure_has_referrals_and_a_not_qualified_tail(demo):
    closed, _open = sessions()
    procedure = Procedure.objects.get(session=closed, voivodeship__name="mazowieckie")
    assert procedure.stage == Stage.CLOSED
    slot_list = SlotList.objects.get(session=closed, voivodeship__name="mazowieckie")
    assert slot_list.status == SlotListStatus.PUBLISHED
    assert slot_list.items.values("field").distinct().count() >= 6

    applications = Application.objects.filter(session=closed, voivodeship__name="mazowieckie")
    assert 70 <= applications.count() <= 90
    assert (
        applications.filter(formal_evaluation=FormalEvaluation.NEGATIVE)
        .exclude(formal_reason="")
        .exists()
    )
    positive = applications.filter(formal_evaluation=FormalEvaluation.POSITIVE)
    assert not positive.filter(points__isnull=True).exists()
    assert positive.filter(qualified=False).exists()  # the not-qualified tail
    assert not applications.filter(formal_evaluation="").exists()

    qualified = positive.filter(qualified=True)
    referrals = Referral.objects.filter(session=closed, voivodeship__name="mazowieckie")
    assert set(referrals.values_list("application_id", flat=True)) == set(
        qualified.values_list("pk", flat=True)
    )
    # Every status of the manual can be tried (issue 4 item 9, issue 5 item 6).
    assert set(referrals.values_list("status", flat=True)) == set(ReferralStatus.values)
    unit_referrals = referrals.filter(unit__profiles__user__email="jednostka@smk.local")
    assert unit_referrals.filter(status=ReferralStatus.ISSUED).count() >= 3
    for decided in (ReferralStatus.STARTED, ReferralStatus.REJECTED, ReferralStatus.NOT_STARTED):
        assert unit_referrals.filter(status=decided).exists()
    assert all(
        number.startswith(f"SK/{closed.year}/14/")
        for number in referrals.values_list("number", flat=True)
    )
    assert qualified.filter(field__code=SINGLE_UNIT_FIELD).exists()

    # Preferred units: 1–3, each accredited in the application's field in mazowieckie.
    for application in applications.prefetch_related("preferred_units__unit"):
        preferred = list(application.preferred_units.all())
        assert 1 <= len(preferred) <= 3
        for choice in preferred:
            assert (
                Accreditation.objects.active()
                .filter(
                    unit=choice.unit,
                    field=application.field_id,
                    unit__voivodeship__name="mazowieckie",
                )
                .exists()
            )


def test_applications_are_realistic(demo):
    applications = Application.objects.all()
    assert applications.filter(points__isnull=False, study_result__isnull=False).exists()
    assert not applications.filter(
        Q(study_result__lt=Decimal("3.00")) | Q(study_result__gt=Decimal("5.00"))
    ).exists()
    for application in applications:
        assert pesel.is_valid(application.pesel), application.pesel
        assert application.licence_number and application.email and application.phone
    scored = applications.filter(points__isnull=False)
    for application in scored:
        assert application.points == (
            application.points_employment
            + application.points_publications
            + application.points_courses
            + application.points_other
        )
    assert len(set(applications.values_list("number", flat=True))) == applications.count()
    assert PreferredUnit.objects.exists()


def test_malopolskie_waits_for_formal_evaluation(demo):
    closed, _open = sessions()
    procedure = Procedure.objects.get(session=closed, voivodeship__name="małopolskie")
    assert procedure.stage == Stage.FORMAL_EVALUATION
    waiting = Application.objects.filter(
        session=closed,
        voivodeship__name="małopolskie",
        status=ApplicationStatus.APPROVED,
        formal_evaluation="",
    )
    assert waiting.count() >= 15
    slot_list = SlotList.objects.get(session=closed, voivodeship__name="małopolskie")
    assert slot_list.status == SlotListStatus.DRAFT


def test_the_demo_applicant_is_qualified_in_the_closed_session_and_drafts_in_the_open_one(demo):
    closed, open_ = sessions()
    mine = Application.objects.filter(applicant__email=DEMO_APPLICANT_EMAIL)
    qualified = mine.get(session=closed)
    assert (qualified.status, qualified.voivodeship.name, qualified.qualified) == (
        ApplicationStatus.APPROVED,
        "mazowieckie",
        True,
    )
    # Accepted by the demo unit, so the applicant has an EKS to look at.
    accepted = qualified.referrals.get(status=ReferralStatus.STARTED)
    assert accepted.eks.last_name == qualified.last_name
    assert qualified.preferred_units.exists()
    draft = mine.get(session=open_)
    assert draft.status == ApplicationStatus.DRAFT
    assert draft.approved_at is None


@pytest.mark.parametrize(
    ("today", "closed", "open_"),
    [
        # In a real application window: that session is the open one.
        ("2026-11-21", "Sesja wiosenna 2026", ("Sesja jesienna 2026", "2026-11-15")),
        ("2026-05-10", "Sesja jesienna 2025", ("Sesja wiosenna 2026", "2026-04-30")),
        # Between windows: a stand-in for the next session, opened a week ago.
        ("2026-07-15", "Sesja wiosenna 2026", ("Sesja jesienna 2026", "2026-07-08")),
        ("2026-02-10", "Sesja jesienna 2025", ("Sesja wiosenna 2026", "2026-02-03")),
        # The autumn procedure runs until 15 January: the closed one is the spring before.
        ("2026-01-10", "Sesja wiosenna 2025", ("Sesja wiosenna 2026", "2026-01-03")),
    ],
)
def test_demo_sessions_follow_the_calendar_whenever_the_demo_is_loaded(today, closed, open_):
    day = datetime.date.fromisoformat(today)
    closed_spec, open_spec = session_dates(day)
    assert closed_spec[0] == closed
    assert closed_spec[4] < day
    assert (open_spec[0], open_spec[1].isoformat()) == open_
    assert open_spec[1] <= day <= open_spec[2] < open_spec[3] <= open_spec[4]


def test_the_demo_unit_system_gets_a_token_with_the_published_secret_and_lists_its_referrals(
    demo,
):
    client_id, secret, *_rest = DEMO_CLIENTS[0]
    http = Client()
    response = http.post(
        "/api/v1/oauth/token/",
        {"grant_type": "client_credentials", "client_id": client_id, "client_secret": secret},
    )
    assert response.status_code == 200, response.content
    assert set(response.json()["scope"].split()) == {
        "referrals:read",
        "referrals:decide",
        "unit:write",
        "webhooks:manage",
    }
    token = response.json()["access_token"]
    listed = http.get(
        "/api/v1/referrals/", {"status": "wystawione"}, HTTP_AUTHORIZATION=f"Bearer {token}"
    )
    assert listed.status_code == 200
    numbers = {row["number"] for row in listed.json()["results"]}
    to_decide = Referral.objects.filter(
        unit__profiles__user__email="jednostka@smk.local", status=ReferralStatus.ISSUED
    )
    assert numbers == set(to_decide.values_list("number", flat=True))
    assert len(numbers) >= 3


def test_the_demo_office_system_reads_only_its_voivodeship(demo):
    client_id, secret, *_rest = DEMO_CLIENTS[1]
    http = Client()
    token = http.post(
        "/api/v1/oauth/token/",
        {"grant_type": "client_credentials", "client_id": client_id, "client_secret": secret},
    ).json()["access_token"]
    listed = http.get("/api/v1/office/referrals/", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert listed.status_code == 200
    assert {row["voivodeship"] for row in listed.json()["results"]} == {"mazowieckie"}


def test_running_seed_demo_again_gives_a_demo_client_back_its_published_secret(demo):
    client_id, secret, *_rest = DEMO_CLIENTS[0]
    client = ApiClient.objects.get(application__client_id=client_id)
    rotate_secret(client)
    set_status(client, ClientStatus.SUSPENDED, reason="próba")
    output = seed_demo()
    assert client_id in output and secret in output
    response = Client().post(
        "/api/v1/oauth/token/",
        {"grant_type": "client_credentials", "client_id": client_id, "client_secret": secret},
    )
    assert response.status_code == 200
