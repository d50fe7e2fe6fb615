"""The training unit's screens: its referral list, a referral, and its three decisions.

One module past 400 lines: the three decisions share the unit's fixtures and the list's
checks, and each section follows one screen of the unit.
"""

import datetime
import itertools

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.models import Role
from referrals import services
from referrals.models import DecidedBy, DecisionKind, Referral, ReferralStatus
from referrals.places import free_places
from registry.models import EKS, EntryKind, RegisterEntry
from smk.scanning import EICAR
from tests.factories import (
    AccreditationFactory,
    ProgrammeFactory,
    ReferralFactory,
    TrainingUnitFactory,
    change_events,
    mode,
    person_with_role,
)
from tests.referrals.conftest import session_of_year

pytestmark = pytest.mark.django_db

S = ReferralStatus
START = datetime.date(2026, 10, 1)
END = datetime.date(2030, 9, 30)
LIST = "referrals:unit_referral_list"
DETAIL = "referrals:unit_referral_detail"
DECISION_URLS = ("referrals:unit_accept", "referrals:unit_reject", "referrals:unit_not_started")
STALE = "Skierowanie zostało zmienione przez innego użytkownika — odśwież i spróbuj ponownie"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
#: Factory numbers of their own, apart from those the services hand out ("SK/2026/14/…").
_numbers = itertools.count(1)


class Setting:
    """An accredited mazowieckie unit with its staff member, and the office that sends to it."""

    def __init__(self, unit, staff, office):
        self.unit = unit
        self.staff = staff
        self.office = office
        self.accreditation = AccreditationFactory(unit=unit, places=3)
        self.field = self.accreditation.field
        self.programme = ProgrammeFactory(field=self.field, mode=mode())

    @property
    def office_profile(self):
        return self.office.profiles.get()

    def draft(self, **kwargs):
        number = f"TEST/{next(_numbers):05d}"
        return ReferralFactory(number=number, field=self.field, mode=mode(), **kwargs)

    def changes(self, unit=None, start=START):
        return services.Changes(
            unit=unit or self.unit,
            programme=self.programme,
            planned_start=start,
            planned_end=self.programme.planned_end_from(start),
            fields={"unit", "programme", "planned_start", "planned_end"},
        )

    def office_does(self, service, referral, **kwargs):
        referral.refresh_from_db()
        profile = self.office_profile
        return service(
            referral.pk, version=referral.version, user=self.office, profile=profile, **kwargs
        )

    def assigned(self, unit=None, start=START, **kwargs):
        referral = self.draft(**kwargs)
        self.office_does(services.assign, referral, changes=self.changes(unit, start))
        return Referral.objects.get(pk=referral.pk)

    def sent(self, unit=None, start=START, **kwargs):
        """A referral the office assigned and sent ("Wyślij"): Wystawione at the unit."""
        referral = self.assigned(unit, start, **kwargs)
        self.office_does(services.send, referral, changes=None)
        return Referral.objects.get(pk=referral.pk)

    def decided(self, decision, **kwargs):
        referral = self.sent()
        profile = self.staff.profiles.get()
        services.ACTIONS[decision](
            referral.pk, version=referral.version, user=self.staff, profile=profile, **kwargs
        )
        return Referral.objects.get(pk=referral.pk)


@pytest.fixture
def setting(unit_mazowieckie, unit_staff, uw_mazowieckie):
    return Setting(unit_mazowieckie, unit_staff, uw_mazowieckie)


@pytest.fixture
def staff_client(client_of, setting):
    return client_of(setting.staff)


def listed(client, **params):
    response = client.get(reverse(LIST), params)
    assert response.status_code == 200
    return [r.number for r in response.context["referrals"]]


def page(response) -> str:
    return response.content.decode()


def reload(referral):
    return Referral.objects.get(pk=referral.pk)


# --- the list ----------------------------------------------------------------------------------


def test_the_unit_sees_sent_referrals_under_do_decyzji_and_decided_ones_under_zdecydowane(
    staff_client, setting
):
    waiting = setting.sent()
    accepted = setting.decided("accept")
    rejected = setting.decided("reject", justification="Brak miejsca w pracowni")

    assert listed(staff_client) == [waiting.number]
    assert listed(staff_client, tab="do-decyzji") == [waiting.number]
    assert sorted(listed(staff_client, tab="zdecydowane")) == sorted(
        [accepted.number, rejected.number]
    )
    content = page(staff_client.get(reverse(LIST)))
    assert "Do decyzji (1)" in content
    assert "Zdecydowane (2)" in content


def test_a_referral_assigned_to_the_unit_but_not_sent_is_neither_listed_nor_shown(
    staff_client, setting
):
    assigned = setting.assigned()
    assert listed(staff_client) == []
    assert listed(staff_client, tab="zdecydowane") == []
    assert staff_client.get(reverse(DETAIL, args=[assigned.pk])).status_code == 404


def test_an_assigned_referral_the_office_closed_as_not_started_stays_out_of_the_units_sight(
    staff_client, setting
):
    referral = setting.assigned()
    setting.office_does(services.register_not_started, referral, justification="Rezygnacja")
    assert reload(referral).status == S.NOT_STARTED
    assert listed(staff_client, tab="zdecydowane") == []
    assert staff_client.get(reverse(DETAIL, args=[referral.pk])).status_code == 404


def test_a_withdrawn_referral_disappears_from_the_units_list_and_its_page(staff_client, setting):
    referral = setting.sent()
    assert listed(staff_client) == [referral.number]
    setting.office_does(services.withdraw, referral)
    assert listed(staff_client) == []
    assert staff_client.get(reverse(DETAIL, args=[referral.pk])).status_code == 404


def test_a_referral_withdrawn_after_the_units_non_commencement_disappears_too(
    staff_client, setting
):
    referral = setting.decided("unit_not_started", justification="Nie zgłosił się")
    assert listed(staff_client, tab="zdecydowane") == [referral.number]
    setting.office_does(services.withdraw, referral)
    assert listed(staff_client, tab="zdecydowane") == []


def test_the_unit_does_not_see_referrals_sent_to_another_unit(staff_client, setting, mazowieckie):
    other_unit = TrainingUnitFactory(voivodeship=mazowieckie)
    AccreditationFactory(unit=other_unit, field=setting.field)
    elsewhere = setting.sent(unit=other_unit)
    own = setting.sent()
    assert listed(staff_client) == [own.number]
    assert staff_client.get(reverse(DETAIL, args=[elsewhere.pk])).status_code == 404
    for name in DECISION_URLS:
        assert staff_client.get(reverse(name, args=[elsewhere.pk])).status_code == 404
        response = staff_client.post(
            reverse(name, args=[elsewhere.pk]),
            {"version": elsewhere.version, "justification": "x"},
        )
        assert response.status_code == 404
    assert reload(elsewhere).status == S.ISSUED


def test_the_unit_searches_by_number_name_field_mode_and_session(staff_client, setting):
    first = setting.sent(application__first_name="Barbara", application__last_name="Nowicka")
    second = setting.sent(
        application__first_name="Celina",
        application__last_name="Wójcik",
        session=session_of_year(2025),
        start=datetime.date(2025, 10, 1),  # the 2025 session's training starts by mid-2026
    )
    assert listed(staff_client, number=first.number[-5:]) == [first.number]
    assert listed(staff_client, name="nowicka barbara") == [first.number]
    assert listed(staff_client, session=second.session_id) == [second.number]
    assert listed(staff_client, field=setting.field.pk) == [first.number, second.number]
    assert listed(staff_client, mode=mode().pk) == [first.number, second.number]


def test_the_decided_tab_filters_by_status(staff_client, setting):
    accepted = setting.decided("accept")
    rejected = setting.decided("reject", justification="Brak kadry")
    assert listed(staff_client, tab="zdecydowane", status=S.STARTED) == [accepted.number]
    assert listed(staff_client, tab="zdecydowane", status=S.REJECTED) == [rejected.number]
    # Referrals to decide are all Wystawione: that tab offers no status to choose.
    assert "status" not in staff_client.get(reverse(LIST)).context["filter"].form.fields


def test_the_units_list_runs_a_constant_number_of_queries(
    staff_client, setting, django_assert_max_num_queries
):
    setting.sent()
    with django_assert_max_num_queries(15) as few:
        staff_client.get(reverse(LIST))
    setting.accreditation.places = 30
    setting.accreditation.save()
    for _ in range(8):
        setting.sent()
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(listed(staff_client)) == 9


# --- who may open the unit's pages -------------------------------------------------------------


def unit_urls(referral):
    return [reverse(LIST), reverse(DETAIL, args=[referral.pk])] + [
        reverse(name, args=[referral.pk]) for name in DECISION_URLS
    ]


@pytest.mark.parametrize("person", ["uw_mazowieckie", "wojewoda_mazowieckie", "applicant"])
def test_offices_and_applicants_are_forbidden_from_the_units_pages(
    request, client_of, setting, person
):
    referral = setting.sent()
    client = client_of(request.getfixturevalue(person))
    for url in unit_urls(referral):
        assert client.get(url).status_code == 403, url
        assert client.post(url, {"version": referral.version}).status_code == 403, url
    assert reload(referral).status == S.ISSUED


def test_the_central_administrator_is_forbidden_from_deciding_for_a_unit(
    client_of, administrator, setting
):
    referral = setting.sent()
    client = client_of(administrator)
    for url in unit_urls(referral):
        assert client.get(url).status_code == 403, url


def test_an_anonymous_visitor_is_sent_to_log_in(client, setting):
    referral = setting.sent()
    for url in unit_urls(referral):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("account_login"))


def test_staff_of_another_unit_get_404_for_the_referral(client_of, setting, mazowieckie):
    referral = setting.sent()
    stranger = person_with_role(Role.UNIT_STAFF, unit=TrainingUnitFactory(voivodeship=mazowieckie))
    client = client_of(stranger)
    assert listed(client) == []
    for url in unit_urls(referral)[1:]:
        assert client.get(url).status_code == 404, url


# --- the referral's page -----------------------------------------------------------------------


def test_the_referral_page_shows_what_the_unit_needs_and_the_three_decisions(staff_client, setting):
    referral = setting.sent(
        application__first_name="Dorota",
        application__last_name="Kamińska",
        application__phone="+48 600 100 200",
    )
    application = referral.application
    response = staff_client.get(reverse(DETAIL, args=[referral.pk]))
    content = page(response)
    for text in (
        referral.number,
        referral.session.name,
        setting.field.name,
        "Dorota",
        "Kamińska",
        application.pesel,
        application.licence_number,
        application.email,
        "+48 600 100 200",
        setting.programme.name,
        "01.10.2026",
        "30.09.2030",
        "Urząd Wojewódzki — mazowieckie",
        "Skierowanie oczekuje na decyzję jednostki szkoleniowej.",
    ):
        assert text in content, text
    labels = [d["label"] for d in response.context["decisions"]]
    assert labels == ["Akceptuj", "Odrzuć", "Niepodjęcie szkolenia"]
    for name in DECISION_URLS:
        assert reverse(name, args=[referral.pk]) in content


def test_a_decided_referral_offers_no_decision_any_more(staff_client, setting):
    referral = setting.decided("accept")
    response = staff_client.get(reverse(DETAIL, args=[referral.pk]))
    assert response.context["decisions"] == []
    for name in DECISION_URLS:
        response = staff_client.get(reverse(name, args=[referral.pk]))
        assert response.status_code == 302
        assert response.url == reverse(DETAIL, args=[referral.pk])


# --- Akceptuj ----------------------------------------------------------------------------------


def test_akceptuj_asks_for_confirmation_on_its_own_page_before_anything_happens(
    staff_client, setting
):
    referral = setting.sent()
    response = staff_client.get(reverse("referrals:unit_accept", args=[referral.pk]))
    content = page(response)
    assert response.status_code == 200
    assert f'name="version" value="{referral.version}"' in content
    assert ">Akceptuj</button>" in content
    assert "Elektroniczna Karta Specjalizacji" in content
    assert reload(referral).status == S.ISSUED


def test_akceptuj_starts_the_specialization_with_an_eks_and_a_register_entry(staff_client, setting):
    referral = setting.sent()
    response = staff_client.post(
        reverse("referrals:unit_accept", args=[referral.pk]), {"version": referral.version}
    )
    assert response.status_code == 302
    assert response.url == reverse(DETAIL, args=[referral.pk])

    referral = reload(referral)
    assert referral.status == S.STARTED
    assert (referral.decision, referral.decided_by_kind) == (
        DecisionKind.ACCEPTED,
        DecidedBy.UNIT,
    )
    eks = EKS.objects.get(referral=referral)
    assert (eks.unit, eks.programme, eks.start_date, eks.planned_end) == (
        setting.unit,
        setting.programme,
        START,
        END,
    )
    (entry,) = RegisterEntry.objects.filter(referral=referral)
    assert entry.kind == EntryKind.START
    assert entry.created_by == setting.staff
    # The place stays held.
    assert free_places(setting.accreditation) == 2

    content = page(staff_client.get(response.url))
    assert "zostało zaakceptowane" in content
    assert reverse("registry:eks_detail", args=[eks.pk]) in content
    assert reverse("registry:entry_detail", args=[entry.pk]) in content


# --- Odrzuć ------------------------------------------------------------------------------------


def test_odrzuc_without_a_justification_says_so_next_to_the_field_and_changes_nothing(
    staff_client, setting
):
    referral = setting.sent()
    response = staff_client.post(
        reverse("referrals:unit_reject", args=[referral.pk]),
        {"version": referral.version, "justification": "   "},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["justification"] == ["Podaj uzasadnienie decyzji."]
    assert 'class="field__error"' in page(response)
    after = reload(referral)
    assert (after.status, after.version) == (S.ISSUED, referral.version)
    assert Referral.objects.count() == 1


def test_odrzuc_frees_the_place_and_creates_a_new_draft_referral_for_the_same_applicant(
    staff_client, setting
):
    referral = setting.sent()
    assert free_places(setting.accreditation) == 2
    response = staff_client.post(
        reverse("referrals:unit_reject", args=[referral.pk]),
        {"version": referral.version, "justification": "Brak wolnego opiekuna"},
    )
    assert response.status_code == 302

    rejected = reload(referral)
    assert rejected.status == S.REJECTED
    assert rejected.decision == DecisionKind.REJECTED
    assert rejected.decision_justification == "Brak wolnego opiekuna"
    replacement = Referral.objects.get(replaces=rejected)
    assert replacement.status == S.DRAFT
    assert replacement.number != rejected.number
    assert replacement.application_id == rejected.application_id
    assert free_places(setting.accreditation) == 3
    assert not RegisterEntry.objects.exists()
    assert not EKS.objects.exists()
    # The unit keeps seeing its rejected referral, never the new draft.
    assert listed(staff_client, tab="zdecydowane") == [rejected.number]
    assert staff_client.get(reverse(DETAIL, args=[replacement.pk])).status_code == 404


# --- Niepodjęcie szkolenia ---------------------------------------------------------------------


def test_the_units_niepodjecie_szkolenia_makes_no_register_entry_and_awaits_the_office(
    staff_client, setting
):
    referral = setting.sent()
    response = staff_client.post(
        reverse("referrals:unit_not_started", args=[referral.pk]),
        {
            "version": referral.version,
            "justification": "Diagnosta nie zgłosił się",
            "attachment": SimpleUploadedFile("oswiadczenie.pdf", PDF, "application/pdf"),
        },
    )
    assert response.status_code == 302

    referral = reload(referral)
    assert referral.status == S.NOT_STARTED
    assert (referral.decision, referral.decided_by_kind) == (
        DecisionKind.NOT_STARTED,
        DecidedBy.UNIT,
    )
    assert referral.decision_attachment.name.endswith(".pdf")
    assert not RegisterEntry.objects.filter(referral=referral).exists()
    assert not EKS.objects.exists()
    assert free_places(setting.accreditation) == 3
    content = page(staff_client.get(response.url))
    assert "Brak wpisu w rejestrze" in content
    assert "Diagnosta nie zgłosił się" in content


def test_niepodjecie_szkolenia_works_without_an_attachment(staff_client, setting):
    referral = setting.sent()
    form = staff_client.get(reverse("referrals:unit_not_started", args=[referral.pk]))
    assert 'enctype="multipart/form-data"' in page(form)
    staff_client.post(
        reverse("referrals:unit_not_started", args=[referral.pk]),
        {"version": referral.version, "justification": "Rezygnacja"},
    )
    assert reload(referral).status == S.NOT_STARTED
    assert not reload(referral).decision_attachment


def test_niepodjecie_szkolenia_requires_a_justification(staff_client, setting):
    referral = setting.sent()
    response = staff_client.post(
        reverse("referrals:unit_not_started", args=[referral.pk]),
        {"version": referral.version, "justification": ""},
    )
    assert response.context["form"].errors["justification"] == ["Podaj uzasadnienie decyzji."]
    assert reload(referral).status == S.ISSUED


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("skan.pdf", PNG, "Dozwolone są tylko pliki PDF lub JPG"),
        ("wirus.pdf", PDF + EICAR, "skaner bezpieczeństwa"),
        ("pusty.pdf", b"", "pusty"),
        ("duzy.pdf", PDF + b"0" * 2048, "Plik jest za duży"),
    ],
    ids=["png-renamed-pdf", "eicar", "empty", "oversize"],
)
def test_a_bad_attachment_is_refused_next_to_the_field_and_changes_nothing(
    staff_client, setting, settings, name, content, message
):
    settings.MAX_UPLOAD_BYTES = 1024
    referral = setting.sent()
    response = staff_client.post(
        reverse("referrals:unit_not_started", args=[referral.pk]),
        {
            "version": referral.version,
            "justification": "Rezygnacja",
            "attachment": SimpleUploadedFile(name, content, "application/pdf"),
        },
    )
    assert response.status_code == 200
    (error,) = response.context["form"].errors["attachment"]
    assert message in error
    assert message in page(response)
    after = reload(referral)
    assert (after.status, after.version, after.decision_attachment.name) == (
        S.ISSUED,
        referral.version,
        "",
    )


# --- stale pages -------------------------------------------------------------------------------


@pytest.mark.parametrize("url_name", DECISION_URLS)
def test_a_decision_from_an_out_of_date_page_is_refused_with_the_stale_message(
    staff_client, setting, url_name
):
    referral = setting.sent()
    response = staff_client.post(
        reverse(url_name, args=[referral.pk]),
        {"version": referral.version - 1, "justification": "Uzasadnienie"},
    )
    assert STALE in page(response)
    after = reload(referral)
    assert (after.status, after.version) == (S.ISSUED, referral.version)
    # The page now carries the current version: deciding again knowingly works.
    if response.status_code == 200:
        assert response.context["form"].initial["version"] == referral.version


def test_a_decision_after_the_office_withdrew_and_resent_is_refused_as_stale(staff_client, setting):
    referral = setting.sent()
    setting.office_does(services.withdraw, referral)
    setting.office_does(services.assign, referral, changes=setting.changes())
    setting.office_does(services.send, referral, changes=None)
    response = staff_client.post(
        reverse("referrals:unit_accept", args=[referral.pk]), {"version": referral.version}
    )
    assert STALE in page(response)
    assert reload(referral).status == S.ISSUED
    assert not EKS.objects.exists()


WITHDRAWN = "Urząd Wojewódzki wycofał to skierowanie — decyzja nie została wprowadzona."


@pytest.mark.parametrize("url_name", DECISION_URLS)
def test_a_decision_on_a_referral_the_office_just_withdrew_says_so_and_changes_nothing(
    client_of, setting, mazowieckie, url_name
):
    referral = setting.sent()
    staff_client = client_of(setting.staff)
    page_version = referral.version  # the unit opened the decision page before "Wycofaj"
    setting.office_does(services.withdraw, referral)
    withdrawn = reload(referral)
    events = change_events().count()
    url = reverse(url_name, args=[referral.pk])
    form = {"version": page_version, "justification": "Nie zgłosił się"}

    response = staff_client.post(url, form, follow=True)

    assert response.redirect_chain == [(reverse(LIST), 302)]
    assert WITHDRAWN in page(response)
    after = reload(referral)
    assert (after.status, after.version, after.sent_at) == (S.DRAFT, withdrawn.version, None)
    assert change_events().count() == events
    assert not EKS.objects.exists()
    assert Referral.objects.count() == 1
    # Staff of another unit learn nothing: the same URL is a plain 404 for them.
    stranger = person_with_role(Role.UNIT_STAFF, unit=TrainingUnitFactory(voivodeship=mazowieckie))
    assert client_of(stranger).post(url, form).status_code == 404
    assert change_events().count() == events


def test_a_second_decision_on_an_already_decided_referral_is_refused(staff_client, setting):
    referral = setting.sent()
    url = reverse("referrals:unit_reject", args=[referral.pk])
    staff_client.post(
        reverse("referrals:unit_accept", args=[referral.pk]), {"version": referral.version}
    )
    response = staff_client.post(
        url, {"version": referral.version, "justification": "Za późno"}, follow=True
    )
    assert STALE in page(response)
    assert reload(referral).status == S.STARTED
    assert Referral.objects.count() == 1
