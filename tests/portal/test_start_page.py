"""The public start page (seeds 002, 003): what the system is for, the help files, the
announcements, the sessions open now, the way in."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from portal.models import Announcement
from tests.factories import SessionFactory

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)


def text(response) -> str:
    return response.content.decode()


def test_an_anonymous_visitor_gets_the_start_page_not_the_login_redirect(client):
    response = client.get("/")
    assert response.status_code == 200
    page = text(response)
    assert "diagnostów laboratoryjnych" in page
    assert f'href="{reverse("account_login")}"' in page
    assert f'href="{reverse("account_signup")}"' in page
    assert "zapoznanie z plikami pomocy" in page
    assert reverse("portal:help_pdf", args=["wniosek-o-specjalizacje"]) in page


def test_the_start_page_lists_the_latest_announcements_with_their_dates(client):
    Announcement.objects.create(
        title="Starszy komunikat", body="a", published_on=datetime.date(2026, 10, 6)
    )
    Announcement.objects.create(
        title="Nowszy komunikat", body="b", published_on=datetime.date(2026, 11, 20)
    )
    page = text(client.get("/"))
    assert "Ostatnie komunikaty" in page
    assert "Komunikat z dnia 6 października 2026 r." in page
    assert page.index("Nowszy komunikat") < page.index("Starszy komunikat")


def test_unpublished_and_future_announcements_are_not_shown(client):
    Announcement.objects.create(title="Szkic komunikatu", body="x", is_published=False)
    Announcement.objects.create(title="Jutrzejszy komunikat", body="x", published_on=TODAY + DAY)
    for url in ("/", reverse("portal:announcements")):
        page = text(client.get(url))
        assert "Szkic komunikatu" not in page
        assert "Jutrzejszy komunikat" not in page


def test_the_start_page_shows_five_announcements_and_their_page_all(client):
    for day in range(7):
        Announcement.objects.create(
            title=f"Komunikat numer {day}", body="x", published_on=TODAY - day * DAY
        )
    assert text(client.get("/")).count("Komunikat numer") == 5
    assert text(client.get(reverse("portal:announcements"))).count("Komunikat numer") == 7


def test_an_announcement_body_is_escaped_with_its_paragraphs(client):
    Announcement.objects.create(title="T", body="<script>alert(1)</script>\n\nDrugi akapit")
    page = text(client.get("/"))
    assert "<script>alert(1)" not in page
    assert "&lt;script&gt;" in page
    assert "<p>Drugi akapit</p>" in page


def test_the_start_page_shows_only_the_sessions_accepting_applications_today(client):
    SessionFactory(
        name="Sesja otwarta",
        applications_from=TODAY - DAY,
        applications_to=TODAY + DAY,
        procedure_from=TODAY + 2 * DAY,
        procedure_to=TODAY + 30 * DAY,
    )
    SessionFactory(name="Sesja zamknięta")  # spring 2026, long closed
    page = text(client.get("/"))
    assert "Sesja otwarta" in page
    assert "Sesja zamknięta" not in page


def test_without_an_open_session_the_start_page_says_so(client):
    assert "Żadna sesja nie przyjmuje teraz wniosków." in text(client.get("/"))


def test_the_start_page_reads_a_constant_number_of_queries(client, django_assert_max_num_queries):
    for day in range(20):
        Announcement.objects.create(title=f"K{day}", body="x", published_on=TODAY - day * DAY)
        SessionFactory(
            name=f"S{day}",
            applications_from=TODAY - DAY,
            applications_to=TODAY + DAY,
            procedure_from=TODAY + 2 * DAY,
            procedure_to=TODAY + 3 * DAY,
        )
    with django_assert_max_num_queries(3):
        assert client.get("/").status_code == 200


def test_a_logged_in_person_sees_the_newest_announcement_on_the_home_page(
    client_of, uw_mazowieckie
):
    Announcement.objects.create(title="Starszy", body="x", published_on=TODAY - 3 * DAY)
    Announcement.objects.create(title="Przerwa techniczna w sobotę", body="x")
    page = text(client_of(uw_mazowieckie).get(reverse("home")))
    assert "Najnowszy komunikat" in page
    assert "Przerwa techniczna w sobotę" in page
    assert "Starszy" not in page
    assert "Strona główna" in page  # the home page, not the visitors' start page
    assert "Rejestracja — jestem nowym użytkownikiem" not in page


def test_without_announcements_the_home_page_has_no_newest_one(client_of, uw_mazowieckie):
    assert "Najnowszy komunikat" not in text(client_of(uw_mazowieckie).get(reverse("home")))


def test_the_demo_data_publishes_announcements_once(db):
    from portal import demo

    assert demo.seed()
    assert demo.seed() == []
    assert Announcement.objects.published().count() == len(demo.DEMO_ANNOUNCEMENTS)
