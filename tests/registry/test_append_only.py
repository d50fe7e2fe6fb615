"""Register entries and EKS cards are never changed or deleted: not in code, not in the admin."""

import pytest
from django.urls import reverse

from registry.models import EKS, RegisterEntry
from smk.models import AppendOnlyError
from tests.registry.conftest import start_entry

pytestmark = pytest.mark.django_db


@pytest.fixture
def entry(unit_mazowieckie):
    return start_entry(unit_mazowieckie)


@pytest.fixture
def eks(unit_mazowieckie):
    import datetime

    from registry.services import create_eks
    from tests.factories import ProgrammeFactory
    from tests.registry.conftest import sent_referral

    referral = sent_referral(
        unit_mazowieckie,
        programme=ProgrammeFactory(),
        planned_start=datetime.date(2026, 10, 1),
        planned_end=datetime.date(2030, 9, 30),
    )
    return create_eks(referral)


def test_saving_an_existing_entry_is_refused(entry):
    entry.reason = "zmiana"
    with pytest.raises(AppendOnlyError):
        entry.save()
    assert RegisterEntry.objects.get(pk=entry.pk).reason == ""


def test_a_queryset_update_of_entries_is_refused(entry):
    with pytest.raises(AppendOnlyError):
        RegisterEntry.objects.filter(pk=entry.pk).update(reason="zmiana")


def test_deleting_an_entry_is_refused_one_by_one_and_in_bulk(entry):
    with pytest.raises(AppendOnlyError):
        entry.delete()
    with pytest.raises(AppendOnlyError):
        RegisterEntry.objects.filter(pk=entry.pk).delete()
    assert RegisterEntry.objects.filter(pk=entry.pk).exists()


def admin_urls(obj):
    meta = obj._meta
    prefix = f"admin:{meta.app_label}_{meta.model_name}"
    return {
        "changelist": reverse(f"{prefix}_changelist"),
        "add": reverse(f"{prefix}_add"),
        "change": reverse(f"{prefix}_change", args=[obj.pk]),
        "delete": reverse(f"{prefix}_delete", args=[obj.pk]),
    }


@pytest.fixture(params=["entry", "eks"])
def row(request):
    return request.getfixturevalue(request.param)


def test_the_admin_lists_and_shows_rows_without_any_way_to_save(mfa_admin_client, row):
    client = mfa_admin_client
    urls = admin_urls(row)
    changelist = client.get(urls["changelist"])
    assert changelist.status_code == 200
    assert row.number in changelist.content.decode()
    assert urls["add"] not in changelist.content.decode()
    page = client.get(urls["change"])
    assert page.status_code == 200
    content = page.content.decode()
    assert row.number in content
    for button in ('name="_save"', 'name="_continue"', 'name="_addanother"'):
        assert button not in content
    assert urls["delete"] not in content


def test_the_admin_refuses_to_add_change_or_delete(mfa_admin_client, row):
    client = mfa_admin_client
    urls = admin_urls(row)
    assert client.get(urls["add"]).status_code == 403
    assert client.post(urls["add"], {"number": "X"}).status_code == 403
    assert client.post(urls["change"], {"number": "ZMIENIONY"}).status_code == 403
    assert client.get(urls["delete"]).status_code == 403
    assert client.post(urls["delete"], {"post": "yes"}).status_code == 403
    model = type(row)
    assert model.objects.get(pk=row.pk).number == row.number


def test_the_admin_offers_no_bulk_delete(mfa_admin_client, row):
    client = mfa_admin_client
    urls = admin_urls(row)
    assert "delete_selected" not in client.get(urls["changelist"]).content.decode()
    client.post(
        urls["changelist"],
        {"action": "delete_selected", "_selected_action": [row.pk], "post": "yes"},
    )
    assert type(row).objects.filter(pk=row.pk).exists()


def test_eks_and_entries_are_both_registered_read_only(client_of, administrator):
    from django.contrib import admin

    for model in (RegisterEntry, EKS):
        model_admin = admin.site._registry[model]
        assert not model_admin.has_add_permission(None)
        assert not model_admin.has_change_permission(None)
        assert not model_admin.has_delete_permission(None)
