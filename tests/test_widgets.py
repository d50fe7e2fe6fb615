"""The search forms' drop-down lists (smk/widgets.py, smk/filters.py)."""

import pytest
from django import forms
from django.test.html import parse_html
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.models import Role
from smk.widgets import FastSelect
from tests.factories import TrainingUnitFactory, person_with_role

CHOICES = [
    ("", _("wszystkie")),
    ("a", "Laboratorium <Centralne> & Spółka"),
    ("b", _("Przydzielone")),
    (3, "trzy"),
]


@pytest.mark.parametrize("value", [None, "", "b", 3, "missing"])
def test_the_fast_select_writes_what_django_s_select_writes(value):
    attrs = {"id": "id_status", "aria-describedby": "id_status_helptext", "disabled": False}
    ours = FastSelect(choices=CHOICES).render("status", value, attrs=attrs)
    django = forms.Select(choices=CHOICES).render("status", value, attrs=attrs)
    assert parse_html(ours) == parse_html(django)


def test_grouped_choices_are_left_to_django_s_templates():
    grouped = [("Mazowieckie", [("1", "Warszawa")]), ("2", "Kraków")]
    ours = FastSelect(choices=grouped).render("unit", "1")
    assert parse_html(ours) == parse_html(forms.Select(choices=grouped).render("unit", "1"))


@pytest.mark.django_db
def test_a_unit_of_another_voivodeship_in_the_search_is_refused_next_to_the_field(
    client, mazowieckie, malopolskie
):
    TrainingUnitFactory(voivodeship=mazowieckie, name="Laboratorium Mazowieckie")
    foreign = TrainingUnitFactory(voivodeship=malopolskie, name="Laboratorium Małopolskie")
    client.force_login(person_with_role(Role.UW, voivodeship=mazowieckie))

    page = client.get(reverse("referrals:referral_list"), {"unit": foreign.pk}).content.decode()

    assert "Wybierz poprawną wartość" in page
    assert "Laboratorium Mazowieckie" in page
    assert "Laboratorium Małopolskie" not in page
