"""Lista miejsc szkoleniowych: places per field and mode, robocza → zatwierdzona →
opublikowana by the Wojewoda only, and the public page of published lists (SPEC §3)."""

import threading
import time

import pytest
from django.contrib.messages import get_messages
from django.db import close_old_connections, connection, transaction
from django.urls import reverse

from accounts.models import Role
from qualification.models import SlotList, SlotListStatus
from qualification.services.slot_lists import (
    SlotListError,
    current_places,
    places_fingerprint,
    save_places,
)
from reference.models import Field, Mode
from smk.models import Event
from tests.factories import (
    FieldFactory,
    SessionFactory,
    SlotListFactory,
    SlotListItemFactory,
    change_events,
    mode,
    person_with_role,
)

pytestmark = pytest.mark.django_db


def messages_of(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


@pytest.fixture
def field():
    return FieldFactory(name="mikrobiologia medyczna", code="mikrobiologia-medyczna")


@pytest.fixture
def slot_list(mazowieckie):
    return SlotListFactory(voivodeship=mazowieckie)


@pytest.fixture
def wojewoda_malopolskie(malopolskie):
    return person_with_role(Role.WOJEWODA, voivodeship=malopolskie)


def with_status(slot_list, status):
    # The status field is protected; tests set it through the queryset.
    SlotList.objects.filter(pk=slot_list.pk).update(status=status)
    return SlotList.objects.get(pk=slot_list.pk)


def url(name, slot_list):
    return reverse(f"qualification:{name}", args=[slot_list.pk])


def edit_data(slot_list, **places):
    """A complete edit form: every field × mode, 0 unless ``places`` says otherwise."""
    data = {"fingerprint": places_fingerprint(current_places(slot_list))}
    for field in Field.objects.all():
        for mode_ in Mode.objects.all():
            data[f"places_{field.pk}_{mode_.pk}"] = "0"
    data.update(places)
    return data


def cell(field, mode_=None):
    return f"places_{field.pk}_{(mode_ or mode()).pk}"


VIEWS = [
    ("slot_list_detail", "get"),
    ("slot_list_edit", "get"),
    ("slot_list_edit", "post"),
    ("slot_list_approve", "post"),
    ("slot_list_publish", "post"),
]


# --- access


@pytest.mark.parametrize(("name", "method"), VIEWS)
def test_the_office_of_another_voivodeship_gets_404(
    client_of, wojewoda_malopolskie, slot_list, name, method
):
    response = getattr(client_of(wojewoda_malopolskie), method)(url(name, slot_list))
    assert response.status_code == 404
    slot_list.refresh_from_db()
    assert slot_list.status == SlotListStatus.DRAFT


@pytest.mark.parametrize("who", ["unit_staff", "applicant", "administrator"])
@pytest.mark.parametrize(("name", "method"), VIEWS)
def test_people_outside_the_voivodeship_office_are_forbidden(
    request, client_of, slot_list, who, name, method
):
    user = request.getfixturevalue(who)
    assert getattr(client_of(user), method)(url(name, slot_list)).status_code == 403


@pytest.mark.parametrize(("name", "method"), VIEWS)
def test_an_anonymous_visitor_is_sent_to_log_in(client, slot_list, name, method):
    response = getattr(client, method)(url(name, slot_list))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


@pytest.mark.parametrize("name", ["slot_list_approve", "slot_list_publish"])
def test_approve_and_publish_do_not_answer_a_get(client_of, wojewoda_mazowieckie, slot_list, name):
    assert client_of(wojewoda_mazowieckie).get(url(name, slot_list)).status_code == 405


@pytest.mark.parametrize("who", ["uw_mazowieckie", "wojewoda_mazowieckie"])
def test_the_office_sees_the_list_with_a_row_for_every_field_and_mode(
    request, client_of, slot_list, field, who
):
    SlotListItemFactory(slot_list=slot_list, field=field, mode=mode(), places=4)
    response = client_of(request.getfixturevalue(who)).get(url("slot_list_detail", slot_list))
    assert response.status_code == 200
    assert len(response.context["rows"]) == Field.objects.count()
    assert len(response.context["modes"]) == Mode.objects.count() == 2
    places = dict(response.context["rows"])[field]
    assert 4 in places
    assert response.context["total"] == 4


# --- editing places


@pytest.mark.parametrize("who", ["uw_mazowieckie", "wojewoda_mazowieckie"])
def test_the_office_edits_places_of_a_draft_list_and_it_is_recorded(
    request, client_of, slot_list, field, who
):
    user = request.getfixturevalue(who)
    other_mode = mode("poza-rezydentura")
    client = client_of(user)
    form = client.get(url("slot_list_edit", slot_list)).context["form"]
    assert len(form.rows()) == Field.objects.count()
    response = client.post(
        url("slot_list_edit", slot_list),
        edit_data(slot_list, **{cell(field): "3", cell(field, other_mode): "1"}),
    )
    assert response.status_code == 302
    assert messages_of(response) == ["Zapisano liczby miejsc szkoleniowych."]
    assert current_places(slot_list) == {
        (field.pk, mode().pk): 3,
        (field.pk, other_mode.pk): 1,
    }
    (event,) = Event.objects.for_object(slot_list)
    assert event.action == "slot_list.places_changed"
    assert event.user == user
    assert event.data["mikrobiologia medyczna / rezydentura"] == [0, 3]


def test_setting_places_back_to_zero_removes_them(client_of, uw_mazowieckie, slot_list, field):
    SlotListItemFactory(slot_list=slot_list, field=field, mode=mode(), places=4)
    client_of(uw_mazowieckie).post(
        url("slot_list_edit", slot_list), edit_data(slot_list, **{cell(field): "0"})
    )
    assert current_places(slot_list) == {}


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("-1", "Liczba miejsc nie może być ujemna."),
        ("trzy", "Podaj liczbę całkowitą, np. 0, 3 lub 12."),
        ("2.5", "Podaj liczbę całkowitą, np. 0, 3 lub 12."),
        ("", "Podaj liczbę miejsc (0, jeśli nie ma miejsc)."),
    ],
)
def test_bad_places_get_a_message_next_to_the_field_and_nothing_is_saved(
    client_of, uw_mazowieckie, slot_list, field, value, message
):
    SlotListItemFactory(slot_list=slot_list, field=field, mode=mode(), places=4)
    other = FieldFactory()
    response = client_of(uw_mazowieckie).post(
        url("slot_list_edit", slot_list),
        edit_data(slot_list, **{cell(field): value, cell(other): "7"}),
    )
    assert response.status_code == 200
    assert response.context["form"].errors[cell(field)] == [message]
    html = response.content.decode()
    assert f'<p class="field__error" id="id_{cell(field)}_error">{message}</p>' in html
    assert f'aria-describedby="id_{cell(field)}_error"' in html
    assert current_places(slot_list) == {(field.pk, mode().pk): 4}
    assert not change_events().exists()


def test_a_form_shown_before_someone_else_saved_is_refused(
    client_of, uw_mazowieckie, slot_list, field
):
    stale = edit_data(slot_list, **{cell(field): "5"})
    SlotListItemFactory(slot_list=slot_list, field=field, mode=mode(), places=2)
    response = client_of(uw_mazowieckie).post(url("slot_list_edit", slot_list), stale)
    (message,) = messages_of(response)
    assert "ktoś inny zmienił tę listę" in message
    assert current_places(slot_list) == {(field.pk, mode().pk): 2}


@pytest.mark.parametrize("status", [SlotListStatus.APPROVED, SlotListStatus.PUBLISHED])
def test_an_approved_list_cannot_be_edited_and_the_form_is_not_offered(
    client_of, uw_mazowieckie, slot_list, field, status
):
    SlotListItemFactory(slot_list=slot_list, field=field, mode=mode(), places=2)
    data = edit_data(slot_list, **{cell(field): "9"})
    slot_list = with_status(slot_list, status)
    client = client_of(uw_mazowieckie)

    detail = client.get(url("slot_list_detail", slot_list)).content.decode()
    assert url("slot_list_edit", slot_list) not in detail

    response = client.get(url("slot_list_edit", slot_list))
    assert response.status_code == 302
    assert "nie można jej już zmieniać" in messages_of(response)[0]

    client.post(url("slot_list_edit", slot_list), data)
    assert current_places(slot_list) == {(field.pk, mode().pk): 2}


def test_saving_a_list_approved_meanwhile_is_refused(client_of, uw_mazowieckie, slot_list, field):
    """The service checks the status again under the row lock."""
    SlotListItemFactory(slot_list=slot_list, field=field, mode=mode(), places=2)
    fingerprint = places_fingerprint(current_places(slot_list))
    with_status(slot_list, SlotListStatus.APPROVED)
    with pytest.raises(SlotListError, match="zatwierdzonej listy nie można zmieniać"):
        save_places(
            slot_list.pk,
            {(field.pk, mode().pk): 9},
            fingerprint=fingerprint,
            user=uw_mazowieckie,
            profile=None,
        )
    assert current_places(slot_list) == {(field.pk, mode().pk): 2}


# --- approval and publication


def test_the_wojewoda_approves_a_list_with_places(
    client_of, wojewoda_mazowieckie, slot_list, field
):
    SlotListItemFactory(slot_list=slot_list, field=field, mode=mode(), places=2)
    client = client_of(wojewoda_mazowieckie)
    assert "Zatwierdź" in client.get(url("slot_list_detail", slot_list)).content.decode()
    response = client.post(url("slot_list_approve", slot_list), follow=True)
    assert messages_of(response) == ["Lista miejsc szkoleniowych została zatwierdzona."]
    slot_list.refresh_from_db()
    assert slot_list.status == SlotListStatus.APPROVED
    assert slot_list.approved_by == wojewoda_mazowieckie
    assert slot_list.approved_at is not None
    (event,) = Event.objects.for_object(slot_list)
    assert (event.action, event.old_status, event.new_status) == (
        "slot_list.approved",
        SlotListStatus.DRAFT,
        SlotListStatus.APPROVED,
    )
    assert "Zatwierdzono listę miejsc szkoleniowych" in response.content.decode()


def test_an_empty_list_cannot_be_approved(client_of, wojewoda_mazowieckie, slot_list):
    response = client_of(wojewoda_mazowieckie).post(url("slot_list_approve", slot_list))
    (message,) = messages_of(response)
    assert "nie zawiera żadnego miejsca" in message
    slot_list.refresh_from_db()
    assert slot_list.status == SlotListStatus.DRAFT


def test_approving_twice_gives_a_clear_message(client_of, wojewoda_mazowieckie, slot_list, field):
    SlotListItemFactory(slot_list=slot_list, field=field, mode=mode(), places=2)
    slot_list = with_status(slot_list, SlotListStatus.APPROVED)
    response = client_of(wojewoda_mazowieckie).post(url("slot_list_approve", slot_list))
    assert messages_of(response) == ["Lista miejsc szkoleniowych została już zatwierdzona."]
    assert not change_events().exists()


def test_the_wojewoda_publishes_an_approved_list(client_of, wojewoda_mazowieckie, slot_list):
    slot_list = with_status(slot_list, SlotListStatus.APPROVED)
    client = client_of(wojewoda_mazowieckie)
    assert "Opublikuj" in client.get(url("slot_list_detail", slot_list)).content.decode()
    response = client.post(url("slot_list_publish", slot_list))
    assert messages_of(response) == ["Lista miejsc szkoleniowych została opublikowana."]
    slot_list.refresh_from_db()
    assert slot_list.status == SlotListStatus.PUBLISHED
    assert slot_list.published_by == wojewoda_mazowieckie
    assert slot_list.published_at is not None
    assert Event.objects.for_object(slot_list).get().action == "slot_list.published"


def test_a_draft_list_cannot_be_published(client_of, wojewoda_mazowieckie, slot_list):
    response = client_of(wojewoda_mazowieckie).post(url("slot_list_publish", slot_list))
    assert messages_of(response) == [
        "Opublikować można tylko zatwierdzoną listę miejsc szkoleniowych."
    ]
    slot_list.refresh_from_db()
    assert slot_list.status == SlotListStatus.DRAFT


@pytest.mark.parametrize(
    ("name", "status"),
    [("slot_list_approve", SlotListStatus.DRAFT), ("slot_list_publish", SlotListStatus.APPROVED)],
)
def test_a_uw_clerk_may_neither_approve_nor_publish_and_sees_no_such_buttons(
    client_of, uw_mazowieckie, slot_list, field, name, status
):
    SlotListItemFactory(slot_list=slot_list, field=field, mode=mode(), places=2)
    slot_list = with_status(slot_list, status)
    client = client_of(uw_mazowieckie)
    detail = client.get(url("slot_list_detail", slot_list)).content.decode()
    assert url(name, slot_list) not in detail
    assert client.post(url(name, slot_list)).status_code == 403
    slot_list.refresh_from_db()
    assert slot_list.status == status
    assert not change_events().exists()


# --- the public page


def test_the_public_page_shows_only_published_lists_without_logging_in(
    client, mazowieckie, malopolskie, field
):
    published = SlotListFactory(voivodeship=mazowieckie, status=SlotListStatus.PUBLISHED)
    SlotListItemFactory(slot_list=published, field=field, places=6)
    for status in (SlotListStatus.DRAFT, SlotListStatus.APPROVED):
        hidden = SlotListFactory(voivodeship=malopolskie, status=status)
        SlotListItemFactory(slot_list=hidden, field=FieldFactory(name=f"ukryta {status}"))
    response = client.get(reverse("qualification:published_slot_lists"))
    assert response.status_code == 200
    assert list(response.context["slot_lists"]) == [published]
    html = response.content.decode()
    assert "mikrobiologia medyczna" in html
    assert "ukryta" not in html


def test_the_public_page_filters_by_session_and_voivodeship(client, mazowieckie, malopolskie):
    spring, autumn = SessionFactory(), SessionFactory()
    lists = {
        (session, voivodeship): SlotListFactory(
            session=session, voivodeship=voivodeship, status=SlotListStatus.PUBLISHED
        )
        for session in (spring, autumn)
        for voivodeship in (mazowieckie, malopolskie)
    }
    page = reverse("qualification:published_slot_lists")
    response = client.get(page, {"session": autumn.pk, "voivodeship": malopolskie.pk})
    assert list(response.context["slot_lists"]) == [lists[autumn, malopolskie]]
    response = client.get(page, {"voivodeship": mazowieckie.pk})
    assert set(response.context["slot_lists"]) == {
        lists[spring, mazowieckie],
        lists[autumn, mazowieckie],
    }


def test_the_public_page_takes_the_same_number_of_queries_for_many_lists(
    client, django_assert_max_num_queries
):
    page = reverse("qualification:published_slot_lists")

    def publish(n):
        for _ in range(n):
            slot_list = SlotListFactory(session=SessionFactory(), status=SlotListStatus.PUBLISHED)
            SlotListItemFactory(slot_list=slot_list)
            SlotListItemFactory(slot_list=slot_list)

    publish(1)
    with django_assert_max_num_queries(10) as few:
        client.get(page)
    publish(10)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(page)
    assert len(response.context["slot_lists"]) == 11


def test_applicants_find_the_published_lists_in_their_menu(client_of, applicant):
    response = client_of(applicant).get(reverse("home"))
    assert reverse("qualification:published_slot_lists") in [
        item["url"] for item in response.context["menu"]
    ]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_places_saved_while_the_wojewoda_approves_wait_for_the_approval_and_are_refused(
    mazowieckie, field, uw_mazowieckie
):
    """The clerk's save queues behind the approval's row lock and then finds the list
    approved; without the lock it would have changed an approved list."""
    slot_list = SlotListFactory(voivodeship=mazowieckie)
    SlotListItemFactory(slot_list=slot_list, field=field, mode=mode(), places=2)
    fingerprint = places_fingerprint(current_places(slot_list))
    outcome = []

    def clerk():
        try:
            save_places(
                slot_list.pk,
                {(field.pk, mode().pk): 9},
                fingerprint=fingerprint,
                user=uw_mazowieckie,
                profile=None,
            )
            outcome.append("saved")
        except SlotListError as error:
            outcome.append(str(error))
        finally:
            connection.close()

    thread = threading.Thread(target=clerk)
    with transaction.atomic():
        # The Wojewoda's approval holds the row while it runs.
        SlotList.objects.select_for_update().get(pk=slot_list.pk)
        thread.start()
        time.sleep(0.5)
        assert outcome == []  # the clerk waits for the lock
        SlotList.objects.filter(pk=slot_list.pk).update(status=SlotListStatus.APPROVED)
    thread.join(timeout=10)
    close_old_connections()
    (message,) = outcome
    assert "zatwierdzonej listy nie można zmieniać" in message
    assert current_places(slot_list) == {(field.pk, mode().pk): 2}
