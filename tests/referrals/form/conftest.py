"""The referral form's data: a mazowieckie unit accredited in the field, its programme, its
staff, and ``make(status)`` — a referral with what its status implies."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from accounts.models import Role
from referrals.models import DecidedBy, DecisionKind
from tests.factories import (
    AccreditationFactory,
    ProgrammeFactory,
    ReferralFactory,
    TrainingUnitFactory,
    mode,
    person_with_role,
)
from tests.referrals.form.common import END, PDF, START, S


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    """Decision attachments written by these tests go to a temporary folder."""
    settings.MEDIA_ROOT = tmp_path


# ---- Data -----------------------------------------------------------------------------------


@pytest.fixture
def unit(mazowieckie):
    return TrainingUnitFactory(
        voivodeship=mazowieckie, name="Szpital Bródnowski — Zakład Diagnostyki", city="Warszawa"
    )


@pytest.fixture
def accreditation(unit, field):
    return AccreditationFactory(unit=unit, field=field, places=2)


@pytest.fixture
def programme(field):
    return ProgrammeFactory(
        field=field, mode=mode(), name="Program specjalizacji LDM 2023", duration_months=48
    )


@pytest.fixture
def staff(unit):
    return person_with_role(Role.UNIT_STAFF, unit=unit)


@pytest.fixture
def full_form(unit, programme):
    """The editable part of the form, filled in."""
    return {
        "unit": unit.pk,
        "programme": programme.pk,
        "planned_start": "2026-10-01",
        "planned_end": "2030-09-30",
    }


@pytest.fixture
def make(field, unit, accreditation, programme):
    """``make(status, **fields)``: a referral of mazowieckie with what its status implies."""

    def build(status=S.DRAFT, *, decided_by=DecidedBy.UNIT, **extra):
        data = {"field": field, "mode": mode(), "status": status}
        if status != S.DRAFT:
            data |= {
                "unit": unit,
                "programme": programme,
                "planned_start": START,
                "planned_end": END,
            }
        if status in (S.ISSUED, S.STARTED, S.REJECTED, S.NOT_STARTED):
            data["sent_at"] = timezone.now()
        if status == S.NOT_STARTED:
            data |= {
                "decision": DecisionKind.NOT_STARTED,
                "decided_by_kind": decided_by,
                "decision_justification": "Diagnosta nie zgłosił się w jednostce.",
                "decided_at": timezone.now(),
            }
        return ReferralFactory(**(data | extra))

    return build


@pytest.fixture
def decided_referral(make):
    """Specjalizacja nierozpoczęta by the unit, with an attachment: every screen has content."""
    referral = make(S.NOT_STARTED)
    referral.decision_attachment.save("decyzja.pdf", SimpleUploadedFile("d.pdf", PDF))
    return referral
