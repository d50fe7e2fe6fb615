""" "Zatwierdź" locks the application, gives it its number and makes it visible to the office
(which sees only approved applications); "Drukuj" gives its PDF, only after approval."""

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from qualification.models import Application, ApplicationStatus
from qualification.services.applicant import (
    ApplicantError,
    approve_application,
    update_draft,
)
from qualification.services.closing import application_number_prefix
from smk.audit import history
from tests.applicant.conftest import applicant_data, create, profile_of
from tests.factories import ApplicationFactory, PreferredUnitFactory, voivodeship

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(applicant, session, field, residency, units):
    return create(
        applicant,
        session,
        "mazowieckie",
        field,
        residency,
        [units["maz1"], units["maz2"]],
        data=applicant_data(first_name="Małgorzata", last_name="Żółkiewska-Ślązak"),
    ).application


def url(name, application):
    return reverse(f"qualification:{name}", args=[application.pk])


def approve_via_screen(client, application):
    application.refresh_from_db()
    return client.post(
        url("applicant_approve", application), {"version": application.version}, follow=True
    )


def test_zatwierdz_locks_the_application_and_gives_it_its_number(
    client_of, applicant, draft, session, today
):
    client = client_of(applicant)
    confirmation = client.get(url("applicant_approve", draft)).content.decode()
    assert "nie będzie można go już modyfikować" in confirmation
    draft_number = draft.number

    response = approve_via_screen(client, draft)

    draft.refresh_from_db()
    assert draft.status == ApplicationStatus.APPROVED
    assert draft.approved_at is not None
    prefix = application_number_prefix(session, voivodeship("mazowieckie"))
    assert draft.number.startswith(f"{prefix}/") and draft.number != draft_number
    page = response.content.decode()
    assert f"otrzymał numer {draft.number}" in page
    assert "Drukuj" in page
    (event,) = [e for e in history(draft) if e.action == "application.approved"]
    assert event.data["number"] == [draft_number, draft.number]


def test_approval_keeps_a_number_the_application_already_has(applicant, session, field, units):
    """The demo applicant's draft was given its number up front: approval keeps it."""
    number = f"{application_number_prefix(session, voivodeship('mazowieckie'))}/00077"
    application = ApplicationFactory(
        number=number, session=session, field=field, applicant=applicant,
        status=ApplicationStatus.DRAFT, approved_at=None, **{
            k: v for k, v in applicant_data().items() if k not in ("pesel",)},
    )  # fmt: skip
    PreferredUnitFactory(application=application, unit=units["maz1"], position=1)

    approved = approve_application(
        application.pk, user=applicant, profile=profile_of(applicant),
        version=application.version, day=session.applications_from,
    )  # fmt: skip
    assert approved.number == number


def test_the_office_sees_the_application_only_once_approved(
    client_of, applicant, draft, uw_mazowieckie, uw_malopolskie
):
    office_list = reverse("qualification:application_list") + "?session="
    detail = reverse("qualification:application_detail", args=[draft.pk])
    office = client_of(uw_mazowieckie)
    assert draft.number not in office.get(office_list).content.decode()
    assert office.get(detail).status_code == 404

    approve_via_screen(client_of(applicant), draft)
    draft.refresh_from_db()

    office = client_of(uw_mazowieckie)
    assert draft.number in office.get(office_list).content.decode()
    assert office.get(detail).status_code == 200
    other_office = client_of(uw_malopolskie)
    assert draft.number not in other_office.get(office_list).content.decode()
    assert other_office.get(detail).status_code == 404


def test_an_approved_application_cannot_be_changed(client_of, applicant, draft, units):
    client = client_of(applicant)
    approve_via_screen(client, draft)
    draft.refresh_from_db()

    response = client.get(url("applicant_edit", draft), follow=True)
    assert "zatwierdzonego wniosku nie można już modyfikować" in response.content.decode()
    post = {**applicant_data(first_name="Zmieniona"), "version": draft.version,
            "unit_1": units["maz3"].pk}  # fmt: skip
    client.post(url("applicant_edit", draft), post)
    with pytest.raises(ApplicantError, match="nie można już modyfikować"):
        update_draft(
            draft.pk, user=applicant, profile=profile_of(applicant),
            data=applicant_data(first_name="Zmieniona"), unit_ids=[units["maz3"].pk],
            version=draft.version, day=draft.session.applications_from,
        )  # fmt: skip
    response = approve_via_screen(client, draft)
    assert "nie można już modyfikować" in response.content.decode()

    draft.refresh_from_db()
    assert draft.first_name == "Małgorzata"
    assert draft.status == ApplicationStatus.APPROVED
    detail = client.get(url("applicant_detail", draft)).content.decode()
    assert url("applicant_edit", draft) not in detail
    assert url("applicant_approve", draft) not in detail


def test_a_stale_approval_is_refused(client_of, applicant, draft, units):
    client = client_of(applicant)
    version = draft.version
    update_draft(
        draft.pk, user=applicant, profile=profile_of(applicant),
        data=applicant_data(first_name="Nowe"), unit_ids=[units["maz1"].pk],
        version=version, day=draft.session.applications_from,
    )  # fmt: skip
    response = client.post(url("applicant_approve", draft), {"version": version}, follow=True)
    assert "zmieniony" in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == ApplicationStatus.DRAFT


def test_an_incomplete_draft_cannot_be_approved(client_of, applicant, draft):
    Application.objects.filter(pk=draft.pk).update(university="", graduation_year=None)
    client = client_of(applicant)

    page = client.get(url("applicant_approve", draft)).content.decode()
    assert "Wniosku nie można teraz zatwierdzić" in page
    assert "uczelnia, rok ukończenia studiów" in page
    assert 'name="version"' not in page

    approve_via_screen(client, draft)
    draft.refresh_from_db()
    assert draft.status == ApplicationStatus.DRAFT


def test_a_preferred_unit_that_lost_its_accreditation_blocks_approval(
    applicant, draft, units, today
):
    units["maz2"].accreditations.update(valid_to=today.replace(year=today.year - 1))
    with pytest.raises(ApplicantError, match="nie ma aktywnej akredytacji"):
        approve_application(
            draft.pk, user=applicant, profile=profile_of(applicant), version=draft.version,
            day=today,
        )  # fmt: skip


def test_an_inactive_application_cannot_be_approved(
    client_of, applicant, draft, session, field, residency, units
):
    create(applicant, session, "mazowieckie", field, residency, [units["maz3"]])
    response = approve_via_screen(client_of(applicant), draft)
    assert "jest nieaktywny" in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == ApplicationStatus.INACTIVE


# --- Drukuj ----------------------------------------------------------------------------------


def test_drukuj_before_approval_is_refused(client_of, applicant, draft):
    client = client_of(applicant)
    assert (
        url("applicant_print", draft)
        not in client.get(url("applicant_detail", draft)).content.decode()
    )

    response = client.get(url("applicant_print", draft), follow=True)

    assert response.redirect_chain[-1][0] == url("applicant_detail", draft)
    assert "Wydruk jest dostępny dopiero po zatwierdzeniu wniosku" in response.content.decode()


def test_drukuj_gives_the_approved_application_as_a_pdf(client_of, applicant, draft, units):
    client = client_of(applicant)
    approve_via_screen(client, draft)
    draft.refresh_from_db()
    assert (
        url("applicant_print", draft) in client.get(url("applicant_detail", draft)).content.decode()
    )

    response = client.get(url("applicant_print", draft))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert draft.number.replace("/", "-") in response["Content-Disposition"]
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "Wniosek o rozpoczęcie szkolenia specjalizacyjnego" in text
    assert draft.number in text
    assert "Małgorzata" in text and "Żółkiewska-Ślązak" in text
    assert draft.pesel in text
    assert units["maz1"].name in text and units["maz2"].name in text
    assert "laboratoryjna diagnostyka medyczna" in text
    assert "data i podpis wnioskodawcy" in text
