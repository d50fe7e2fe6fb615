""" "Moje wnioski" and the application page: what the applicant follows (status, formal
evaluation, ranking result after closing, the referral's status and unit, the EKS) and who may
open what (own applications only; another applicant's answers 404; other roles 403)."""

import datetime

import pytest
from django.urls import reverse

from accounts.models import Role
from qualification.models import ApplicationStatus, FormalEvaluation, Stage
from reference.models import Mode
from referrals.models import ReferralStatus
from registry.services import create_eks
from tests.applicant.conftest import create
from tests.factories import (
    ApplicationFactory,
    ProcedureFactory,
    ProgrammeFactory,
    ReferralFactory,
    person_with_role,
    voivodeship,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(applicant, session, field, residency, units):
    return create(applicant, session, "mazowieckie", field, residency, [units["maz1"]]).application


@pytest.fixture
def stranger(db):
    return person_with_role(Role.APPLICANT)


@pytest.fixture
def strangers_draft(stranger, session, field, residency, units):
    return create(stranger, session, "mazowieckie", field, residency, [units["maz1"]]).application


VIEWS_WITH_OBJECT = ["applicant_detail", "applicant_edit", "applicant_approve", "applicant_print"]
VIEWS_WITHOUT_OBJECT = ["my_applications", "applicant_create"]


def object_url(name, application):
    return reverse(f"qualification:{name}", args=[application.pk])


@pytest.mark.parametrize("name", VIEWS_WITH_OBJECT)
def test_own_application_opens(client_of, applicant, draft, name):
    response = client_of(applicant).get(object_url(name, draft))
    # Drukuj of a draft sends back to the application with a message.
    assert response.status_code == (302 if name == "applicant_print" else 200)


@pytest.mark.parametrize(
    ("name", "method"),
    [(name, "get") for name in VIEWS_WITH_OBJECT]
    + [("applicant_edit", "post"), ("applicant_approve", "post")],
)
def test_another_applicants_application_answers_404(
    client_of, applicant, strangers_draft, name, method
):
    response = getattr(client_of(applicant), method)(object_url(name, strangers_draft))
    assert response.status_code == 404


@pytest.mark.parametrize("person", ["uw_mazowieckie", "unit_staff", "administrator"])
@pytest.mark.parametrize("name", VIEWS_WITH_OBJECT + VIEWS_WITHOUT_OBJECT)
def test_other_roles_get_403(request, client_of, draft, person, name):
    url = object_url(name, draft) if name in VIEWS_WITH_OBJECT else reverse(f"qualification:{name}")
    response = client_of(request.getfixturevalue(person)).get(url)
    assert response.status_code == 403


@pytest.mark.parametrize("name", VIEWS_WITH_OBJECT + VIEWS_WITHOUT_OBJECT)
def test_anonymous_is_sent_to_the_login_page(client, draft, name):
    url = object_url(name, draft) if name in VIEWS_WITH_OBJECT else reverse(f"qualification:{name}")
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.parametrize(
    ("name", "method"),
    [
        ("applicant_detail", "post"),
        ("applicant_print", "post"),
        ("my_applications", "post"),
        ("applicant_approve", "put"),
        ("applicant_create", "delete"),
    ],
)
def test_methods_a_view_does_not_accept_answer_405(client_of, applicant, draft, name, method):
    url = object_url(name, draft) if name in VIEWS_WITH_OBJECT else reverse(f"qualification:{name}")
    assert getattr(client_of(applicant), method)(url).status_code == 405


def test_the_menu_offers_moje_wnioski_to_the_applicant_only(client_of, applicant, uw_mazowieckie):
    url = reverse("qualification:my_applications")
    assert f'href="{url}"' in client_of(applicant).get(reverse("home")).content.decode()
    assert f'href="{url}"' not in client_of(uw_mazowieckie).get(reverse("home")).content.decode()


# --- what the applicant follows ----------------------------------------------------------------


@pytest.fixture
def closed_story(applicant, field, units):
    """An application of a closed procedure: evaluated, ranked, qualified, its first referral
    rejected by a unit, the second accepted with an EKS."""
    procedure = ProcedureFactory(voivodeship=voivodeship("mazowieckie"), stage=Stage.CLOSED)
    application = ApplicationFactory(
        number="WN/2026/14/00042",
        session=procedure.session,
        field=field,
        applicant=applicant,
        formal_evaluation=FormalEvaluation.POSITIVE,
        ranking_position=3,
        qualified=True,
        # Poza rezydenturą: the residency draft below would be a second residency (seed 002).
        mode=Mode.objects.get(code=Mode.NON_RESIDENCY),
    )
    ReferralFactory(
        number="SK/2026/14/00007",
        application=application,
        field=field,
        status=ReferralStatus.REJECTED,
        unit=units["maz2"],
    )
    started = ReferralFactory(
        number="SK/2026/14/00011",
        application=application,
        field=field,
        status=ReferralStatus.STARTED,
        unit=units["maz1"],
        programme=ProgrammeFactory(field=field),
        planned_start=datetime.date(2026, 10, 1),
        planned_end=datetime.date(2030, 9, 30),
    )
    eks = create_eks(started)
    return application, eks


def test_moje_wnioski_shows_evaluation_ranking_referral_unit_and_eks(
    client_of, applicant, closed_story, draft, units
):
    application, eks = closed_story
    page = client_of(applicant).get(reverse("qualification:my_applications")).content.decode()

    assert application.number in page and draft.number in page
    assert "pozytywna" in page
    assert "zakwalifikowano do odbywania szkolenia specjalizacyjnego" in page
    assert "pozycja 3 na liście rankingowej" in page
    assert "SK/2026/14/00007: Odrzucone" in page
    assert "SK/2026/14/00011: Specjalizacja rozpoczęta" in page
    assert units["maz1"].name in page
    assert reverse("registry:eks_detail", args=[eks.pk]) in page
    assert "Wersja robocza — urząd wojewódzki zobaczy wniosek dopiero po jego zatwierdzeniu" in page


def test_the_eks_link_opens_the_applicants_own_card(client_of, applicant, closed_story):
    _application, eks = closed_story
    response = client_of(applicant).get(reverse("registry:eks_detail", args=[eks.pk]))
    assert response.status_code == 200


def test_a_not_qualified_and_a_negatively_evaluated_application_say_so(client_of, applicant, field):
    procedure = ProcedureFactory(voivodeship=voivodeship("mazowieckie"), stage=Stage.CLOSED)
    ApplicationFactory(
        session=procedure.session, field=field, applicant=applicant,
        formal_evaluation=FormalEvaluation.POSITIVE, ranking_position=17, qualified=False,
    )  # fmt: skip
    ApplicationFactory(
        session=procedure.session, field=field, applicant=applicant,
        formal_evaluation=FormalEvaluation.NEGATIVE,
        formal_reason="Brak zaświadczenia o zatrudnieniu.",
    )  # fmt: skip
    page = client_of(applicant).get(reverse("qualification:my_applications")).content.decode()
    assert "nie zakwalifikowano — pozycja 17 na liście rankingowej" in page
    assert "negatywna — Brak zaświadczenia o zatrudnieniu." in page


def test_an_inactive_application_says_why(client_of, applicant, draft, session, field, units):
    other = create(applicant, session, "małopolskie", field, draft.mode, [units["mal"]])
    page = client_of(applicant).get(object_url("applicant_detail", draft)).content.decode()
    assert "nieaktywny" in page
    assert other.application.number in page
    assert "nowy wniosek dotyczy innego województwa" in page


def test_an_approved_application_shows_the_stage_of_the_procedure(
    client_of, applicant, draft, session
):
    ProcedureFactory(session=session, voivodeship=draft.voivodeship, stage=Stage.APPLICATIONS)
    client = client_of(applicant)
    client.post(object_url("applicant_approve", draft), {"version": draft.version})
    page = client.get(reverse("qualification:my_applications")).content.decode()
    assert "jeszcze nie oceniono" in page
    assert "postępowanie trwa (etap: przyjmowanie wniosków)" in page


def test_moje_wnioski_runs_a_constant_number_of_queries(
    client_of, applicant, closed_story, session, field, residency, non_residency, units,
    django_assert_max_num_queries,
):  # fmt: skip
    # One application of each kind already: approved with referrals, draft, inactive.
    create(applicant, session, "mazowieckie", field, residency, [units["maz1"]])
    create(applicant, session, "mazowieckie", field, residency, [units["maz1"]])
    client = client_of(applicant)
    url = reverse("qualification:my_applications")
    client.get(url)
    with django_assert_max_num_queries(20) as few:
        client.get(url)
    for mode in (non_residency, residency, residency):
        create(applicant, session, "mazowieckie", field, mode, [units["maz1"], units["maz2"]])
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url)
    assert response.context["sessions"][0][1][0].status == ApplicationStatus.DRAFT
