"""The unit's operations for its own system (seed 004): zapiszDaneMus, zapiszHarmonogram,
zasilInicjalnie, zapiszSloty, aktywujMus — scoped to the client's unit, all-or-nothing,
idempotent, and waiting for an active integration where they should."""

import datetime

import pytest
from django.test import override_settings
from stdnum.pl import pesel

from api import scopes
from referrals.models import ReferralStatus
from referrals.places import free_places
from smk.models import Event
from tests.api.conftest import Api, make_client, token_for
from tests.factories import (
    AccreditationFactory,
    FieldFactory,
    ReferralFactory,
    ScheduledStartFactory,
    TraineeFactory,
    TrainingUnitFactory,
    UnitContactFactory,
    valid_pesel,
    voivodeship,
)
from training.models import Integration, OfferedPlaces, ScheduledStart, Trainee, UnitContact

pytestmark = pytest.mark.django_db

UNIT = "/api/v1/unit/"
SCHEDULE = "/api/v1/unit/schedule/"
TRAINEES = "/api/v1/unit/trainees/"
OFFERED = "/api/v1/unit/offered-places/"
INTEGRATION = "/api/v1/unit/integration/"
ACTIVATE = "/api/v1/unit/integration/activate/"

NEXT_YEAR = datetime.date.today().year + 1
START = f"{NEXT_YEAR}-10-01"


@pytest.fixture
def accreditation(unit):
    return AccreditationFactory(
        unit=unit,
        field=FieldFactory(code="mikrobiologia-medyczna"),
        places=5,
        valid_to=datetime.date(NEXT_YEAR + 5, 12, 31),
    )


@pytest.fixture
def new_unit(db):
    """A unit whose integration is not active yet, with an accreditation and a client."""
    unit = TrainingUnitFactory(voivodeship=voivodeship("mazowieckie"))
    accreditation = AccreditationFactory(
        unit=unit, places=5, valid_to=datetime.date(NEXT_YEAR + 5, 12, 31)
    )
    client, secret = make_client(unit=unit, name="Nowy system")
    return accreditation, Api(token_for(client, secret))


def load(rows):
    return {"trainees": rows}


def row(field, pesel=None, start="2025-10-01", **extra):
    return {"pesel": pesel or valid_pesel(), "field": field, "start_date": start, **extra}


# ---- zapiszDaneMus -------------------------------------------------------------------------


def test_the_unit_s_system_writes_its_contact_data_and_the_history_names_the_client(unit_api, unit):
    response = unit_api.put(
        UNIT,
        {
            "contact_person": "Ewa Nowak",
            "phone": "22 123 45 67",
            "email": "sekretariat@szpital.example.pl",
            "notification_emails": ["skierowania@szpital.example.pl"],
        },
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["name"], body["nip"]) == (unit.name, unit.nip)
    assert body["notification_emails"] == ["skierowania@szpital.example.pl"]
    assert UnitContact.objects.get(unit=unit).contact_person == "Ewa Nowak"
    event = Event.objects.get(action="training.contact_saved")
    assert "Klient API „System HR”" in event.acting_as
    assert unit_api.get(UNIT).json()["contact_person"] == "Ewa Nowak"


def test_bad_contact_data_is_named_by_field_and_changes_nothing(unit_api):
    data = {"contact_person": "Ewa", "phone": "1", "email": "zly"}
    assert set(unit_api.put(UNIT, data).json()) == {"email"}
    assert set(unit_api.put(UNIT, {**data, "nieznane": 1}).json()) == {"nieznane"}
    assert not UnitContact.objects.exists()


# ---- zapiszHarmonogram ---------------------------------------------------------------------


def test_the_schedule_replaces_the_one_before(unit_api, accreditation):
    ScheduledStartFactory(accreditation=accreditation, starts_on=datetime.date(NEXT_YEAR, 3, 1))
    code = accreditation.field.code
    response = unit_api.put(
        SCHEDULE,
        {
            "starts": [
                {"field": code, "date": START, "places": 2},
                {"field": code, "date": f"{NEXT_YEAR + 1}-04-01", "places": 5},
            ]
        },
    )
    assert response.status_code == 200, response.content
    assert [s["date"] for s in response.json()["starts"]] == [START, f"{NEXT_YEAR + 1}-04-01"]
    assert ScheduledStart.objects.filter(unit=accreditation.unit).count() == 2


def test_a_bad_start_is_named_by_its_row_and_nothing_is_written(unit_api, accreditation):
    code = accreditation.field.code
    response = unit_api.put(
        SCHEDULE,
        {
            "starts": [
                {"field": code, "date": START, "places": 2},
                {"field": code, "date": START, "places": 6},
                {"field": "inna-dziedzina", "date": "2027-13-01", "places": 1},
            ]
        },
    )
    assert response.status_code == 400
    assert [(e["row"], e["field"]) for e in response.json()["errors"]] == [(3, "date")]
    again = unit_api.put(
        SCHEDULE,
        {
            "starts": [
                {"field": code, "date": START, "places": 2},
                {"field": code, "date": START, "places": 6},
            ]
        },
    )
    assert again.status_code == 400
    assert [(e["row"], e["field"]) for e in again.json()["errors"]] == [(2, "date"), (2, "places")]
    assert not ScheduledStart.objects.exists()


# ---- zasilInicjalnie -----------------------------------------------------------------------


def test_an_initial_load_of_5000_rows_is_taken_in_one_request_and_again_changes_nothing(
    unit_api, unit
):
    accreditation = AccreditationFactory(
        unit=unit, places=5000, valid_to=datetime.date(NEXT_YEAR + 5, 12, 31)
    )
    rows = [row(accreditation.field.code, pesel=p) for p in _pesels(5000)]
    response = unit_api.post(TRAINEES, load(rows))
    assert response.status_code == 200, response.content[:500]
    assert response.json() == {"created": 5000, "updated": 0, "unchanged": 0}
    assert free_places(accreditation) == 0
    again = unit_api.post(TRAINEES, load(rows))
    assert again.json() == {"created": 0, "updated": 0, "unchanged": 5000}
    assert Trainee.objects.count() == 5000
    assert Event.objects.filter(action="training.trainees_loaded").count() == 1


def test_one_bad_pesel_in_row_4321_refuses_the_whole_load_naming_the_row(unit_api, unit):
    accreditation = AccreditationFactory(
        unit=unit, places=5000, valid_to=datetime.date(NEXT_YEAR + 5, 12, 31)
    )
    rows = [row(accreditation.field.code, pesel=p) for p in _pesels(5000)]
    good = rows[4320]["pesel"]
    rows[4320]["pesel"] = good[:-1] + str((int(good[-1]) + 1) % 10)
    response = unit_api.post(TRAINEES, load(rows))
    assert response.status_code == 400
    assert [(e["row"], e["field"]) for e in response.json()["errors"]] == [(4321, "pesel")]
    assert "PESEL" in response.json()["errors"][0]["message"]
    assert not Trainee.objects.exists()


def _pesels(n):
    """``n`` different valid PESELs of people born on 1 January 1990."""
    bodies = (f"900101{serial:04d}" for serial in range(n))
    return [body + pesel.calc_check_digit(body) for body in bodies]


def test_loading_the_same_person_with_other_dates_updates_the_row(unit_api, accreditation):
    pesel = valid_pesel()
    unit_api.post(TRAINEES, load([row(accreditation.field.code, pesel=pesel)]))
    ended = unit_api.post(
        TRAINEES,
        load([row(accreditation.field.code, pesel=pesel, end_date="2026-01-31")]),
    )
    assert ended.json() == {"created": 0, "updated": 1, "unchanged": 0}
    assert Trainee.objects.get().ended_on == datetime.date(2026, 1, 31)
    assert free_places(accreditation) == 5  # a finished training holds no place


def test_a_load_never_takes_more_places_than_are_free(unit_api, accreditation):
    # A referral holds one of the 5 places.
    ReferralFactory(
        status=ReferralStatus.ASSIGNED, unit=accreditation.unit, field=accreditation.field
    )
    rows = [row(accreditation.field.code) for _ in range(5)]
    response = unit_api.post(TRAINEES, load(rows))
    assert response.status_code == 400
    assert [e["row"] for e in response.json()["errors"]] == [5]
    assert "wolnych miejsc 4" in response.json()["errors"][0]["message"]
    assert not Trainee.objects.exists()


def test_the_same_person_twice_in_one_field_is_refused_naming_both_rows(unit_api, accreditation):
    pesel = valid_pesel()
    rows = [row(accreditation.field.code, pesel=pesel), row(accreditation.field.code, pesel=pesel)]
    response = unit_api.post(TRAINEES, load(rows))
    assert response.status_code == 400
    (error,) = response.json()["errors"]
    assert (error["row"], error["field"]) == (2, "pesel")
    assert "w wierszu 1" in error["message"]
    assert not Trainee.objects.exists()


def test_trainees_are_listed_to_their_unit_only(unit_api, accreditation, other_unit):
    mine = TraineeFactory(accreditation=accreditation)
    TraineeFactory(accreditation=AccreditationFactory(unit=other_unit))
    body = unit_api.get(TRAINEES).json()
    assert [t["pesel"] for t in body["results"]] == [mine.pesel]


def test_a_body_over_the_limit_answers_413(unit_api, accreditation):
    with override_settings(API_MAX_BODY_BYTES=1000):
        response = unit_api.post(TRAINEES, load([row(accreditation.field.code)] * 50))
    assert response.status_code == 413
    assert not Trainee.objects.exists()


def test_a_retried_load_with_the_same_idempotency_key_gets_the_same_answer(unit_api, accreditation):
    body = load([row(accreditation.field.code)])
    first = unit_api.post(TRAINEES, body, HTTP_IDEMPOTENCY_KEY="zasilenie-1")
    retry = unit_api.post(TRAINEES, body, HTTP_IDEMPOTENCY_KEY="zasilenie-1")
    assert first.json() == retry.json() == {"created": 1, "updated": 0, "unchanged": 0}
    assert retry["Idempotent-Replayed"] == "true"


# ---- zapiszSloty ---------------------------------------------------------------------------


def test_offered_places_are_declared_and_never_above_the_free_places(unit_api, accreditation):
    TraineeFactory(accreditation=accreditation)
    code = accreditation.field.code
    refused = unit_api.put(OFFERED, {"places": [{"field": code, "places": 5}]})
    assert refused.status_code == 400
    assert refused.json()["errors"][0]["field"] == "places"
    assert "Najwyżej 4" in refused.json()["errors"][0]["message"]
    saved = unit_api.put(OFFERED, {"places": [{"field": code, "places": 4}]})
    assert saved.status_code == 200, saved.content
    (row_,) = saved.json()["places"]
    assert (row_["places"], row_["accreditation_places"], row_["free_places"]) == (4, 5, 4)
    assert OfferedPlaces.objects.get().places == 4


# ---- aktywujMus and the writes that wait for it --------------------------------------------


def test_an_inactive_unit_s_writes_that_need_activation_are_refused_with_the_reason(new_unit):
    accreditation, api = new_unit
    code = accreditation.field.code
    refused = api.put(OFFERED, {"places": [{"field": code, "places": 1}]})
    assert refused.status_code == 403
    assert "Integracja jednostki nie jest aktywna" in refused.json()["detail"]
    assert "dane jednostki" in refused.json()["detail"]
    assert not OfferedPlaces.objects.exists()
    referral = ReferralFactory(
        status=ReferralStatus.ISSUED, unit=accreditation.unit, field=accreditation.field
    )
    decision = api.post(f"/api/v1/referrals/{referral.pk}/accept/", {})
    assert decision.status_code == 403
    assert "nie jest aktywna" in decision.json()["detail"]
    # The steps towards activation are open to it.
    assert api.post(TRAINEES, load([row(code)])).status_code == 200


def test_activation_needs_the_data_and_the_schedule_then_the_writes_are_open(new_unit):
    accreditation, api = new_unit
    code = accreditation.field.code
    refused = api.post(ACTIVATE)
    assert refused.status_code == 409
    assert len(refused.json()["missing"]) == 2
    api.put(
        UNIT,
        {"contact_person": "Ewa Nowak", "phone": "22 123 45 67", "email": "s@szpital.example.pl"},
    )
    api.put(SCHEDULE, {"starts": [{"field": code, "date": START, "places": 1}]})
    done = api.post(ACTIVATE)
    assert done.status_code == 200, done.content
    assert done.json()["active"] is True
    assert "Nowy system" in done.json()["activated_by"]
    assert Integration.objects.active().filter(unit=accreditation.unit).exists()
    assert api.get(INTEGRATION).json()["missing"] == []
    assert api.put(OFFERED, {"places": [{"field": code, "places": 1}]}).status_code == 200


# ---- scoping and scopes --------------------------------------------------------------------


def test_a_client_writes_and_reads_only_its_own_unit(unit_api, accreditation, other_unit):
    UnitContactFactory(unit=other_unit, contact_person="Cudza Osoba")
    theirs = ScheduledStartFactory(
        accreditation=AccreditationFactory(unit=other_unit, field=accreditation.field),
        starts_on=datetime.date(NEXT_YEAR, 5, 5),
    )
    assert unit_api.get(UNIT).json()["contact_person"] == ""
    assert unit_api.get(SCHEDULE).json() == {"starts": []}
    # The other unit's accreditation does not count for this one.
    response = unit_api.put(
        SCHEDULE, {"starts": [{"field": theirs.field.code, "date": START, "places": 1}]}
    )
    assert response.status_code == 200
    assert ScheduledStart.objects.get(pk=theirs.pk).starts_on == datetime.date(NEXT_YEAR, 5, 5)
    assert ScheduledStart.objects.filter(unit=accreditation.unit).count() == 1


def test_the_unit_s_operations_need_unit_write(unit):
    client, secret = make_client(unit=unit, client_scopes=[scopes.REFERRALS_READ])
    api = Api(token_for(client, secret))
    for path in (UNIT, SCHEDULE, TRAINEES, OFFERED, INTEGRATION):
        response = api.get(path)
        assert response.status_code == 403, path
        assert "unit:write" in response.json()["detail"]


def test_an_office_s_client_cannot_use_them(mazowieckie):
    client, secret = make_client(office=mazowieckie)
    assert Api(token_for(client, secret)).get(UNIT).status_code == 403
