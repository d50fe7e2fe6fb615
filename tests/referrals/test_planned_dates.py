"""The planned dates of a referral (issue 14, item 5): the start in the session's window, the
end from the programme's length or with a reason, through the office's form and the services
alike; a refused date changes nothing."""

import datetime
import html
import io
import re

import pytest
from django.core.management import call_command
from django.urls import reverse

from referrals import planned_dates, services
from referrals.invariants import issued_referrals_start_in_their_window
from referrals.models import Referral, ReferralStatus
from smk.models import Event
from tests.factories import (
    AccreditationFactory,
    ProgrammeFactory,
    ReferralFactory,
    SessionFactory,
    TrainingUnitFactory,
    mode,
)
from tests.referrals.conftest import session_of_year

pytestmark = pytest.mark.django_db

S = ReferralStatus
#: The factories' session: its procedure ends on 30 June 2026.
PROCEDURE_END = datetime.date(2026, 6, 30)
START = datetime.date(2026, 10, 1)
END = datetime.date(2030, 9, 30)  # 48 months from START
EARLY = "Planowana data rozpoczęcia nie może być wcześniejsza niż 30.06.2026 (zakończenie "
LATE = "Planowana data rozpoczęcia nie może być późniejsza niż 30.06.2027 (365 dni po "


@pytest.fixture
def unit(mazowieckie):
    return TrainingUnitFactory(voivodeship=mazowieckie, name="Szpital Bródnowski")


@pytest.fixture
def programme(field):
    return ProgrammeFactory(field=field, mode=mode(), duration_months=48)


@pytest.fixture
def make(field, unit, programme):
    """``make(status, **fields)``: a mazowieckie referral of the factories' session."""
    AccreditationFactory(unit=unit, field=field, places=2)

    def build(status=S.DRAFT, **extra):
        data = {"field": field, "mode": mode(), "status": status}
        if status != S.DRAFT:
            data |= {"unit": unit, "programme": programme, "planned_start": START}
            data |= {"planned_end": END}
        return ReferralFactory(**(data | extra))

    return build


@pytest.fixture
def office(uw_mazowieckie):
    return uw_mazowieckie.profiles.get()


def post(client, referral, action, **data):
    payload = {"action": action, "version": referral.version} | data
    return client.post(reverse("referrals:referral_form", args=[referral.pk]), payload)


def form_of(unit, programme, start, end, **more):
    return {"unit": unit.pk, "programme": programme.pk, "planned_start": start} | {
        "planned_end": end,
        **more,
    }


def error_of(response, field_name) -> str:
    """The message rendered next to the field (the form-field partial's error)."""
    page = html.unescape(response.content.decode())
    return " ".join(re.findall(rf'id="id_{field_name}_error">([^<]+)<', page))


def unchanged(referral) -> bool:
    after = Referral.objects.get(pk=referral.pk)
    return (after.status, after.version, after.planned_start, after.planned_end) == (
        referral.status,
        referral.version,
        referral.planned_start,
        referral.planned_end,
    )


def refused_on_the_form(client, referral, action, form) -> str:
    """Post ``form`` with ``action``: the page again, nothing saved; the start's message."""
    response = post(client, referral, action, **form)
    assert response.status_code == 200
    assert unchanged(referral)
    return error_of(response, "planned_start")


def office_does(service, referral, office, **kwargs):
    return service(
        referral.pk, version=referral.version, user=office.user, profile=office, **kwargs
    )


def changes(unit, programme, start, end, reason=""):
    return services.Changes(
        unit=unit,
        programme=programme,
        planned_start=start,
        planned_end=end,
        planned_end_reason=reason,
        fields={"unit", "programme", "planned_start", "planned_end", "planned_end_reason"},
    )


# ---- The start: no earlier than the procedure's end, no later than the window --------------


def test_wyslij_with_a_start_in_the_year_1_is_refused_next_to_the_field_and_changes_nothing(
    client_of, uw_mazowieckie, make, unit, programme
):
    referral = make(S.ASSIGNED)
    form = form_of(unit, programme, "0001-01-01", "0001-01-02")
    client = client_of(uw_mazowieckie)
    assert EARLY in refused_on_the_form(client, referral, "send", form)
    assert Referral.objects.get(pk=referral.pk).status == S.ASSIGNED  # not Wystawione


def test_a_draft_with_1900_dates_is_not_saved(client_of, uw_mazowieckie, make, unit, programme):
    referral = make(S.DRAFT)
    form = form_of(unit, programme, "1900-01-01", "1903-12-31")
    client = client_of(uw_mazowieckie)
    assert EARLY in refused_on_the_form(client, referral, "save_draft", form)
    assert not Event.objects.filter(action="referral.saved").exists()


def test_przydziel_with_a_start_after_the_window_is_refused(
    client_of, uw_mazowieckie, make, unit, programme
):
    referral = make(S.DRAFT)
    form = form_of(unit, programme, "2027-07-01", "2031-06-30")
    client = client_of(uw_mazowieckie)
    assert LATE in refused_on_the_form(client, referral, "assign", form)


@pytest.mark.parametrize(
    ("start", "refused"),
    [
        (PROCEDURE_END - datetime.timedelta(days=1), EARLY),
        (PROCEDURE_END, None),  # exactly the procedure's end
        (PROCEDURE_END + datetime.timedelta(days=365), None),  # exactly the window's end
        (PROCEDURE_END + datetime.timedelta(days=366), LATE),
    ],
)
def test_the_window_includes_its_edges(make, unit, programme, office, start, refused):
    referral = make(S.DRAFT)
    end = programme.planned_end_from(start)
    dates = changes(unit, programme, start, end)
    if refused:
        with pytest.raises(services.ReferralError) as error:
            office_does(services.save_draft, referral, office, changes=dates)
        assert refused in error.value.field_errors["planned_start"]
        assert unchanged(referral)
    else:
        saved = office_does(services.save_draft, referral, office, changes=dates)
        assert (saved.planned_start, saved.planned_end) == (start, end)


def test_the_window_follows_the_setting(settings, make, unit, programme, office):
    settings.REFERRAL_START_WINDOW_DAYS = 30
    referral = make(S.DRAFT)
    start = PROCEDURE_END + datetime.timedelta(days=31)
    with pytest.raises(services.ReferralError) as error:
        office_does(
            services.save_draft,
            referral,
            office,
            changes=changes(unit, programme, start, programme.planned_end_from(start)),
        )
    assert (
        "nie może być późniejsza niż 30.07.2026 (30 dni po"
        in (error.value.field_errors["planned_start"])
    )


def test_sending_checks_the_saved_dates_too(make, office):
    """Dates saved before the rules (or by any other way in) are not sent out."""
    referral = make(
        S.ASSIGNED, planned_start=datetime.date(1, 1, 1), planned_end=datetime.date(1, 1, 2)
    )
    with pytest.raises(services.ReferralError) as error:
        office_does(services.send, referral, office, changes=None)
    assert EARLY in error.value.field_errors["planned_start"]
    assert unchanged(referral)


def test_the_start_field_says_the_window_and_the_date_picker_keeps_to_it(
    client_of, uw_mazowieckie, make
):
    referral = make(S.ASSIGNED)
    page = html.unescape(
        client_of(uw_mazowieckie)
        .get(reverse("referrals:referral_form", args=[referral.pk]))
        .content.decode()
    )
    assert 'min="2026-06-30"' in page and 'max="2027-06-30"' in page
    assert "Najwcześniej 30.06.2026 (zakończenie postępowania kwalifikacyjnego)" in page


# ---- The end: from the programme's length, another one with a reason ------------------------


@pytest.mark.parametrize("year", [2024, 2026, 2027])
def test_the_form_proposes_the_programmes_end_from_a_start_in_the_window(
    client_of, uw_mazowieckie, make, programme, year
):
    """Whatever today is: a past session's window is over, a future one's not yet open."""
    session = session_of_year(year)
    referral = make(S.DRAFT, session=session)
    response = client_of(uw_mazowieckie).get(
        reverse("referrals:referral_choose_programme", args=[referral.pk])
    )
    assert response.status_code == 302
    query = dict(re.findall(r"(\w+)=([\d-]+)", response["Location"]))
    start, end = (datetime.date.fromisoformat(query[k]) for k in ("od", "do"))
    assert end == programme.planned_end_from(start)
    assert start in planned_dates.start_window(session)
    assert planned_dates.proposed_dates(session, programme) == (start, end)


def test_the_proposed_start_is_the_first_of_next_month_within_the_window():
    session = SessionFactory.build(procedure_to=PROCEDURE_END)
    proposed = planned_dates.proposed_start
    assert proposed(session, today=datetime.date(2026, 3, 10)) == datetime.date(2026, 7, 1)
    assert proposed(session, today=datetime.date(2026, 12, 3)) == datetime.date(2027, 1, 1)
    assert proposed(session, today=datetime.date(2028, 5, 1)) == datetime.date(2027, 6, 30)


def test_choosing_another_programme_proposes_its_end_for_the_start_given(
    client_of, uw_mazowieckie, make, programme, field
):
    shorter = ProgrammeFactory(field=field, mode=mode(), name="Program 36", duration_months=36)
    referral = make(S.ASSIGNED)
    response = client_of(uw_mazowieckie).get(
        reverse("referrals:referral_choose_programme", args=[referral.pk])
    )
    page = html.unescape(response.content.decode())
    assert f"program={shorter.pk}&do=2029-09-30" in page
    assert f'program={programme.pk}"' in page  # the current one keeps its dates


def test_another_end_without_a_reason_is_refused_and_asks_for_it(
    client_of, uw_mazowieckie, make, unit, programme
):
    referral = make(S.DRAFT)
    response = post(
        client_of(uw_mazowieckie),
        referral,
        "save_draft",
        **form_of(unit, programme, "2026-10-01", "2029-09-30"),
    )
    assert response.status_code == 200
    assert (
        "Z czasu trwania programu wynika planowana data zakończenia 30.09.2030. Inną datę "
        "zakończenia można zapisać, podając uzasadnienie innej daty zakończenia."
    ) in error_of(response, "planned_end_reason")
    page = response.content.decode()
    assert '<div id="planned-end-reason">' in page  # shown, not hidden
    assert unchanged(referral)


def test_another_end_with_a_reason_is_saved_and_the_history_keeps_the_reason(
    client_of, uw_mazowieckie, make, unit, programme
):
    referral = make(S.DRAFT)
    client = client_of(uw_mazowieckie)
    reason = "Szkolenie skrócone o 12 miesięcy: uznany staż w laboratorium (decyzja 12/2026)."
    response = post(
        client,
        referral,
        "save_draft",
        **form_of(unit, programme, "2026-10-01", "2029-09-30", planned_end_reason=reason),
    )
    assert response.status_code == 302
    saved = Referral.objects.get(pk=referral.pk)
    assert (saved.planned_end, saved.planned_end_reason) == (datetime.date(2029, 9, 30), reason)
    event = Event.objects.get(action="referral.saved")
    assert event.data["planned_end_reason"] == ["—", reason]
    history = html.unescape(
        client.get(reverse("referrals:referral_history", args=[referral.pk])).content.decode()
    )
    assert "Uzasadnienie innej daty zakończenia" in history and reason in history
    form = html.unescape(client.get(response["Location"]).content.decode())
    assert '<div id="planned-end-reason">' in form and reason in form


def test_the_programmes_end_needs_no_reason_and_drops_an_old_one(make, unit, programme, office):
    referral = make(
        S.DRAFT,
        unit=unit,
        programme=programme,
        planned_start=START,
        planned_end=datetime.date(2029, 9, 30),
        planned_end_reason="Skrócenie szkolenia.",
    )
    saved = office_does(
        services.save_draft, referral, office, changes=changes(unit, programme, START, END)
    )
    assert (saved.planned_end, saved.planned_end_reason) == (END, "")
    data = Event.objects.get(action="referral.saved").data
    assert data["planned_end_reason"] == ["Skrócenie szkolenia.", "—"]


def test_the_reason_field_is_hidden_while_the_end_is_the_programmes(
    client_of, uw_mazowieckie, make
):
    referral = make(S.ASSIGNED)
    page = client_of(uw_mazowieckie).get(reverse("referrals:referral_form", args=[referral.pk]))
    assert '<div id="planned-end-reason" hidden>' in page.content.decode()


def test_an_end_without_a_start_is_refused(make, unit, programme, office):
    referral = make(S.DRAFT)
    with pytest.raises(services.ReferralError) as error:
        office_does(
            services.save_draft, referral, office, changes=changes(unit, programme, None, END)
        )
    assert "Podaj planowaną datę rozpoczęcia" in error.value.field_errors["planned_end"]


def test_sending_a_referral_with_another_end_and_its_reason_works(make, office, unit, programme):
    referral = make(S.DRAFT)
    end = datetime.date(2031, 3, 31)
    reason = "Urlop wychowawczy w trakcie szkolenia."
    dates = changes(unit, programme, START, end, reason)
    assigned = office_does(services.assign, referral, office, changes=dates)
    sent = office_does(services.send, assigned, office, changes=None)
    assert (sent.status, sent.planned_end) == (S.ISSUED, end)
    assert sent.planned_end_reason == reason


# ---- check_invariants and the demo -------------------------------------------------------------


def test_check_invariants_reports_an_issued_referral_starting_outside_its_window(make):
    make(S.ISSUED)  # starts 1 October 2026: inside
    make(S.STARTED, planned_start=PROCEDURE_END + datetime.timedelta(days=365))  # the last day
    outside = make(
        S.ISSUED, planned_start=datetime.date(1, 1, 1), planned_end=datetime.date(1, 1, 2)
    )
    make(S.ASSIGNED, planned_start=datetime.date(1900, 1, 1))  # not sent: the form's concern
    assert issued_referrals_start_in_their_window() == [
        f"Skierowanie {outside.number}: planowana data rozpoczęcia 01.01.0001 poza oknem "
        "30.06.2026–30.06.2027."
    ]


def test_the_demo_referrals_dates_pass_the_rules():
    call_command("seed_demo", stdout=io.StringIO())
    dated = Referral.objects.exclude(planned_start=None).select_related("session", "programme")
    assert dated.filter(status=S.STARTED).exists()
    for referral in dated:
        assert services._planned_dates_errors(referral) == {}, referral.number
        assert not referral.planned_end_reason  # the programme's end, as the form proposes
    assert issued_referrals_start_in_their_window() == []
