"""Property-based fuzzing of every form (issue 6, item 4): whatever is posted — fields
missing, wrong types, 10,000 characters, right-to-left marks, emoji, NUL bytes, HTML and
script payloads, another scope's ids, impossible dates — the answer is never a 500, nothing
changes unless the page reports success, and a payload is shown escaped, never as markup.

``FORMS`` lists every form of the app (the search forms are GET). Each hypothesis example runs
in a savepoint that is rolled back, on the two-voivodeship world of ``world.py``; the
examples are derandomized, so a run is repeatable (``FUZZ_EXAMPLES`` sets how many).

Past 400 lines on purpose: most of it is ``FORMS``, one entry a form, which reads best as
one table next to the checks every example runs.
"""

import datetime
import hashlib
import os
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from django.contrib.auth import get_user_model
from django.contrib.messages import constants as message_levels
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import F
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from stdnum.pl import pesel

from accounts.filters import ProfileFilter, RoleRequestFilter
from accounts.models import Profile, ProfileRole, RoleRequest, RoleRequestAttachment, User
from accreditation.filters import AccreditationFilter, RequestFilter, UnitSearchFilter
from accreditation.models import AccreditationRequest, InternshipAccreditation
from eks.models import Appointment, Card, Entry, PlanItem
from qualification.filters import ApplicationFilter
from qualification.forms.slot_lists import PublishedSlotListFilter
from qualification.models import (
    Application,
    ApplicationStatus,
    FormalEvaluation,
    PreferredUnit,
    Procedure,
    Session,
    SlotList,
    SlotListItem,
    Stage,
)
from qualification.services.slot_lists import current_places, places_fingerprint
from reference.filters import TrainingUnitFilter
from reference.models import Accreditation, Field, Mode, Programme, ProgrammeElement
from referrals.filters import ReferralFilter
from referrals.forms_unit import UnitReferralFilter
from referrals.models import Referral
from registry.filters import RegisterEntryFilter
from registry.models import EKS, RegisterEntry
from smk.models import Event, Notification
from smk.scanning import EICAR
from tests.conftest import log_in
from tests.factories import (
    ApplicationFactory,
    ProcedureFactory,
    SessionFactory,
    mode,
)
from tests.reliability.world import PDF, rolled_back
from training.models import Integration, OfferedPlaces, ScheduledStart, Trainee, UnitContact

pytestmark = pytest.mark.django_db

#: Examples per form; FUZZ_EXAMPLES=500 for a longer hunt than CI's.
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "25"))

SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'
PAYLOADS = (SCRIPT, IMG)

NASTY = [
    "",
    " ",
    "abc",
    "-1",
    "0",
    "1.5",
    "1,5",
    "1e309",
    "NaN",
    "Infinity",
    "0x1F",
    "9" * 30,
    "-" + "9" * 25,
    SCRIPT,
    IMG,
    "x" * 10_000,
    "ł" * 10_000,
    "\u202egnp.exe\u202c",  # right-to-left override
    "שלום עולם",
    "👩\u200d🔬🧪" * 50,
    "a\x00b",
    "\x00",
    "0001-01-01",
    "9999-12-31",
    "2026-02-31",
    "31.02.2026",
    "00.00.0000",
    "1.1.1",
    "' OR 1=1 --",
    "%s%n%x",
    "../../../etc/passwd",
    "line\r\nX-Injected: 1",
    "//evil.example/",
    "javascript:alert(1)",
]

JPG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 64 + b"\xff\xd9"
FILES = [
    ("decyzja.pdf", PDF),
    ("skan.jpg", JPG),
    ("pusty.pdf", b""),
    ("program.pdf", b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 64),  # an executable renamed
    ("eicar.pdf", PDF + EICAR),
    ("obraz.pdf", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64),
    (f"{SCRIPT}.pdf", PDF),
    ("\u202efdp.exe", PDF),
]


VALID_PESEL = "9604120001" + pesel.calc_check_digit("9604120001")

#: The applicant's choice (step one) and data fields that mostly get acceptable values.
CHOICE = ("session", "voivodeship", "field", "mode")
APPLICANT_DATA = ("first_name", "email", "phone", "address", "university", "unit_1")


# ---- What each form is given -----------------------------------------------------------------


@dataclass
class Extra:
    """Rows made for the fuzzing on top of the world: a procedure at formal evaluation, a
    session accepting applications today and the applicant's draft in it."""

    procedure: Procedure
    unevaluated: Application
    positive: Application
    other_application: Application
    accepting: Session
    draft: Application


@pytest.fixture(scope="module")
def extra(world, django_db_blocker):
    with django_db_blocker.unblock():
        mazowieckie = world.sides["M"].voivodeship
        session = SessionFactory(name="Sesja fuzzingu formularzy")
        procedure = ProcedureFactory(
            session=session, voivodeship=mazowieckie, stage=Stage.FORMAL_EVALUATION
        )

        def application(n, **kwargs):
            return ApplicationFactory(
                number=f"WN/FUZZ/{n}",
                session=session,
                voivodeship=mazowieckie,
                field=world.field,
                mode=mode(),
                **kwargs,
            )

        today = timezone.localdate()
        accepting = SessionFactory(
            name="Sesja przyjmująca wnioski (fuzzing)",
            applications_from=today - datetime.timedelta(days=7),
            applications_to=today + datetime.timedelta(days=30),
            procedure_from=today + datetime.timedelta(days=31),
            procedure_to=today + datetime.timedelta(days=60),
        )
        draft = ApplicationFactory(
            number="WN/FUZZ/robocza",
            session=accepting,
            voivodeship=mazowieckie,
            field=world.field,
            mode=mode(),
            applicant=world.people["applicant"],
            status=ApplicationStatus.DRAFT,
            approved_at=None,
        )
        return Extra(
            procedure=procedure,
            unevaluated=application(1),
            positive=application(2, formal_evaluation=FormalEvaluation.POSITIVE),
            other_application=world.sides["P"].issued.application,
            accepting=accepting,
            draft=draft,
        )


@dataclass(frozen=True)
class Form:
    person: str | None  # who submits it (None: not logged in)
    url: Callable  # (world, extra) -> URL
    #: field → (world, extra) -> legitimate values (as strings), other scopes' ids included
    fields: dict[str, Callable] = field(default_factory=dict)
    files: tuple[str, ...] = ()
    method: str = "POST"
    csv_file: str = ""  # a field holding a generated points CSV
    #: (world, extra) -> more fields, for forms whose fields depend on the data
    more_fields: Callable | None = None
    #: fields that mostly get acceptable values (the steps before the one fuzzed)
    steady: tuple[str, ...] = ()
    #: success is being logged in (there is no message)
    logs_in: bool = False


def _pk(obj) -> str:
    return str(obj.pk)


def _m(world):
    return world.sides["M"]


def _p(world):
    return world.sides["P"]


def _version(get):
    return lambda w, e: [str(get(w, e).version), "1", "0", str(get(w, e).version + 1)]


def _units(w, e):
    return [_pk(_m(w).unit), _pk(_p(w).unit), "999999"]


def _programmes(w, e):
    return [_pk(p) for p in Programme.objects.all()] + ["999999"]


def _dates(w, e):
    return ["2026-10-01", "2030-09-30", "01.10.2026", "0001-01-01", "9999-12-31", "2026-02-31"]


def _justification(w, e):
    return ["Diagnosta nie zgłosił się.", SCRIPT, IMG, "   "]


def _filters(filterset_class):
    """The filterset's parameters (another scope's unit among the values) and the page."""
    fields = dict.fromkeys(
        filterset_class.base_filters, lambda w, e: ["", "1", _pk(_p(w).unit), _pk(_m(w).unit)]
    )
    return {**fields, "page": lambda w, e: ["1", "last"]}


def _reason(w, e):
    return ["Brak podpisu na wniosku.", SCRIPT, ""]


def _card(world):
    return Card.objects.get(pk=_m(world).started.eks.pk)


def _eks_entries(w, e):
    """Entries as the page sends them (id:version): side M's, side P's, made-up ones."""
    entries = Entry.objects.filter(pk__in=[_m(w).eks_entry.pk, _p(w).eks_entry.pk])
    return [f"{x.pk}:{x.version}" for x in entries] + ["999999:1", "abc"]


FORMS: dict[str, Form] = {
    # "Przenoszę uprawnienia z SSOZI", step 1: no old account matches in this world.
    "SSOZ I: login and password": Form(
        "uw_mazowieckie",
        lambda w, e: reverse("ssozi:move"),
        {
            "login": lambda w, e: ["jkowalski", SCRIPT, IMG, ""],
            "password": lambda w, e: ["stare-haslo", SCRIPT, ""],
        },
    ),
    # Formularz skierowania: every button posts the one form.
    "referral form": Form(
        "uw_mazowieckie",
        lambda w, e: reverse("referrals:referral_form", args=[_m(w).draft.pk]),
        {
            "action": lambda w, e: ["save_draft", "assign", "send", "withdraw", "not_started"],
            "version": _version(lambda w, e: _m(w).draft),
            "unit": _units,
            "programme": _programmes,
            "planned_start": _dates,
            "planned_end": _dates,
            "planned_end_reason": _reason,
        },
    ),
    "referral form pending choice (GET)": Form(
        "uw_mazowieckie",
        lambda w, e: reverse("referrals:referral_form", args=[_m(w).draft.pk]),
        {"jednostka": _units, "program": _programmes, "od": _dates, "do": _dates},
        method="GET",
    ),
    "not-started decision (office)": Form(
        "uw_mazowieckie",
        lambda w, e: reverse("referrals:referral_not_started", args=[_m(w).issued.pk]),
        {"version": _version(lambda w, e: _m(w).issued), "justification": _justification},
        files=("attachment",),
    ),
    "strike-off confirmation": Form(
        "uw_mazowieckie",
        lambda w, e: reverse("referrals:referral_strike_off", args=[_m(w).decided.pk]),
        {"version": _version(lambda w, e: _m(w).decided)},
    ),
    "unit: accept": Form(
        "unit_staff",
        lambda w, e: reverse("referrals:unit_accept", args=[_m(w).issued.pk]),
        {"version": _version(lambda w, e: _m(w).issued)},
    ),
    "unit: reject": Form(
        "unit_staff",
        lambda w, e: reverse("referrals:unit_reject", args=[_m(w).issued.pk]),
        {"version": _version(lambda w, e: _m(w).issued), "justification": _justification},
    ),
    "unit: not started": Form(
        "unit_staff",
        lambda w, e: reverse("referrals:unit_not_started", args=[_m(w).issued.pk]),
        {"version": _version(lambda w, e: _m(w).issued), "justification": _justification},
        files=("attachment",),
    ),
    "application evaluation": Form(
        "uw_mazowieckie",
        lambda w, e: reverse("qualification:application_evaluate", args=[e.unevaluated.pk]),
        {
            "version": _version(lambda w, e: e.unevaluated),
            "formal_evaluation": lambda w, e: [
                FormalEvaluation.POSITIVE,
                FormalEvaluation.NEGATIVE,
            ],
            "formal_reason": _justification,
            "next": lambda w, e: [
                "/postepowanie/wnioski/",
                "//evil.example/",
                "https://evil.example/",
            ],
        },
    ),
    "points": Form(
        "uw_mazowieckie",
        lambda w, e: reverse("qualification:application_points", args=[e.positive.pk]),
        {
            "version": _version(lambda w, e: e.positive),
            "employment_years": lambda w, e: ["0", "3", "5,0", "60", "61"],
            "points_publications": lambda w, e: ["0", "2,5", "999,99", "1000", "0,001"],
            "points_courses": lambda w, e: ["0", "1.25", " 3 "],
            "points_other": lambda w, e: ["0", "-0", "10"],
        },
    ),
    "points CSV import": Form(
        "uw_mazowieckie",
        lambda w, e: reverse("qualification:application_points_import", args=[e.procedure.pk]),
        csv_file="file",
    ),
    "slot list edit": Form(
        "uw_mazowieckie",
        lambda w, e: reverse("qualification:slot_list_edit", args=[_m(w).slot_list.pk]),
        more_fields=lambda w, e: _slot_list_fields(w),
    ),
    "profile switch": Form(
        "uw_mazowieckie",
        lambda w, e: reverse("accounts:switch_profile"),
        {
            "profile": lambda w, e: [
                _pk(w.people["uw_mazowieckie"].profiles.first()),
                _pk(w.accounts["stranger"]["profile"]),
                _pk(w.people["uw_malopolskie"].profiles.get()),
            ]
        },
    ),
    "login": Form(
        None,
        lambda w, e: reverse("account_login"),
        {
            "login": lambda w, e: [w.people["uw_mazowieckie"].email, "nikt@example.pl"],
            "password": lambda w, e: ["haslo-testowe-123", "złe-hasło"],
        },
        logs_in=True,
    ),
    # "Skontaktuj się z nami" (portal): public, a message to the operator through the outbox.
    "contact the operator": Form(
        None,
        lambda w, e: reverse("portal:contact"),
        {
            "name": lambda w, e: ["Jan Pytający"],
            "email": lambda w, e: ["jan.pytajacy@example.pl"],
            "subject": lambda w, e: ["Pytanie o wniosek"],
            "message": lambda w, e: ["Jak zatwierdzić wniosek?"],
            "consent": lambda w, e: ["on"],
        },
    ),
    "contact data": Form(
        "uw_mazowieckie",
        lambda w, e: reverse(
            "accounts:edit_contact_data", args=[w.accounts["uw_mazowieckie"]["profile"].pk]
        ),
        {
            "phone": lambda w, e: ["+48 600 100 200", "600100200"],
            "email": lambda w, e: ["kontakt@example.pl", "nie-e-mail"],
            "version": _version(lambda w, e: w.accounts["uw_mazowieckie"]["profile"]),
        },
    ),
    "administrator: reject a role request": Form(
        "administrator",
        lambda w, e: reverse(
            "accounts:admin_reject", args=[w.accounts["stranger"]["role_request"].pk]
        ),
        {"reason": _reason},
    ),
    "administrator: block a profile": Form(
        "administrator",
        lambda w, e: reverse(
            "accounts:admin_block_profile", args=[w.accounts["stranger"]["profile"].pk]
        ),
        {"reason": _reason},
    ),
    # The applicant's portal ("Moje wnioski")
    "applicant: new application": Form(
        "applicant",
        lambda w, e: reverse("qualification:applicant_create"),
        {
            "session": lambda w, e: [_pk(e.accepting), _pk(w.session)],
            "voivodeship": lambda w, e: [_pk(_m(w).voivodeship), _pk(_p(w).voivodeship)],
            "field": lambda w, e: [_pk(w.field)],
            "mode": lambda w, e: [_pk(w.mode)],
            "confirmed": lambda w, e: ["1"],
            "deactivates": lambda w, e: [_pk(e.draft), "x"],
        },
        more_fields=lambda w, e: _application_data_fields(w),
        steady=(*CHOICE, "confirmed", *APPLICANT_DATA),
    ),
    "applicant: edit a draft": Form(
        "applicant",
        lambda w, e: reverse("qualification:applicant_edit", args=[e.draft.pk]),
        {"version": _version(lambda w, e: e.draft)},
        more_fields=lambda w, e: _application_data_fields(w),
        steady=APPLICANT_DATA,
    ),
    "applicant: approve": Form(
        "applicant",
        lambda w, e: reverse("qualification:applicant_approve", args=[e.draft.pk]),
        {"version": _version(lambda w, e: e.draft)},
    ),
    "statistics (GET)": Form(
        None,
        lambda w, e: reverse("qualification:statistics"),
        {
            "session": lambda w, e: [_pk(w.session), _pk(e.accepting)],
            "voivodeship": lambda w, e: [_pk(_m(w).voivodeship)],
        },
        method="GET",
    ),
    # The search forms (GET)
    "search: referrals": Form(
        "uw_mazowieckie",
        lambda w, e: reverse("referrals:referral_list"),
        _filters(ReferralFilter),
        method="GET",
    ),
    "search: referrals CSV": Form(
        "uw_mazowieckie",
        lambda w, e: reverse("referrals:referral_list_csv"),
        _filters(ReferralFilter),
        method="GET",
    ),
    "search: unit's referrals": Form(
        "unit_staff",
        lambda w, e: reverse("referrals:unit_referral_list"),
        _filters(UnitReferralFilter),
        method="GET",
    ),
    "search: applications": Form(
        "uw_mazowieckie",
        lambda w, e: reverse("qualification:application_list"),
        _filters(ApplicationFilter),
        method="GET",
    ),
    "search: register": Form(
        "unit_staff",
        lambda w, e: reverse("registry:entry_list"),
        _filters(RegisterEntryFilter),
        method="GET",
    ),
    "search: training units": Form(
        "uw_mazowieckie",
        lambda w, e: reverse("units:unit_list"),
        _filters(TrainingUnitFilter),
        method="GET",
    ),
    "search: published slot lists": Form(
        None,
        lambda w, e: reverse("qualification:published_slot_lists"),
        _filters(PublishedSlotListFilter),
        method="GET",
    ),
    "search: role requests": Form(
        "administrator",
        lambda w, e: reverse("accounts:admin_queue"),
        _filters(RoleRequestFilter),
        method="GET",
    ),
    "search: profiles": Form(
        "administrator",
        lambda w, e: reverse("accounts:admin_profiles"),
        _filters(ProfileFilter),
        method="GET",
    ),
    # Szkolenie w jednostce: the unit's staff on their own unit.
    "unit: contact data": Form(
        "unit_staff",
        lambda w, e: reverse("training:contact"),
        {
            "contact_person": lambda w, e: ["Ewa Nowak", SCRIPT],
            "phone": lambda w, e: ["22 123 45 67"],
            "email": lambda w, e: ["sekretariat@example.pl", "nie-e-mail"],
            "notification_emails": lambda w, e: ["a@example.pl\nb@example.pl", "a@example.pl, x"],
        },
    ),
    "unit: add a start": Form(
        "unit_staff",
        lambda w, e: reverse("training:schedule"),
        {
            "field": lambda w, e: [w.field.code, "inna-dziedzina"],
            "starts_on": _dates,
            "places": lambda w, e: ["1", "10", "11", "0"],
        },
    ),
    "unit: remove a start": Form(
        "unit_staff",
        lambda w, e: reverse("training:schedule_remove"),
        {"start": lambda w, e: ["1", "999999"]},
    ),
    "unit: trainees CSV": Form(
        "unit_staff", lambda w, e: reverse("training:trainees"), files=("file",)
    ),
    "unit: offered places": Form(
        "unit_staff",
        lambda w, e: reverse("training:offered_places"),
        {"places_macierz-uprawnien": lambda w, e: ["0", "3", "10", "11", "-1"]},
    ),
    "unit: activate": Form("unit_staff", lambda w, e: reverse("training:activate")),
    # Elektroniczna Karta Specjalizacji: side M's card, its entry waiting for the kierownik.
    "applicant: add an EKS entry": Form(
        "applicant",
        lambda w, e: reverse("eks:entry_add", args=[_card(w).pk]),
        {
            "element": lambda w, e: [_pk(x) for x in ProgrammeElement.objects.all()],
            "date_from": lambda w, e: [_card(w).start_date.isoformat(), *_dates(w, e)],
            "date_to": lambda w, e: [timezone.localdate().isoformat(), *_dates(w, e)],
            "place": lambda w, e: ["Pracownia Mikrobiologii", SCRIPT, ""],
            "count": lambda w, e: ["", "1", "999", "1000", "0"],
        },
        files=("certificate",),
        steady=("element", "date_from", "date_to"),
    ),
    "applicant: pass EKS entries on": Form(
        "applicant",
        lambda w, e: reverse("eks:entries_submit", args=[_card(w).pk]),
        {"entries": _eks_entries},
    ),
    "kierownik: confirm EKS entries": Form(
        "kierownik",
        lambda w, e: reverse("eks:entries_confirm", args=[_card(w).pk]),
        {"entries": _eks_entries, "next": lambda w, e: ["queue", "//evil.example/"]},
    ),
    "kierownik: reject an EKS entry": Form(
        "kierownik",
        lambda w, e: reverse("eks:entry_reject", args=[_m(w).eks_entry.pk]),
        {
            "version": _version(lambda w, e: Entry.objects.get(pk=_m(w).eks_entry.pk)),
            "reason": _reason,
        },
    ),
    "kierownik: yearly training plan": Form(
        "kierownik",
        lambda w, e: reverse("eks:plan", args=[_card(w).pk]),
        {"version": _version(lambda w, e: _card(w))},
        more_fields=lambda w, e: {
            f"element_{pk}": (lambda w, e: ["", "1", "4", "5", "0"])
            for pk in ProgrammeElement.objects.values_list("pk", flat=True)
        },
    ),
    "unit: appoint a kierownik": Form(
        "unit_staff",
        lambda w, e: reverse("eks:appoint", args=[_card(w).pk]),
        {
            "version": _version(lambda w, e: _card(w)),
            "kierownik": lambda w, e: [
                _pk(w.people["kierownik"].profiles.get(unit=_m(w).unit)),
                _pk(w.people["kierownik_p"].profiles.get()),
            ],
            "since": lambda w, e: [timezone.localdate().isoformat(), *_dates(w, e)],
        },
    ),
    "office: return an EKS": Form(
        "uw_mazowieckie",
        lambda w, e: reverse("eks:return", args=[_card(w).pk]),
        {"version": _version(lambda w, e: _card(w)), "reason": _reason},
    ),
    # Akredytacja: the unit's request (side M's, submitted) and the accrediting body.
    "unit: new accreditation request": Form(
        "unit_staff",
        lambda w, e: reverse("accreditation:unit_request_create"),
        {
            "kind": lambda w, e: ["dziedzina", "staz"],
            "field": lambda w, e: [_pk(w.field)],
            "programme": _programmes,
            "internship": lambda w, e: [_pk(x) for x in ProgrammeElement.objects.all()],
            "places_requested": lambda w, e: ["1", "4", "999", "1000", "0"],
            "manager_name": lambda w, e: ["dr Anna Kierownicza", SCRIPT],
            "staff": _justification,
            "training_plan": _justification,
        },
        steady=("kind", "field", "places_requested"),
    ),
    "unit: submit an accreditation request": Form(
        "unit_staff",
        lambda w, e: reverse("accreditation:unit_request_submit", args=[_request_pk(w)]),
        {"version": _version(lambda w, e: _request(w))},
    ),
    "unit: withdraw an accreditation request": Form(
        "unit_staff",
        lambda w, e: reverse("accreditation:unit_request_withdraw", args=[_request_pk(w)]),
        {"version": _version(lambda w, e: _request(w))},
    ),
    "body: grant accreditation": Form(
        "accreditation",
        lambda w, e: reverse("accreditation:grant", args=[_request_pk(w)]),
        {
            "version": _version(lambda w, e: _request(w)),
            "places": lambda w, e: ["1", "2", "3", "0"],
            "valid_from": _dates,
            "valid_to": _dates,
            "decision_number": lambda w, e: ["CMKP/AK/2026/1", SCRIPT, ""],
        },
        steady=("version", "places"),
    ),
    "body: refuse accreditation": Form(
        "accreditation",
        lambda w, e: reverse("accreditation:refuse", args=[_request_pk(w)]),
        {"version": _version(lambda w, e: _request(w)), "reason": _reason},
    ),
    "body: ask to complete": Form(
        "accreditation",
        lambda w, e: reverse("accreditation:ask_to_complete", args=[_request_pk(w)]),
        {
            "version": _version(lambda w, e: _request(w)),
            "note": _reason,
            "deadline": lambda w, e: [*_dates(w, e), "2099-01-01"],
        },
    ),
    "body: change places": Form(
        "accreditation",
        lambda w, e: reverse("accreditation:change_places", args=["dziedzina", _acc(w).pk]),
        {
            "version": _version(lambda w, e: _acc(w)),
            "places": lambda w, e: ["0", "1", "2", "3", "20", "-1"],
            "reason": _reason,
        },
        steady=("version",),
    ),
    "body: suspend": Form(
        "accreditation",
        lambda w, e: reverse("accreditation:suspend", args=["dziedzina", _acc(w).pk]),
        {
            "version": _version(lambda w, e: _acc(w)),
            "from_day": lambda w, e: [*_dates(w, e), timezone.localdate().isoformat()],
            "reason": _reason,
        },
    ),
    "body: withdraw accreditation": Form(
        "accreditation",
        lambda w, e: reverse("accreditation:withdraw", args=["dziedzina", _acc(w).pk]),
        {
            "version": _version(lambda w, e: _acc(w)),
            "from_day": lambda w, e: [*_dates(w, e), timezone.localdate().isoformat()],
            "reason": _reason,
        },
    ),
    "search: accreditation requests": Form(
        "accreditation",
        lambda w, e: reverse("accreditation:queue"),
        _filters(RequestFilter),
        method="GET",
    ),
    "search: accreditations": Form(
        "accreditation",
        lambda w, e: reverse("accreditation:accreditation_list"),
        _filters(AccreditationFilter),
        method="GET",
    ),
    "search: accredited units (public)": Form(
        None,
        lambda w, e: reverse("accreditation:public_list"),
        _filters(UnitSearchFilter),
        method="GET",
    ),
    "search: accredited units CSV": Form(
        None,
        lambda w, e: reverse("accreditation:public_list_csv"),
        _filters(UnitSearchFilter),
        method="GET",
    ),
}


def _request_pk(world) -> int:
    return _m(world).accreditation_objects["accreditation_request"]


def _request(world):
    return AccreditationRequest.objects.get(pk=_request_pk(world))


def _acc(world):
    return Accreditation.objects.get(pk=_m(world).accreditation_objects["accreditation"])


def _slot_list_fields(world):
    """The slot list's places: one field per field × mode of the reference data."""
    cells = {
        f"places_{f}_{m}": (lambda w, e: ["0", "3", "9999", "10000", "-1"])
        for f in Field.objects.values_list("pk", flat=True)
        for m in Mode.objects.values_list("pk", flat=True)
    }
    return {
        "fingerprint": lambda w, e: [places_fingerprint(current_places(_m(w).slot_list))],
        **cells,
    }


def _application_data_fields(world):
    """The applicant's data and preferred units, with values that would pass."""
    legit = {
        "first_name": ["Anna"],
        "last_name": ["Nowak-Kowalska", SCRIPT],
        "pesel": [VALID_PESEL, "12345678901"],
        "licence_number": ["DL/123456"],
        "email": ["anna.nowak@example.pl"],
        "phone": ["+48 600 100 200"],
        "address": ["ul. Szpitalna 1, 00-001 Warszawa"],
        "university": ["Warszawski Uniwersytet Medyczny"],
        "graduation_year": ["2020", "1949", "2100"],
        "study_result": ["4,50", "5.00", "1,99"],
    }
    fields = {name: (lambda w, e, v=values: v) for name, values in legit.items()}
    units = [_pk(_m(world).unit), _pk(_p(world).unit)]
    for position in (1, 2, 3):
        fields[f"unit_{position}"] = lambda w, e, u=units: u
    return fields


# ---- What may change -------------------------------------------------------------------------

#: Rows a form could change; each fingerprinted in full (counts for append-only tables).
WATCHED = [
    Referral,
    Application,
    PreferredUnit,
    Procedure,
    SlotList,
    SlotListItem,
    Accreditation,
    Profile,
    UnitContact,
    ScheduledStart,
    Trainee,
    OfferedPlaces,
    Integration,
    Entry,
    Appointment,
    PlanItem,
    AccreditationRequest,
    InternshipAccreditation,
]
COUNTED = [Event, RegisterEntry, EKS, Notification, ProfileRole, RoleRequestAttachment]


def fingerprint() -> dict[str, str]:
    prints = {}
    for model in WATCHED:
        rows = list(model.objects.order_by("pk").values_list())
        prints[model._meta.label] = hashlib.sha256(repr(rows).encode()).hexdigest()
    for model in COUNTED:
        prints[model._meta.label] = str(model.objects.count())
    prints["accounts.RoleRequest"] = repr(list(RoleRequest.objects.values_list("pk", "status")))
    prints["accounts.User"] = repr(
        list(User.objects.order_by("pk").values_list("pk", "email", "is_active", "password"))
    )
    return prints


def scope_holds():
    """Whatever happened, no referral of one voivodeship went to another's unit."""
    stray = Referral.objects.exclude(unit=None).exclude(unit__voivodeship_id=F("voivodeship_id"))
    assert not stray.exists(), list(stray.values_list("number", "unit__name"))


# ---- Strategies ------------------------------------------------------------------------------


def value(legit: list[str], steady: bool = False):
    """A value for a field: one it would accept, or anything at all. A ``steady`` field gets
    an acceptable value most of the time, so the fuzzing reaches the steps behind it."""
    anything = st.one_of(
        st.sampled_from(NASTY),
        st.text(max_size=30),
        st.integers(min_value=-(2**70), max_value=2**70).map(str),
    )
    if steady:
        return st.integers(0, 9).flatmap(lambda n: st.sampled_from(legit) if n < 8 else anything)
    return st.one_of(st.sampled_from(legit), anything)


def points_csv(legit_numbers):
    cell = value(["0", "3", "2,5", "999,99"])
    row = st.tuples(value(legit_numbers), cell, cell, cell, cell)
    header = st.sampled_from(
        [
            "numer_wniosku;staz_pracy_lata;punkty_publikacje;punkty_kursy;punkty_inne",
            "numer_wniosku,staz_pracy_lata,punkty_publikacje,punkty_kursy,punkty_inne",
            SCRIPT,
            "",
        ]
    )
    encoding = st.sampled_from(["utf-8", "utf-8-sig", "cp1250", "utf-16"])

    @st.composite
    def build(draw):
        lines = [draw(header)] + [";".join(r) for r in draw(st.lists(row, max_size=4))]
        text = "\n".join(lines)
        try:
            return text.encode(draw(encoding))
        except UnicodeEncodeError:
            return text.encode("utf-8")

    return st.one_of(build(), st.binary(max_size=200))


# ---- The property ----------------------------------------------------------------------------


def _body(response) -> str:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode("utf-8", "replace")
    return response.content.decode("utf-8", "replace")


def _succeeded(response, client, form: Form) -> bool:
    if form.logs_in:
        return "_auth_user_id" in client.session
    return any(m.level == message_levels.SUCCESS for m in response.wsgi_request._messages)


@pytest.mark.parametrize("name", list(FORMS))
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_no_input_breaks_a_form_or_changes_data_unless_it_succeeds(world, extra, name, data):
    form = FORMS[name]
    fields = {**form.fields, **(form.more_fields(world, extra) if form.more_fields else {})}
    payload = {}
    for field_name, legit in fields.items():
        steady = field_name in form.steady
        if data.draw(st.integers(0, 19 if steady else 4), label=f"{field_name} present") == 0:
            continue  # missing
        payload[field_name] = data.draw(value(legit(world, extra), steady), label=field_name)
    for field_name in form.files:
        if data.draw(st.booleans(), label=f"{field_name} attached"):
            file_name, content = data.draw(st.sampled_from(FILES), label=field_name)
            payload[field_name] = SimpleUploadedFile(file_name, content)
    if form.csv_file:
        numbers = [extra.positive.number, extra.unevaluated.number, extra.other_application.number]
        content = data.draw(points_csv(numbers), label="csv")
        payload[form.csv_file] = SimpleUploadedFile("punktacja.csv", content, "text/csv")

    with rolled_back():
        cache.clear()  # rate limits of earlier examples
        client = Client()
        if form.person is not None:
            log_in(client, get_user_model().objects.get(pk=world.people[form.person].pk))
        before = fingerprint()
        url = form.url(world, extra)
        try:
            if form.method == "GET":
                response = client.get(url, payload)
            else:
                response = client.post(url, payload)
        except Exception as error:
            pytest.fail(f"{form.method} {url} with {payload!r} answered 500: {error!r}")
        assert response.status_code < 500, payload
        succeeded = _succeeded(response, client, form)
        event(f"{response.status_code}{' success' if succeeded else ''}")
        if not succeeded:
            assert fingerprint() == before, f"{name}: data changed without success: {payload!r}"
        scope_holds()
        bodies = [_body(response)]
        if response.status_code in (301, 302):
            location = response["Location"]
            assert location.startswith("/") and not location.startswith("//"), (
                f"{name} redirects off the site: {location}"
            )
            bodies.append(_body(client.get(location)))
        for body in bodies:
            for raw in PAYLOADS:
                assert raw not in body, f"{name} shows {raw!r} unescaped for {payload!r}"


@pytest.mark.parametrize("name", list(FORMS))
def test_each_fuzzed_form_is_open_to_its_person(world, extra, name):
    """The fuzzing reaches the form itself: an empty submission is not turned away (403,
    404, the login page) — a wrong URL or person in FORMS would make it test nothing."""
    form = FORMS[name]
    client = Client()
    if form.person is not None:
        log_in(client, world.people[form.person])
    url = form.url(world, extra)
    response = client.get(url) if form.method == "GET" else client.post(url, {})
    assert response.status_code not in (403, 404, 405), (name, response.status_code)
    if response.status_code == 302:
        assert not response["Location"].startswith(reverse("account_login")), name
