"""The administrator's screens: the queue, a request with its files, "Zatwierdź" / "Odrzuć",
blocking a profile; and what each decision does to the requester's access."""

import pytest
from django.core import mail
from django.urls import reverse

from accounts import services
from accounts.institutions import Institution
from accounts.models import (
    Profile,
    ProfileRole,
    ProfileStatus,
    Role,
    RoleRequest,
    RoleRequestStatus,
)
from accounts.profiles import profiles_of
from smk.audit import history
from tests.accounts.conftest import malopolskie_office, upload
from tests.factories import TrainingUnitFactory, UserFactory, person_with_role

pytestmark = pytest.mark.django_db

QUEUE = reverse("accounts:admin_queue")


def detail(request):
    return reverse("accounts:admin_request", args=[request.pk])


def approve_url(request):
    return reverse("accounts:admin_approve", args=[request.pk])


def reject_url(request):
    return reverse("accounts:admin_reject", args=[request.pk])


class TestAccess:
    @pytest.mark.parametrize("url_name", ["accounts:admin_queue", "accounts:admin_profiles"])
    def test_anonymous_is_sent_to_log_in_and_other_roles_get_403(
        self, client, own_client, uw_mazowieckie, applicant, url_name
    ):
        url = reverse(url_name)
        assert client.get(url).url.startswith(reverse("account_login"))
        assert own_client(uw_mazowieckie).get(url).status_code == 403
        assert own_client(applicant).get(url).status_code == 403
        assert own_client(UserFactory()).get(url).status_code == 403

    def test_decisions_need_a_post(self, admin_client, pending_uw_request):
        assert admin_client.get(approve_url(pending_uw_request)).status_code == 405
        assert admin_client.get(reject_url(pending_uw_request)).status_code == 405
        profile = pending_uw_request.profile
        for name in ("accounts:admin_block_profile", "accounts:admin_unblock_profile"):
            assert admin_client.get(reverse(name, args=[profile.pk])).status_code == 405

    def test_a_clerk_cannot_decide(self, own_client, uw_mazowieckie, pending_uw_request):
        response = own_client(uw_mazowieckie).post(approve_url(pending_uw_request))
        assert response.status_code == 403
        assert RoleRequest.objects.get().status == RoleRequestStatus.PENDING

    def test_an_unknown_request_answers_404(self, admin_client):
        assert admin_client.get(reverse("accounts:admin_request", args=[999])).status_code == 404


class TestQueue:
    def test_pending_requests_are_listed_by_default(
        self, admin_client, submit, office_mazowieckie, requester
    ):
        batch = submit(office_mazowieckie, [Role.UW, Role.WOJEWODA])
        done = batch.requests.get(role=Role.WOJEWODA)
        services.withdraw_request(done.pk, user=requester)
        response = admin_client.get(QUEUE)
        assert [r.number for r in response.context["page_obj"]] == [
            batch.requests.get(role=Role.UW).number
        ]
        page = response.content.decode()
        assert "Mazowiecki Urząd Wojewódzki w Warszawie" in page and "Brak załączników" in page
        every = admin_client.get(QUEUE, {"status": ""})
        assert every.context["page_obj"].paginator.count == 2

    @pytest.mark.parametrize(
        ("criteria", "expected"),
        [
            ({"role": Role.UNIT_STAFF}, ["unit"]),
            ({"kind": "urzad_wojewodzki"}, ["maz", "mal"]),
            ({"attachment": "tak"}, ["mal"]),
            ({"attachment": "nie"}, ["maz", "unit"]),
            ({"q": "laboratorium kwiatowe"}, ["unit"]),
        ],
    )
    def test_filters(self, admin_client, submit, office_mazowieckie, requester, criteria, expected):
        unit = TrainingUnitFactory(name="Laboratorium Kwiatowe")
        made = {
            "maz": submit(office_mazowieckie, [Role.UW]),
            "mal": submit(malopolskie_office(), [Role.UW]),
            "unit": submit(Institution.training_unit(unit), [Role.UNIT_STAFF]),
        }
        services.attach_signed_file(made["mal"].pk, user=requester, upload=upload())
        numbers = {made[k].requests.get().number for k in expected}
        response = admin_client.get(QUEUE, criteria)
        assert {r.number for r in response.context["page_obj"]} == numbers

    def test_a_voivodeship_filter_covers_offices_and_units(
        self, admin_client, submit, office_mazowieckie, mazowieckie, malopolskie
    ):
        maz_unit = TrainingUnitFactory(voivodeship=mazowieckie)
        submit(office_mazowieckie, [Role.UW])
        submit(Institution.training_unit(maz_unit), [Role.UNIT_STAFF])
        submit(malopolskie_office(), [Role.UW])
        response = admin_client.get(QUEUE, {"voivodeship": mazowieckie.pk})
        assert response.context["page_obj"].paginator.count == 2

    def test_the_queue_costs_a_fixed_number_of_queries(
        self, admin_client, submit, django_assert_max_num_queries
    ):
        for _ in range(6):
            submit(
                Institution.training_unit(TrainingUnitFactory()),
                [Role.UNIT_STAFF],
                user=UserFactory(),
            )
        with django_assert_max_num_queries(14):
            response = admin_client.get(QUEUE)
        assert response.context["page_obj"].paginator.count == 6


class TestApprove:
    def test_approval_makes_the_role_active_and_tells_the_requester(
        self,
        admin_client,
        own_client,
        requester,
        pending_uw_request,
        django_capture_on_commit_callbacks,
    ):
        assert profiles_of(requester) == []
        assert own_client(requester).get(reverse("units:unit_list")).status_code == 403
        with django_capture_on_commit_callbacks(execute=True):
            response = admin_client.post(approve_url(pending_uw_request), follow=True)
        assert "jest aktywna" in response.content.decode()
        request = RoleRequest.objects.get()
        assert request.status == RoleRequestStatus.APPROVED and request.decided_at
        role = ProfileRole.objects.get(profile=request.profile)
        assert role.role == Role.UW and role.request == request
        assert request.profile.status == ProfileStatus.ACTIVE
        assert profiles_of(requester) == [request.profile]
        assert own_client(requester).get(reverse("units:unit_list")).status_code == 200
        (message,) = mail.outbox
        assert message.to == [requester.email]
        assert request.number in message.body and "został zaakceptowany" in message.body
        assert "Urząd Wojewódzki" in message.body
        assert [e.action for e in history(request)] == [
            "role_request.submitted",
            "role_request.approved",
        ]

    def test_a_decided_request_cannot_be_decided_again(self, admin_client, pending_uw_request):
        admin_client.post(approve_url(pending_uw_request))
        response = admin_client.post(
            reject_url(pending_uw_request), {"reason": "Za późno"}, follow=True
        )
        assert "już rozpatrzony" in response.content.decode()
        assert RoleRequest.objects.get().status == RoleRequestStatus.APPROVED

    def test_the_detail_shows_the_request_its_files_and_the_buttons(
        self, admin_client, requester, submit, office_mazowieckie
    ):
        batch = submit(office_mazowieckie, [Role.UW, Role.WOJEWODA])
        services.attach_signed_file(batch.pk, user=requester, upload=upload("skan-podpis.pdf"))
        request = batch.requests.get(role=Role.UW)
        page = admin_client.get(detail(request)).content.decode()
        for text in (
            request.number,
            batch.requests.get(role=Role.WOJEWODA).number,
            "Bezpieczne pliki załączone do wniosku",
            "skan-podpis.pdf",
            "Zatwierdź",
            "Odrzuć",
            "Powód odrzucenia",
            "7010140002",
            "Złożenie wniosku o rolę",
        ):
            assert text in page, text
        attachment = batch.attachments.get()
        download = admin_client.get(reverse("accounts:admin_attachment", args=[attachment.pk]))
        assert download.status_code == 200


class TestReject:
    def test_rejection_needs_a_reason(self, admin_client, pending_uw_request):
        response = admin_client.post(reject_url(pending_uw_request), {"reason": "  "})
        assert response.status_code == 400
        assert "Podaj powód odrzucenia" in response.content.decode()
        assert RoleRequest.objects.get().status == RoleRequestStatus.PENDING

    def test_rejection_gives_no_access_and_tells_the_requester_why(
        self,
        admin_client,
        own_client,
        requester,
        pending_uw_request,
        django_capture_on_commit_callbacks,
    ):
        with django_capture_on_commit_callbacks(execute=True):
            admin_client.post(reject_url(pending_uw_request), {"reason": "Brak podpisu kierownika"})
        request = RoleRequest.objects.get()
        assert request.status == RoleRequestStatus.REJECTED
        assert request.rejection_reason == "Brak podpisu kierownika"
        assert not ProfileRole.objects.filter(profile=pending_uw_request.profile).exists()
        assert request.profile.status == ProfileStatus.NOT_ACTIVATED
        assert profiles_of(requester) == []
        assert own_client(requester).get(reverse("units:unit_list")).status_code == 403
        (message,) = mail.outbox
        assert "Brak podpisu kierownika" in message.body and request.number in message.body


class TestBlock:
    def test_a_blocked_person_loses_access_to_that_profile(
        self, admin_client, own_client, uw_mazowieckie, django_capture_on_commit_callbacks
    ):
        profile = uw_mazowieckie.profiles.get()
        clerk = own_client(uw_mazowieckie)
        assert clerk.get(reverse("units:unit_list")).status_code == 200
        url = reverse("accounts:admin_block_profile", args=[profile.pk])
        with django_capture_on_commit_callbacks(execute=True):
            admin_client.post(url, {"reason": "Koniec zatrudnienia"})
        profile.refresh_from_db()
        assert profile.status == ProfileStatus.BLOCKED
        assert clerk.get(reverse("units:unit_list")).status_code == 403
        assert profiles_of(uw_mazowieckie) == []
        assert "Koniec zatrudnienia" in mail.outbox[0].body
        page = clerk.get(reverse("accounts:my_account")).content.decode()
        assert "Zablokowany" in page
        # Unblocking gives the access back.
        admin_client.post(reverse("accounts:admin_unblock_profile", args=[profile.pk]))
        assert clerk.get(reverse("units:unit_list")).status_code == 200

    def test_the_other_profiles_of_a_blocked_person_keep_working(
        self, admin_client, own_client, mazowieckie, malopolskie
    ):
        user = person_with_role(Role.UW, voivodeship=mazowieckie)
        second = Profile.objects.create(user=user, kind="urzad_wojewodzki", voivodeship=malopolskie)
        ProfileRole.objects.create(profile=second, role=Role.UW)
        first = user.profiles.get(voivodeship=mazowieckie)
        admin_client.post(
            reverse("accounts:admin_block_profile", args=[first.pk]), {"reason": "Przeniesienie"}
        )
        response = own_client(user).get(reverse("units:unit_list"))
        assert response.status_code == 200
        assert response.wsgi_request.profile == second

    def test_blocking_needs_a_reason(self, admin_client, uw_mazowieckie):
        profile = uw_mazowieckie.profiles.get()
        response = admin_client.post(
            reverse("accounts:admin_block_profile", args=[profile.pk]), {"reason": ""}
        )
        assert response.status_code == 400
        assert Profile.objects.get(pk=profile.pk).blocked_at is None

    def test_a_blocked_profile_cannot_be_approved_into(
        self, admin_client, requester, pending_uw_request
    ):
        admin_client.post(
            reverse("accounts:admin_block_profile", args=[pending_uw_request.profile_id]),
            {"reason": "Podejrzenie nadużycia"},
        )
        response = admin_client.post(approve_url(pending_uw_request), follow=True)
        assert "zablokowany" in response.content.decode()
        assert not ProfileRole.objects.filter(profile=pending_uw_request.profile).exists()

    def test_the_profile_list_filters_by_status(
        self, admin_client, uw_mazowieckie, pending_uw_request
    ):
        response = admin_client.get(
            reverse("accounts:admin_profiles"), {"status": ProfileStatus.NOT_ACTIVATED}
        )
        assert [p.pk for p in response.context["page_obj"]] == [pending_uw_request.profile_id]
