"""A clerk evaluates, scores, ranks and closes a procedure in a real browser (issue 3)."""

from decimal import Decimal

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from accounts.models import Role
from qualification.models import SlotListStatus, Stage
from referrals.models import Referral, ReferralStatus
from tests.factories import (
    ApplicationFactory,
    FieldFactory,
    ProcedureFactory,
    SlotListFactory,
    SlotListItemFactory,
    mode,
    person_with_role,
    voivodeship,
)


@pytest.fixture
def procedure(transactional_db):
    """Formal evaluation under way: three applications, one place on the approved slot list."""
    mazowieckie = voivodeship("mazowieckie")
    field = FieldFactory(name="mikrobiologia medyczna", code="mikrobiologia-medyczna")
    procedure = ProcedureFactory(voivodeship=mazowieckie, stage=Stage.FORMAL_EVALUATION)
    slot_list = SlotListFactory(
        session=procedure.session, voivodeship=mazowieckie, status=SlotListStatus.APPROVED
    )
    SlotListItemFactory(slot_list=slot_list, field=field, mode=mode(), places=1)
    applications = [
        ApplicationFactory(
            session=procedure.session,
            voivodeship=mazowieckie,
            field=field,
            last_name=name,
            study_result=Decimal("4.50"),
        )
        for name in ("Żółkiewska", "Ślązak", "Nowicka")
    ]
    person_with_role(Role.UW, voivodeship=mazowieckie, email="uw.test@example.pl")
    return procedure, applications


def test_a_clerk_evaluates_scores_ranks_and_closes_a_procedure(procedure, page, login):
    procedure, applications = procedure
    login("uw.test@example.pl", password="haslo-testowe-123")

    # Ocena formalna: two positive, one negative with a reason.
    verdicts = ["pozytywna", "pozytywna", "negatywna"]
    for application, verdict in zip(applications, verdicts, strict=True):
        page.goto(reverse("qualification:application_evaluate", args=[application.pk]))
        page.get_by_label(verdict).check()
        if verdict == "negatywna":
            page.get_by_label("Uzasadnienie").fill("Brak wymaganego dyplomu.")
        page.get_by_role("button", name="Zapisz ocenę").click()
        expect(page.get_by_role("status").first).to_be_visible()

    page.goto(reverse("qualification:procedure_detail", args=[procedure.pk]))
    page.get_by_role("button", name="Rozpocznij postępowanie konkursowe").click()
    expect(page.get_by_text("postępowanie konkursowe").first).to_be_visible()

    # Punktacja: the second applicant gets more points and will rank first.
    for application, publications in ((applications[0], "2,5"), (applications[1], "7")):
        page.goto(reverse("qualification:application_points", args=[application.pk]))
        page.get_by_label("Staż pracy w laboratorium (pełne lata)").fill("3")
        page.get_by_label("Punkty za publikacje").fill(publications)
        page.get_by_label("Punkty za kursy i szkolenia").fill("0")
        page.get_by_label("Inne punkty").fill("0")
        page.get_by_role("button", name="Zapisz punktację").click()

    # Lista rankingowa (wstępna): Ślązak first.
    page.goto(reverse("qualification:ranking_index", args=[procedure.pk]))
    page.get_by_role("link", name="mikrobiologia medyczna").first.click()
    rows = page.locator("table tbody tr")
    expect(rows.first).to_contain_text("Ślązak")
    expect(rows.nth(1)).to_contain_text("Żółkiewska")

    # Zakończ postępowanie, confirmed.
    page.goto(reverse("qualification:procedure_detail", args=[procedure.pk]))
    page.get_by_role("link", name="Zakończ postępowanie").click()
    page.get_by_role("button", name="Zakończ postępowanie").click()
    expect(page.get_by_text("zakończone").first).to_be_visible()

    (referral,) = Referral.objects.all()
    assert referral.status == ReferralStatus.DRAFT
    assert referral.application.last_name == "Ślązak"
