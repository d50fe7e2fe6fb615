"""The administrator corrects an application after its referral exists (issue 14, item 3):
the referral's copies follow in the same save, so the list, the search and the invariants
agree with the application."""

from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse

from smk.audit import history, log_event
from tests.factories import ReferralFactory

pytestmark = pytest.mark.django_db


def admin_form_data(response) -> dict:
    """What the browser would post back: the change form's own values, inlines included."""
    data = {}
    forms = [response.context["adminform"].form]
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        forms += list(formset.forms)
        data |= {
            f"{formset.prefix}-{name}": value
            for name, value in formset.management_form.initial.items()
        }
    for form in forms:
        for bound in form:
            value = bound.value()
            if value is None or value is False:
                continue
            if isinstance(value, list | tuple):
                data[bound.html_name] = [str(v) for v in value]
            elif value is True:
                data[bound.html_name] = "on"
            else:
                data[bound.html_name] = str(value)
    return data


def referral(**kwargs):
    """A referral with the start of its history, as the office's services make one."""
    made = ReferralFactory(**kwargs)
    log_event(made, "referral.created", new_status=made.status)
    return made


def invariants_hold():
    """``manage.py check_invariants`` (it raises CommandError on any violation)."""
    call_command("check_invariants", stdout=open("/dev/null", "w"))  # noqa: SIM115
    return True


def correct_in_admin(client, application, **changes):
    url = reverse("admin:qualification_application_change", args=[application.pk])
    page = client.get(url)
    assert page.status_code == 200
    response = client.post(url, admin_form_data(page) | changes, follow=True)
    assert response.status_code == 200
    assert not response.context.get("errors"), response.context.get("errors")
    return response


def test_a_surname_corrected_in_the_admin_is_what_the_referral_list_searches(
    mfa_admin_client, uw_mazowieckie, client
):
    made = referral(application__first_name="Anna", application__last_name="Kowalska")
    response = correct_in_admin(mfa_admin_client, made.application, last_name="Nowak")

    made.refresh_from_db()
    assert made.applicant_name == "Anna Nowak"
    assert made.number in response.content.decode()  # "Zaktualizowano … w skierowaniach"
    assert invariants_hold()
    client.force_login(uw_mazowieckie)
    list_page = client.get(reverse("referrals:referral_list"), {"name": "Nowak"})
    assert made.number in list_page.content.decode()
    event = [e for e in history(made) if e.action == "referral.copies_updated"][-1]
    assert event.data["applicant_name"] == ["Anna Kowalska", "Anna Nowak"]
    assert event.user.is_superuser


def test_points_corrected_in_the_admin_move_the_referral_in_the_list_order(mfa_admin_client):
    made = referral(application__points=Decimal("40.00"))
    correct_in_admin(mfa_admin_client, made.application, points="55.50")

    made.refresh_from_db()
    assert made.rank_points == Decimal("55.50")
    assert invariants_hold()


def test_an_admin_edit_of_other_fields_leaves_the_referral_s_history_alone(mfa_admin_client):
    made = referral()
    before = history(made).count()
    correct_in_admin(mfa_admin_client, made.application, pesel=made.application.pesel)

    assert history(made).count() == before
