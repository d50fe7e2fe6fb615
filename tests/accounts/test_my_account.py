""" "Moje konto": profile statuses, withdrawing, contact data, the reminder after login."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts import services
from accounts.institutions import Institution
from accounts.models import (
    WITHDRAWN_REASON,
    Profile,
    ProfileRole,
    ProfileStatus,
    Role,
    RoleRequest,
    RoleRequestStatus,
)
from tests.accounts.conftest import malopolskie_office, upload
from tests.factories import ProfileFactory, TrainingUnitFactory, UserFactory

pytestmark = pytest.mark.django_db

MY_ACCOUNT = reverse("accounts:my_account")


def status(profile):
    return Profile.objects.get(pk=profile.pk).status


class TestProfileStatus:
    """Seed 003: nieaktywowany, aktywny, odrzucony, zablokowany."""

    def test_a_pending_request_without_an_approved_one_is_nieaktywowany(self, pending_uw_request):
        assert status(pending_uw_request.profile) == ProfileStatus.NOT_ACTIVATED

    def test_one_approved_request_makes_the_profile_aktywny(
        self, mfa_administrator, submit, office_mazowieckie
    ):
        batch = submit(office_mazowieckie, [Role.UW, Role.WOJEWODA])
        uw, wojewoda = batch.requests.get(role=Role.UW), batch.requests.get(role=Role.WOJEWODA)
        services.reject_request(
            wojewoda.pk, user=mfa_administrator, acting_profile=None, reason="Brak upoważnienia"
        )
        assert status(batch.profile) == ProfileStatus.NOT_ACTIVATED
        services.approve_request(uw.pk, user=mfa_administrator, acting_profile=None)
        assert status(batch.profile) == ProfileStatus.ACTIVE

    def test_a_rejected_request_leaves_the_profile_nieaktywowany_until_archived(
        self, mfa_administrator, pending_uw_request
    ):
        services.reject_request(
            pending_uw_request.pk,
            user=mfa_administrator,
            acting_profile=None,
            reason="Nieczytelny skan",
        )
        assert status(pending_uw_request.profile) == ProfileStatus.NOT_ACTIVATED

    def test_every_request_zarchiwizowany_makes_it_odrzucony(
        self, mfa_administrator, pending_uw_request, settings
    ):
        services.reject_request(
            pending_uw_request.pk,
            user=mfa_administrator,
            acting_profile=None,
            reason="Nieczytelny skan",
        )
        days = settings.ROLE_REQUEST_ARCHIVE_DAYS
        assert services.archive_due_requests(timezone.now() + timedelta(days=days - 1)) == 0
        assert status(pending_uw_request.profile) == ProfileStatus.NOT_ACTIVATED
        assert services.archive_due_requests(timezone.now() + timedelta(days=days + 1)) == 1
        request = RoleRequest.objects.get()
        assert request.status == RoleRequestStatus.ARCHIVED
        assert request.get_status_display() == "zarchiwizowany"
        assert status(pending_uw_request.profile) == ProfileStatus.REJECTED
        assert services.archive_due_requests(timezone.now() + timedelta(days=days + 2)) == 0

    def test_one_live_request_keeps_a_profile_with_archived_ones_nieaktywowany(
        self, mfa_administrator, submit, office_mazowieckie, settings
    ):
        batch = submit(office_mazowieckie, [Role.UW, Role.WOJEWODA])
        wojewoda = batch.requests.get(role=Role.WOJEWODA)
        services.reject_request(
            wojewoda.pk, user=mfa_administrator, acting_profile=None, reason="Brak upoważnienia"
        )
        later = timezone.now() + timedelta(days=settings.ROLE_REQUEST_ARCHIVE_DAYS + 1)
        assert services.archive_due_requests(later) == 1
        assert status(batch.profile) == ProfileStatus.NOT_ACTIVATED

    def test_the_administrators_block_wins_over_everything(self, mfa_administrator, uw_mazowieckie):
        profile = uw_mazowieckie.profiles.get()
        assert status(profile) == ProfileStatus.ACTIVE
        services.block_profile(
            profile.pk, user=mfa_administrator, acting_profile=None, reason="Koniec umowy"
        )
        assert status(profile) == ProfileStatus.BLOCKED
        services.unblock_profile(profile.pk, user=mfa_administrator, acting_profile=None)
        assert status(profile) == ProfileStatus.ACTIVE

    def test_roles_given_directly_count_as_active(self, uw_mazowieckie):
        assert status(uw_mazowieckie.profiles.get()) == ProfileStatus.ACTIVE

    def test_the_annotation_and_the_property_agree(self, pending_uw_request, uw_mazowieckie):
        for profile in Profile.objects.with_status():
            assert profile.status == Profile.objects.get(pk=profile.pk).status


class TestWithdraw:
    def test_the_confirmation_then_tak_wycofaj_wniosek(
        self, client_of, requester, pending_uw_request
    ):
        client = client_of(requester)
        url = reverse("accounts:withdraw_request", args=[pending_uw_request.pk])
        page = client.get(url).content.decode()
        assert "Uwaga! Wycofujesz złożony wniosek" in page
        assert "Tak, wycofaj wniosek" in page and "Nie" in page
        assert RoleRequest.objects.get().status == RoleRequestStatus.PENDING
        client.post(url)
        request = RoleRequest.objects.get()
        assert request.status == RoleRequestStatus.REJECTED
        assert request.rejection_reason == str(WITHDRAWN_REASON) == "Wycofany przez wnioskującego"
        # Seed 003: "o statusie profilu Nieaktywowany" after a withdrawal.
        assert request.profile.status == ProfileStatus.NOT_ACTIVATED
        others = client.get(MY_ACCOUNT).content.decode()
        assert "Wycofany przez wnioskującego" in others

    def test_a_decided_request_cannot_be_withdrawn(self, client_of, requester, pending_uw_request):
        services.withdraw_request(pending_uw_request.pk, user=requester)
        with pytest.raises(services.AccountsError):
            services.withdraw_request(pending_uw_request.pk, user=requester)
        url = reverse("accounts:withdraw_request", args=[pending_uw_request.pk])
        assert client_of(requester).get(url).url == MY_ACCOUNT

    def test_another_persons_request_answers_404(self, client_of, pending_uw_request):
        url = reverse("accounts:withdraw_request", args=[pending_uw_request.pk])
        stranger = client_of(UserFactory())
        assert stranger.get(url).status_code == 404
        assert stranger.post(url).status_code == 404
        assert RoleRequest.objects.get().status == RoleRequestStatus.PENDING


class TestMyAccountPage:
    def test_three_sections_with_what_belongs_in_each(
        self, client_of, requester, submit, office_mazowieckie, mfa_administrator
    ):
        active = ProfileFactory(user=requester, roles=[Role.UW])  # mazowieckie, active
        pending = submit(malopolskie_office(), [Role.UW, Role.WOJEWODA])
        unit = TrainingUnitFactory(name="Laboratorium Odrzucone")
        rejected = submit(Institution.training_unit(unit), [Role.UNIT_STAFF]).requests.get()
        services.reject_request(
            rejected.pk, user=mfa_administrator, acting_profile=None, reason="Błędna jednostka"
        )
        response = client_of(requester).get(MY_ACCOUNT)
        assert [p.pk for p in response.context["active"].page_obj] == [active.pk]
        assert {r.number for r in response.context["pending"].page_obj} == set(
            pending.requests.values_list("number", flat=True)
        )
        assert [p.pk for p in response.context["others"].page_obj] == [
            rejected.profile_id,
            pending.profile_id,
        ]
        page = response.content.decode()
        for text in (
            "Aktywne profile",
            "Pracujesz w tym profilu",
            "Oczekujące wnioski",
            "Pozostałe profile",
            "Brak załączników",
            "odrzucony („Błędna jednostka”)",
            "Nieaktywowany",
            "Wnioskuj o inne role",
            "Edytuj dane kontaktowe",
            "Wycofaj wniosek",
            "Utwórz nowy profil",
            "Złożone wnioski",
            "Pokaż instrukcję",
            "Pokaż na stronie",
        ):
            assert text in page, text

    def test_pending_requests_sort_by_number_or_institution_and_page_by_five(
        self, client_of, requester, submit
    ):
        units = [TrainingUnitFactory(name=f"Laboratorium {letter}") for letter in "DCBAFE"]
        for unit in units:
            submit(Institution.training_unit(unit), [Role.UNIT_STAFF])
        client = client_of(requester)
        by_number = client.get(MY_ACCOUNT).context["pending"]
        numbers = [r.number for r in by_number.page_obj]
        assert len(numbers) == 5 and numbers == sorted(numbers, reverse=True)
        assert by_number.next_url
        by_name = client.get(MY_ACCOUNT, {"oczekujace_sort": "nazwa"}).context["pending"]
        assert [r.label for r in by_name.page_obj] == [f"Laboratorium {x}" for x in "ABCDE"]
        second = client.get(MY_ACCOUNT, {"oczekujace_sort": "nazwa", "oczekujace_strona": 2})
        assert [r.label for r in second.context["pending"].page_obj] == ["Laboratorium F"]

    def test_other_profiles_sort_by_last_status_change(self, client_of, requester, submit):
        first = submit(Institution.training_unit(TrainingUnitFactory(name="Z")), ["jednostka"])
        second = submit(Institution.training_unit(TrainingUnitFactory(name="A")), ["jednostka"])
        Profile.objects.filter(pk=first.profile_id).update(status_changed_at=timezone.now())
        others = client_of(requester).get(MY_ACCOUNT).context["others"]
        assert [p.pk for p in others.page_obj] == [first.profile_id, second.profile_id]
        by_name = client_of(requester).get(MY_ACCOUNT, {"pozostale_sort": "nazwa"})
        assert [p.label for p in by_name.context["others"].page_obj] == ["A", "Z"]

    def test_the_page_costs_a_fixed_number_of_queries(
        self, client_of, requester, submit, django_assert_max_num_queries
    ):
        for _ in range(4):
            batch = submit(Institution.training_unit(TrainingUnitFactory()), ["jednostka"])
            services.attach_signed_file(batch.pk, user=requester, upload=upload())
        ProfileFactory(user=requester, roles=[Role.UW])
        client = client_of(requester)
        with django_assert_max_num_queries(25):
            client.get(MY_ACCOUNT)

    def test_a_person_without_profiles_is_welcomed_with_skladam_wniosek(self, client_of, requester):
        page = client_of(requester).get(MY_ACCOUNT).content.decode()
        assert "Witaj w systemie SMK" in page and "Składam wniosek" in page


class TestContactData:
    def test_edytuj_dane_kontaktowe_saves_a_valid_phone_and_email(self, client_of, uw_mazowieckie):
        profile = uw_mazowieckie.profiles.get()
        url = reverse("accounts:edit_contact_data", args=[profile.pk])
        client = client_of(uw_mazowieckie)
        assert "Edycja danych kontaktowych użytkownika" in client.get(url).content.decode()
        response = client.post(
            url, {"phone": "+48 22 597 09 27", "email": "Biuro@UW.pl", "version": profile.version}
        )
        assert response.url == MY_ACCOUNT
        profile.refresh_from_db()
        assert (profile.contact_phone, profile.contact_email) == ("+48225970927", "biuro@uw.pl")

    @pytest.mark.parametrize(
        ("data", "field"),
        [
            ({"phone": "abc", "email": "a@b.pl"}, "phone"),
            ({"phone": "600100200", "email": "x"}, "email"),
            ({"phone": "", "email": "a@b.pl"}, "phone"),
        ],
    )
    def test_bad_input_changes_nothing(self, client_of, uw_mazowieckie, data, field):
        profile = uw_mazowieckie.profiles.get()
        url = reverse("accounts:edit_contact_data", args=[profile.pk])
        response = client_of(uw_mazowieckie).post(url, {**data, "version": profile.version})
        assert field in response.context["form"].errors
        assert Profile.objects.get(pk=profile.pk).contact_email == ""

    def test_a_stale_form_is_refused(self, client_of, uw_mazowieckie):
        profile = uw_mazowieckie.profiles.get()
        url = reverse("accounts:edit_contact_data", args=[profile.pk])
        client = client_of(uw_mazowieckie)
        client.post(url, {"phone": "600100200", "email": "a@b.pl", "version": profile.version})
        response = client.post(
            url,
            {"phone": "600100300", "email": "c@d.pl", "version": profile.version},
            follow=True,
        )
        assert "zmieniono w międzyczasie" in response.content.decode()
        assert Profile.objects.get(pk=profile.pk).contact_email == "a@b.pl"

    def test_another_persons_profile_answers_404(self, client_of, uw_mazowieckie, uw_malopolskie):
        url = reverse("accounts:edit_contact_data", args=[uw_mazowieckie.profiles.get().pk])
        assert client_of(uw_malopolskie).get(url).status_code == 404


def log_in(client, user):
    return client.post(
        reverse("account_login"), {"login": user.email, "password": "haslo-testowe-123"}
    )


class TestReminder:
    def test_after_login_requests_without_a_file_are_listed(
        self, client, requester, submit, office_mazowieckie
    ):
        batch = submit(office_mazowieckie, [Role.UW, Role.WOJEWODA])
        log_in(client, requester)
        response = client.get(reverse("home"))
        assert response.status_code == 302
        assert response.url.startswith(reverse("accounts:attachment_reminder"))
        page = client.get(response.url).content.decode()
        assert "Brak załączników do wniosków o rolę" in page
        for request in batch.requests.all():
            assert request.number in page
        assert "Przypomnij mi przy kolejnym logowaniu" in page
        assert "Plik został wysłany mailem lub wydruk pocztą" in page
        # "Przypomnij mi przy kolejnym logowaniu": nothing changes, the next page opens.
        done = client.post(response.url, {"next": "/moje-konto/"})
        assert done.url == "/moje-konto/"
        assert client.get(reverse("home")).status_code == 200  # once per login
        client.post(reverse("account_logout"))
        log_in(client, requester)
        assert client.get(reverse("home")).status_code == 302  # reminded again

    def test_nie_przypominaj_mi_stops_the_reminder_for_that_request(
        self, client, requester, submit, office_mazowieckie
    ):
        batch = submit(office_mazowieckie, [Role.UW, Role.WOJEWODA])
        uw, wojewoda = batch.requests.get(role=Role.UW), batch.requests.get(role=Role.WOJEWODA)
        log_in(client, requester)
        reminder = client.get(reverse("home")).url
        client.post(reminder, {"sent_otherwise": [str(uw.pk)], "next": "/"})
        assert RoleRequest.objects.get(pk=uw.pk).attachment_sent_otherwise
        client.post(reverse("account_logout"))
        log_in(client, requester)
        page = client.get(client.get(reverse("home")).url).content.decode()
        assert wojewoda.number in page and uw.number not in page

    def test_the_checkbox_in_moje_konto_does_the_same(
        self, client_of, requester, pending_uw_request
    ):
        client = client_of(requester)
        url = reverse("accounts:sent_otherwise", args=[pending_uw_request.pk])
        assert client.get(url).status_code == 405
        client.post(url, {"sent_otherwise": "on"})
        assert RoleRequest.objects.get().attachment_sent_otherwise
        client.post(url, {})
        assert not RoleRequest.objects.get().attachment_sent_otherwise

    def test_no_reminder_when_every_request_has_its_file(
        self, client, requester, submit, office_mazowieckie
    ):
        batch = submit(office_mazowieckie, [Role.UW])
        services.attach_signed_file(batch.pk, user=requester, upload=upload())
        log_in(client, requester)
        assert client.get(reverse("accounts:my_account")).status_code == 200

    def test_a_person_without_a_usable_profile_lands_in_moje_konto(self, client, requester):
        assert log_in(client, requester).url == MY_ACCOUNT


def test_a_profile_with_a_role_but_no_request_has_no_numbers(uw_mazowieckie):
    role = ProfileRole.objects.get(profile__user=uw_mazowieckie)
    assert role.request is None


class TestMojeKontoAsTheSeedDrawsIt:
    def test_a_request_to_a_voivodeship_office_shows_its_nip_and_regon(
        self, client_of, requester, submit
    ):
        submit(malopolskie_office(), [Role.UW])
        page = client_of(requester).get(MY_ACCOUNT).content.decode()
        institution = malopolskie_office()
        assert institution.nip in page and institution.regon in page
        assert "Numer księgi rejestrowej" in page

    def test_a_safe_file_has_pobierz_and_usun_on_the_request_itself(
        self, client_of, requester, submit, office_mazowieckie
    ):
        batch = submit(office_mazowieckie, [Role.UW])
        services.attach_signed_file(batch.pk, user=requester, upload=upload())
        attachment = batch.attachments.get()
        page = client_of(requester).get(MY_ACCOUNT).content.decode()
        assert "Bezpieczne pliki załączone do wniosku" in page
        assert reverse("accounts:download_attachment", args=[attachment.pk]) in page
        assert reverse("accounts:delete_attachment", args=[attachment.pk]) in page

    def test_zlozone_wnioski_of_an_active_profile_list_every_request(
        self, client_of, requester, submit, office_mazowieckie, mfa_administrator
    ):
        batch = submit(office_mazowieckie, [Role.UW, Role.WOJEWODA])
        uw, wojewoda = batch.requests.get(role=Role.UW), batch.requests.get(role=Role.WOJEWODA)
        services.approve_request(uw.pk, user=mfa_administrator, acting_profile=None)
        services.reject_request(
            wojewoda.pk, user=mfa_administrator, acting_profile=None, reason="Brak upoważnienia"
        )
        response = client_of(requester).get(MY_ACCOUNT)
        (profile,) = response.context["active"].page_obj
        assert {r.number for r in profile.role_requests.all()} == {uw.number, wojewoda.number}
        page = response.content.decode()
        assert "Złożone wnioski" in page and "odrzucony („Brak upoważnienia”)" in page

    def test_pokaz_na_stronie_changes_the_page_size_of_one_list(self, client_of, requester, submit):
        for letter in "ABCDEFG":
            submit(Institution.training_unit(TrainingUnitFactory(name=letter)), [Role.UNIT_STAFF])
        client = client_of(requester)
        assert len(client.get(MY_ACCOUNT).context["pending"].page_obj) == 5
        bigger = client.get(MY_ACCOUNT, {"oczekujace_na_stronie": 10}).context["pending"]
        assert len(bigger.page_obj) == 7
        assert [o.current for o in bigger.page_sizes] == [False, True, False]
        odd = client.get(MY_ACCOUNT, {"oczekujace_na_stronie": 7}).context["pending"]
        assert len(odd.page_obj) == 5

    def test_a_person_without_a_profile_sees_skladam_wniosek_not_utworz_nowy_profil(
        self, client_of, requester
    ):
        page = client_of(requester).get(MY_ACCOUNT).content.decode()
        assert "Składam wniosek" in page and "Utwórz nowy profil" not in page
