"""What a programme asks for (issue 17, item 1): modules, courses, internships with their
weeks, procedures with the number required, and the programme's length in years — reference
data the administrator edits in the admin, with demo data for every demo programme."""

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from reference import demo as reference_demo
from reference.models import ElementKind, Programme, ProgrammeElement, ProgrammeModule
from tests.admin.test_application_corrections import admin_form_data
from tests.factories import FieldFactory, ProgrammeFactory, mode

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("months", "years"), [(12, 1), (42, 4), (48, 4), (60, 5)])
def test_the_programme_length_in_years_follows_from_its_months(months, years):
    assert ProgrammeFactory.build(duration_months=months).duration_years == years


def test_a_programme_lists_its_modules_and_their_elements_in_order():
    programme = ProgrammeFactory()
    second = ProgrammeModule.objects.create(programme=programme, number=2, name="Moduł B")
    first = ProgrammeModule.objects.create(programme=programme, number=1, name="Moduł A")
    ProgrammeElement.objects.create(
        module=first, number=2, kind=ElementKind.PROCEDURE, name="Posiew", required_count=20
    )
    ProgrammeElement.objects.create(
        module=first, number=1, kind=ElementKind.INTERNSHIP, name="Staż", weeks=4
    )
    ProgrammeElement.objects.create(module=second, kind=ElementKind.COURSE, name="Kurs")
    assert list(programme.modules.all()) == [first, second]
    assert [(e.name, e.requirement) for e in first.elements.all()] == [
        ("Staż", "4 tyg."),
        ("Posiew", "20 wykonań"),
    ]


@pytest.mark.parametrize(
    ("kind", "weeks", "count"),
    [
        (ElementKind.INTERNSHIP, None, None),  # an internship needs its weeks
        (ElementKind.INTERNSHIP, 0, None),
        (ElementKind.PROCEDURE, None, None),  # a procedure needs its number
        (ElementKind.COURSE, 4, None),  # a course has neither
        (ElementKind.COURSE, None, 3),
    ],
)
def test_the_database_refuses_an_element_without_what_its_kind_needs(kind, weeks, count):
    module = ProgrammeModule.objects.create(programme=ProgrammeFactory(), name="Moduł")
    with pytest.raises(IntegrityError), transaction.atomic():
        ProgrammeElement.objects.create(
            module=module, kind=kind, name="Element", weeks=weeks, required_count=count
        )


def test_the_administrator_adds_a_programme_with_its_duration_and_first_module(
    mfa_admin_client,
):
    field = FieldFactory()
    url = reverse("admin:reference_programme_add")
    page = mfa_admin_client.get(url)
    assert page.status_code == 200
    data = admin_form_data(page) | {
        "field": str(field.pk),
        "mode": str(mode().pk),
        "name": "Program specjalizacji 2026",
        "duration_months": "",
        "valid_from": "2026-01-01",
        "modules-TOTAL_FORMS": "1",
        "modules-0-number": "1",
        "modules-0-name": "Moduł podstawowy",
    }
    refused = mfa_admin_client.post(url, data)
    assert refused.status_code == 200
    assert "duration_months" in refused.context["adminform"].form.errors
    assert not Programme.objects.filter(field=field).exists()

    saved = mfa_admin_client.post(url, data | {"duration_months": "42"})
    assert saved.status_code == 302, saved.context["adminform"].form.errors
    programme = Programme.objects.get(field=field)
    assert (programme.duration_months, programme.duration_years) == (42, 4)
    assert [m.name for m in programme.modules.all()] == ["Moduł podstawowy"]
    change = mfa_admin_client.get(reverse("admin:reference_programme_change", args=[programme.pk]))
    assert "czas trwania (lata)" in change.content.decode().lower()


def test_the_administrator_edits_modules_on_the_programme_and_elements_on_the_module(
    mfa_admin_client,
):
    programme = ProgrammeFactory(duration_months=42)
    url = reverse("admin:reference_programme_change", args=[programme.pk])
    page = mfa_admin_client.get(url)
    assert "czas trwania (lata)" in page.content.decode().lower()
    data = admin_form_data(page) | {
        "modules-TOTAL_FORMS": "1",
        "modules-0-number": "1",
        "modules-0-name": "Moduł podstawowy",
    }
    assert mfa_admin_client.post(url, data).status_code == 302
    module = programme.modules.get()

    url = reverse("admin:reference_programmemodule_change", args=[module.pk])
    page = mfa_admin_client.get(url)
    data = admin_form_data(page) | {
        "elements-TOTAL_FORMS": "2",
        "elements-0-number": "1",
        "elements-0-kind": ElementKind.INTERNSHIP,
        "elements-0-name": "Staż kierunkowy",
        "elements-0-weeks": "6",
        "elements-1-number": "2",
        "elements-1-kind": ElementKind.PROCEDURE,
        "elements-1-name": "Procedura bez liczby",
    }
    refused = mfa_admin_client.post(url, data)
    assert refused.status_code == 200
    assert "Podaj wymaganą liczbę wykonań" in refused.content.decode()
    saved = mfa_admin_client.post(url, data | {"elements-1-required_count": "5"})
    assert saved.status_code == 302
    assert [(e.kind, e.weeks, e.required_count) for e in module.elements.all()] == [
        (ElementKind.INTERNSHIP, 6, None),
        (ElementKind.PROCEDURE, None, 5),
    ]


def test_every_demo_programme_asks_for_courses_internships_and_procedures():
    reference_demo.seed()
    first = ProgrammeElement.objects.count()
    reference_demo.seed()
    assert ProgrammeElement.objects.count() == first  # a second run adds nothing
    for programme in Programme.objects.all():
        kinds = set(
            ProgrammeElement.objects.filter(module__programme=programme).values_list(
                "kind", flat=True
            )
        )
        assert kinds == set(ElementKind.values), programme
    modular = Programme.objects.get(name__endswith="modułowy")
    assert modular.duration_years == 4
    assert modular.modules.count() == 3
