""" "Przenoszę uprawnienia z SSOZI" (seed 003): the administrator imports the old system's
accounts, a person moves theirs into an active profile once."""

import pytest
from django.contrib.auth.hashers import make_password
from django.core.cache import cache
from django.core.management import CommandError, call_command
from django.urls import reverse

from accounts.models import InstitutionKind, Profile, Role
from smk.models import Event
from ssozi.models import LegacyAccount
from tests.factories import UserFactory, person_with_role

pytestmark = pytest.mark.django_db

WRONG = "Zabrakło wymaganych danych lub dane niepoprawne"


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()


def _csv(tmp_path, rows, header="login,password_hash,institution,roles"):
    path = tmp_path / "ssozi.csv"
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def legacy(tmp_path, mazowieckie):
    password_hash = make_password("stare-haslo-ssozi")
    call_command(
        "import_ssozi",
        _csv(tmp_path, [f"jkowalski,{password_hash},urzad_wojewodzki:14,uw;wojewoda"]),
    )
    return LegacyAccount.objects.get(login="jkowalski")


def test_import_reads_accounts_and_roles(legacy):
    assert legacy.institution_key == "urzad_wojewodzki:14"
    assert legacy.role_codes == [Role.UW, Role.WOJEWODA]
    assert legacy.password_hash.startswith("argon2") or "$" in legacy.password_hash


def test_a_bad_row_stops_the_whole_import(tmp_path, mazowieckie):
    password_hash = make_password("x")
    path = _csv(
        tmp_path,
        [
            f"dobry,{password_hash},urzad_wojewodzki:14,uw",
            f"zly,{password_hash},urzad_wojewodzki:14,diagnosta",  # not an office's role
            "bez-hasla,tekst-jawny,urzad_wojewodzki:14,uw",
            f"nieznana,{password_hash},regon:000000000,jednostka",
        ],
    )
    with pytest.raises(CommandError) as error:
        call_command("import_ssozi", path)
    assert "line 3" in str(error.value) and "line 4" in str(error.value)
    assert "line 5" in str(error.value)
    assert not LegacyAccount.objects.exists()


def test_the_start_screen_offers_the_move_to_a_person_without_a_profile(client):
    client.force_login(UserFactory())
    page = client.get(reverse("accounts:my_account")).content.decode()
    assert "Przenoszę uprawnienia z SSOZI" in page
    assert f'href="{reverse("ssozi:move")}"' in page


@pytest.mark.parametrize(
    ("login", "password"), [("jkowalski", "zle-haslo"), ("nieznany", "stare-haslo-ssozi")]
)
def test_a_wrong_login_or_password_gets_one_answer_and_changes_nothing(
    client, legacy, login, password
):
    user = UserFactory()
    client.force_login(user)
    page = client.get(reverse("ssozi:move")).content.decode()
    assert "Login i hasło konta SSOZ I" in page and "Podsumowanie i aktywacja profilu" in page
    response = client.post(reverse("ssozi:move"), {"login": login, "password": password})
    body = response.content.decode()
    assert response.status_code == 200
    assert WRONG in body and body.count("Wpisz poprawne dane") == 2
    assert not Profile.objects.filter(user=user).exists()
    legacy.refresh_from_db()
    assert legacy.moved_at is None


def test_the_right_login_and_password_make_an_active_profile_once(client, legacy):
    user = UserFactory()
    client.force_login(user)
    response = client.post(
        reverse("ssozi:move"), {"login": "jkowalski", "password": "stare-haslo-ssozi"}
    )
    profile = Profile.objects.get(user=user)
    assert response["Location"] == reverse("ssozi:summary", args=[profile.pk])
    assert profile.kind == InstitutionKind.VOIVODESHIP_OFFICE and profile.status == "aktywny"
    assert profile.role_codes == {Role.UW, Role.WOJEWODA}
    event = Event.objects.get(action="profile.moved_from_ssozi")
    assert event.user == user and event.data["login"] == "jkowalski"

    summary = client.get(response["Location"]).content.decode()
    assert "Przydzielone role" in summary and "Wojewoda" in summary
    assert "Mazowiecki Urząd Wojewódzki w Warszawie" in summary
    done = client.post(
        response["Location"],
        {"phone": "+48 22 123 45 67", "email": "jan@uw.example.pl", "version": profile.version},
    )
    assert done["Location"] == reverse("accounts:my_account")
    profile.refresh_from_db()
    assert profile.contact_email == "jan@uw.example.pl"

    again = client.post(
        reverse("ssozi:move"), {"login": "jkowalski", "password": "stare-haslo-ssozi"}
    )
    assert "zostały już przeniesione" in again.content.decode()
    other = UserFactory()
    client.force_login(other)
    client.post(reverse("ssozi:move"), {"login": "jkowalski", "password": "stare-haslo-ssozi"})
    assert not Profile.objects.filter(user=other).exists()
    assert Event.objects.filter(action="profile.moved_from_ssozi").count() == 1


def test_a_reimport_leaves_a_moved_account_as_it_is(client, legacy, tmp_path):
    user = UserFactory()
    client.force_login(user)
    client.post(reverse("ssozi:move"), {"login": "jkowalski", "password": "stare-haslo-ssozi"})
    call_command(
        "import_ssozi",
        _csv(tmp_path, [f"jkowalski,{make_password('nowe')},urzad_wojewodzki:14,uw"]),
    )
    legacy.refresh_from_db()
    assert legacy.moved_to == user and legacy.role_codes == [Role.UW, Role.WOJEWODA]


def test_failed_attempts_are_rate_limited_like_login(client, legacy):
    client.force_login(UserFactory())
    for _attempt in range(5):
        client.post(reverse("ssozi:move"), {"login": "jkowalski", "password": "zle"})
    response = client.post(
        reverse("ssozi:move"), {"login": "jkowalski", "password": "stare-haslo-ssozi"}
    )
    assert "Zbyt wiele nieudanych prób" in response.content.decode()
    legacy.refresh_from_db()
    assert legacy.moved_at is None


def test_another_persons_summary_answers_404(client, legacy):
    clerk = person_with_role(Role.UW)
    client.force_login(UserFactory())
    profile = Profile.objects.get(user=clerk)
    assert client.get(reverse("ssozi:summary", args=[profile.pk])).status_code == 404


def test_the_move_needs_a_login(client):
    response = client.get(reverse("ssozi:move"))
    assert response["Location"].startswith(reverse("account_login"))
