"""The search forms' drop-down lists (smk/widgets.py, smk/filters.py)."""

from urllib.parse import urlencode

import django_filters
import pytest
from django import forms
from django.http import QueryDict
from django.template.loader import render_to_string
from django.test.html import parse_html
from django.utils.translation import gettext_lazy as _

from referrals.models import Referral
from smk.filters import FilterSet
from smk.widgets import FastSelect, FastTextInput

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


@pytest.mark.parametrize("value", [None, "", "SK/2026/14", 'Nowak "<b>" & Syn', 0, "\u200fאב"])
def test_the_fast_text_input_writes_what_django_s_text_input_writes(value):
    attrs = {"id": "id_name", "aria-describedby": "id_name_helptext", "maxlength": 32}
    ours = FastTextInput(attrs={"class": "wide", "disabled": False, "required": True})
    django = forms.TextInput(attrs={"class": "wide", "disabled": False, "required": True})
    assert parse_html(ours.render("name", value, attrs=attrs)) == parse_html(
        django.render("name", value, attrs=attrs)
    )


class SearchForm(FilterSet):
    """Every kind of field a search form has: text (with help, required), drop-down lists."""

    number = django_filters.CharFilter(label=_("Numer <skierowania>"), required=True)
    unit = django_filters.CharFilter(label=_("Jednostka"), help_text=_("nazwa & NIP"))
    status = django_filters.ChoiceFilter(choices=CHOICES[1:], empty_label=_("wszystkie"))
    attention = django_filters.ChoiceFilter(choices=CHOICES[1:], label="Wymaga działania")


@pytest.mark.parametrize(
    "data",
    [
        {"number": "SK/1"},
        {"number": '"<b>"', "unit": "Szpital & Co", "status": "b", "attention": "3"},
        {"number": "SK/1", "status": "missing"},  # an error: the template writes it
        {},  # the required number is missing: an error
    ],
)
def test_a_search_form_s_fields_are_what_the_form_field_partial_writes(data):
    search = SearchForm(QueryDict(urlencode(data)), queryset=Referral.objects.none())

    assert parse_html(search.fields_html()) == parse_html(
        render_to_string("partials/form_fields.html", {"form": search.form})
    )
