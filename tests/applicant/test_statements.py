"""Seed 002's statements: a second residency (SECOND_RESIDENCY_RULE), the preferred mode when
applying in both modes, a limited right to practise — in the form, on the print and shown to
the office."""

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from qualification.models import Application, ApplicationStatus
from qualification.services.applicant import ApplicantError, approve_application
from tests.applicant.conftest import applicant_data, create, profile_of
from tests.factories import ApplicationFactory, SessionFactory, mode, voivodeship

pytestmark = pytest.mark.django_db


@pytest.fixture
def qualified_for_residency_before(applicant, field):
    """The applicant was qualified for residency in an earlier session."""
    return ApplicationFactory(
        applicant=applicant,
        session=SessionFactory(name="Sesja wiosenna — dawna"),
        field=field,
        mode=mode("rezydentura"),
        qualified=True,
        number="WN/2025/14/00001",
    )


def approve(application, user):
    application.refresh_from_db()
    return approve_application(
        application.pk, user=user, profile=profile_of(user), version=application.version,
        day=application.session.applications_from,
    )  # fmt: skip


class TestSecondResidency:
    def test_is_refused_by_default_with_the_earlier_qualification_named(
        self, applicant, session, field, residency, units, qualified_for_residency_before
    ):
        with pytest.raises(ApplicantError, match="WN/2025/14/00001"):
            create(applicant, session, "mazowieckie", field, residency, [units["maz1"]])
        assert not Application.objects.filter(session=session).exists()

    def test_is_refused_in_step_one_next_to_the_mode(
        self, client_of, applicant, session, field, residency, units,
        qualified_for_residency_before,
    ):  # fmt: skip
        response = client_of(applicant).get(
            reverse("qualification:applicant_create"),
            {
                "session": session.pk,
                "voivodeship": voivodeship("mazowieckie").pk,
                "field": field.pk,
                "mode": residency.pk,
            },
        )
        assert "ponownego wniosku o odbywanie rezydentury nie można" in " ".join(
            response.context["form"].errors["mode"]
        )

    def test_the_same_pesel_on_another_account_counts_too(
        self, applicant, session, field, residency, units
    ):
        data = applicant_data()
        ApplicationFactory(
            pesel=data["pesel"], mode=mode("rezydentura"), qualified=True,
            session=SessionFactory(name="Inna sesja"),
        )  # fmt: skip
        with pytest.raises(ApplicantError):
            create(applicant, session, "mazowieckie", field, residency, [units["maz1"]], data=data)

    def test_outside_residency_the_applicant_may_apply(
        self, applicant, session, field, non_residency, units, qualified_for_residency_before
    ):
        created = create(applicant, session, "mazowieckie", field, non_residency, [units["maz1"]])
        assert not created.application.repeat_residency and not created.warning

    def test_warn_lets_the_applicant_apply_and_flags_it_to_the_office(
        self, settings, client_of, applicant, uw_mazowieckie, session, field, residency, units,
        qualified_for_residency_before,
    ):  # fmt: skip
        settings.SECOND_RESIDENCY_RULE = "warn"
        created = create(applicant, session, "mazowieckie", field, residency, [units["maz1"]])
        assert "WN/2025/14/00001" in created.warning
        application = approve(created.application, applicant)
        assert application.repeat_residency
        office = client_of(uw_mazowieckie)
        page = office.get(reverse("qualification:application_detail", args=[application.pk]))
        assert "Ponowny wniosek o rezydenturę" in page.content.decode()
        listed = office.get(reverse("qualification:application_list"), {"repeat_residency": "tak"})
        assert [a.pk for a in listed.context["page_obj"]] == [application.pk]
        none = office.get(reverse("qualification:application_list"), {"repeat_residency": "nie"})
        assert application.pk not in [a.pk for a in none.context["page_obj"]]

    def test_off_lets_the_applicant_apply_without_a_flag(
        self, settings, applicant, session, field, residency, units,
        qualified_for_residency_before,
    ):  # fmt: skip
        settings.SECOND_RESIDENCY_RULE = "off"
        created = create(applicant, session, "mazowieckie", field, residency, [units["maz1"]])
        assert not created.application.repeat_residency


class TestBothModes:
    def test_the_second_mode_needs_the_statement_of_the_preferred_mode(
        self, applicant, session, field, residency, non_residency, units
    ):
        first = create(applicant, session, "mazowieckie", field, residency, [units["maz1"]])
        second = create(applicant, session, "mazowieckie", field, non_residency, [units["maz1"]])
        with pytest.raises(ApplicantError, match="wskaż w oświadczeniu preferowany tryb"):
            approve(second.application, applicant)
        Application.objects.filter(pk=second.application.pk).update(preferred_mode=residency)
        assert approve(second.application, applicant).status == ApplicationStatus.APPROVED
        # The first one too: its other mode is active now.
        with pytest.raises(ApplicantError, match="preferowany tryb"):
            approve(first.application, applicant)

    def test_one_mode_needs_no_statement(self, applicant, session, field, residency, units):
        created = create(applicant, session, "mazowieckie", field, residency, [units["maz1"]])
        assert approve(created.application, applicant).preferred_mode is None


def test_the_statements_are_in_the_form_on_the_print_and_shown_to_the_office(
    client_of, applicant, uw_mazowieckie, session, field, residency, non_residency, units
):
    create(applicant, session, "mazowieckie", field, non_residency, [units["maz1"]])
    data = applicant_data(limited_licence=True, preferred_mode=non_residency)
    created = create(
        applicant, session, "mazowieckie", field, residency, [units["maz1"]], data=data
    )
    client = client_of(applicant)
    edit = client.get(reverse("qualification:applicant_edit", args=[created.application.pk]))
    form = edit.context["form"]
    assert form["limited_licence"].value() is True
    assert "Posiadam ograniczone prawo wykonywania zawodu" in edit.content.decode()
    application = approve(created.application, applicant)

    response = client.get(reverse("qualification:applicant_print", args=[application.pk]))
    text = " ".join(
        " ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(response.content)).pages
    )
    assert "posiada ograniczone prawo wykonywania zawodu" in text
    assert "wskazuję tryb: poza rezydenturą" in text

    office = client_of(uw_mazowieckie)
    page = office.get(reverse("qualification:application_detail", args=[application.pk]))
    body = page.content.decode()
    assert "Ograniczone prawo wykonywania zawodu" in body and "poza rezydenturą" in body
    listed = office.get(reverse("qualification:application_list"), {"limited_licence": "tak"})
    assert [a.pk for a in listed.context["page_obj"]] == [application.pk]


def test_a_limited_licence_is_saved_when_editing_a_draft(
    client_of, applicant, session, field, residency, units
):
    created = create(applicant, session, "mazowieckie", field, residency, [units["maz1"]])
    application = created.application
    from qualification.services.applicant import update_draft

    update_draft(
        application.pk, user=applicant, profile=profile_of(applicant),
        data=applicant_data(limited_licence=True, pesel=application.pesel),
        unit_ids=[units["maz1"].pk], version=application.version,
        day=session.applications_from,
    )  # fmt: skip
    application.refresh_from_db()
    assert application.limited_licence is True
