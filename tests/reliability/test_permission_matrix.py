"""The permission matrix: every URL pattern × every demo role × own and other scope.

The URL patterns are discovered from the root resolver, so a new view is covered without
anyone remembering to add a test: a pattern without a row in ``MATRIX`` fails
``test_every_url_pattern_has_a_row_in_the_matrix`` with what to add. Each row says who may
open the view (``PUBLIC``, ``LOGIN`` or the roles), which object each URL keyword takes, and
which methods the view accepts; the expected status of every cell follows from the rules in
:func:`expected`. Whatever the expectation, no cell may answer 500 and no page may show data
of a scope the person does not work in (the other side's referral and application numbers,
applicants' names, register and EKS numbers, other people's role requests).

Not in the matrix:
- the Django admin (``/admin/``): its access is Django's own (``is_staff`` and model
  permissions) behind the second factor, every admin URL tried in
  ``test_admin_second_factor.py``; our admin classes are covered by their own tests;
- the integration API (``/api/v1/``): no session reaches it, only OAuth tokens of API clients;
  its own matrix of every API URL pattern × token (none, another institution's, without the
  scope, another unit's object) is ``tests/api/test_api_matrix.py``;
- static files (served by whitenoise, not by URL patterns).
allauth's URLs under ``/konto/`` are in the matrix: they are pages people open.

Past 400 lines on purpose: ``MATRIX`` has a row for every URL pattern, and the point is that
it is one table a reader scans for the view they add.
"""

from dataclasses import dataclass, field

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from accounts.models import Role
from tests.conftest import log_in

PUBLIC = "public"
LOGIN = "login"  # any logged-in person, also one without a profile to work in

OFFICE = (Role.UW, Role.WOJEWODA)
UNIT = (Role.UNIT_STAFF,)
ADMIN = (Role.ADMINISTRATOR,)
APPLICANT = (Role.APPLICANT,)
UNIT_READERS = (Role.UW, Role.WOJEWODA, Role.UNIT_STAFF, Role.ADMINISTRATOR)
EKS_READERS = (*UNIT_READERS, Role.APPLICANT)
ATTACHMENT_READERS = (Role.UW, Role.WOJEWODA, Role.UNIT_STAFF)
BODY = (Role.ACCREDITATION,)
#: A request for accreditation, its files and PDF: its unit's staff and the accrediting body.
REQUEST_READERS = (Role.UNIT_STAFF, Role.ACCREDITATION)
KIEROWNIK = (Role.KIEROWNIK,)
#: Who opens an EKS of the eks app (a kierownik: their trainees' only).
CARD_READERS = (*EKS_READERS, Role.KIEROWNIK)

pytestmark = pytest.mark.django_db

GET, POST = "GET", "POST"
LOGIN_REDIRECT = "login-redirect"

#: Placeholder values for allauth's keyword arguments (tokens nobody holds).
TOKEN_KWARGS = {"key": "nieznany-klucz", "uidb36": "zz", "provider_id": "nieznany-dostawca"}
#: Public objects named in the URL, the same for every visitor.
PUBLIC_KWARGS = {"manual": "pierwsze-kroki"}


@dataclass(frozen=True)
class Row:
    """Who may open a URL pattern, with what, and how it answers them."""

    access: str | tuple[str, ...]
    #: URL keyword → kind of object (a key of :func:`objects_for`); "field" and "mode" are
    #: reference data shared by every scope.
    kwargs: dict[str, str] = field(default_factory=dict)
    methods: tuple[str, ...] = (GET,)
    #: "profile": objects reached through the active profile's scope (the central
    #: administrator sees everything); "person": only the person's own objects (everyone
    #: else's answer 404, the administrator's too); "units": a unit's own, and every unit's
    #: for the accrediting body (accreditation requests and accreditations).
    scope: str = "profile"
    #: What an allowed GET / POST answers (an empty POST is usually refused politely).
    get_ok: frozenset[int] = frozenset({200})
    post_ok: frozenset[int] = frozenset({200, 302, 400})


OK_OR_REDIRECT = frozenset({200, 302})
LOGIN_STAGE = frozenset({200, 302, LOGIN_REDIRECT})
UNTIL_TOTP = frozenset({200, 302, 404})

#: THE TABLE. A new URL pattern needs a row here (keyed by its name, or by its route when it
#: has no name): who may open it, which object each keyword takes, which methods it accepts.
MATRIX: dict[str, Row] = {
    # --- smk ---------------------------------------------------------------------------------
    "healthz": Row(PUBLIC),
    "readyz": Row(PUBLIC),
    # The test client connects from 127.0.0.1, which METRICS_ALLOWED_IPS allows by default;
    # any other address gets a 404 (tests/operations/test_metrics.py).
    "metrics": Row(PUBLIC),
    # --- portal: the start page and the footer's pages, public ---------------------------
    "home": Row(PUBLIC),
    "portal:announcements": Row(PUBLIC),
    "portal:help": Row(PUBLIC),
    "portal:help_page": Row(PUBLIC, kwargs={"slug": "manual"}),
    "portal:help_pdf": Row(PUBLIC, kwargs={"slug": "manual"}),
    "portal:personal_data": Row(PUBLIC),
    "portal:accessibility": Row(PUBLIC),
    "portal:privacy": Row(PUBLIC),
    "portal:terms": Row(PUBLIC),
    "portal:sitemap": Row(PUBLIC),
    # An empty POST is refused next to the fields.
    "portal:contact": Row(PUBLIC, methods=(GET, POST)),
    # --- allauth (/konto/): the rows say how allauth answers, so a change shows up here ----
    "account_login": Row(PUBLIC, methods=(GET, POST), get_ok=OK_OR_REDIRECT),
    # Logging out sends the person to the login page.
    "account_logout": Row(
        LOGIN, methods=(GET, POST), get_ok=OK_OR_REDIRECT, post_ok={LOGIN_REDIRECT}
    ),
    "account_inactive": Row(PUBLIC),
    "account_signup": Row(PUBLIC, methods=(GET, POST), get_ok=OK_OR_REDIRECT),
    "account_reauthenticate": Row(LOGIN, methods=(GET, POST), get_ok=OK_OR_REDIRECT),
    "account_email": Row(LOGIN, methods=(GET, POST), get_ok=OK_OR_REDIRECT),
    "account_email_verification_sent": Row(PUBLIC),
    "account_change_password": Row(LOGIN, methods=(GET, POST), get_ok=OK_OR_REDIRECT),
    "account_set_password": Row(LOGIN, methods=(GET, POST), get_ok=OK_OR_REDIRECT),
    "account_reset_password": Row(PUBLIC, methods=(GET, POST), get_ok=OK_OR_REDIRECT),
    # Steps of a login in progress: without one, back to the login page.
    "account_confirm_login_code": Row(
        PUBLIC, methods=(GET, POST), get_ok=LOGIN_STAGE, post_ok=LOGIN_STAGE
    ),
    "mfa_authenticate": Row(PUBLIC, methods=(GET, POST), get_ok=LOGIN_STAGE, post_ok=LOGIN_STAGE),
    # An unknown key: the page says the link is invalid; confirming it is not found.
    "account_confirm_email": Row(
        PUBLIC, kwargs={"key": "token"}, methods=(GET, POST), post_ok={404}
    ),
    "account_reset_password_from_key_done": Row(PUBLIC),
    "account_reset_password_from_key": Row(
        PUBLIC, kwargs={"uidb36": "token", "key": "token"}, methods=(GET, POST)
    ),
    "account_reset_password_done": Row(PUBLIC),
    # Profil Zaufany (pz/): off in this world (PZ_SP_ENTITY_ID unset), so the SAML endpoints
    # are not found; the first-login steps lead to the login page (LOGIN_STAGE) without a
    # Profil Zaufany answer in the session.
    "pz:metadata": Row(PUBLIC, get_ok={404}),
    "pz:login": Row(PUBLIC, get_ok={404}),
    "pz:acs": Row(PUBLIC, get_ok={404}),
    "pz:slo": Row(PUBLIC, get_ok={404}),
    "pz:logout_continue": Row(PUBLIC, kwargs={"key": "token"}, get_ok=LOGIN_STAGE),
    "pz:migration": Row(PUBLIC, methods=(GET, POST), get_ok=LOGIN_STAGE, post_ok=LOGIN_STAGE),
    "pz:account_information": Row(
        PUBLIC, methods=(GET, POST), get_ok=LOGIN_STAGE, post_ok=LOGIN_STAGE
    ),
    "pz:activation_pending": Row(PUBLIC, get_ok=LOGIN_STAGE),
    "pz:resend_activation": Row(PUBLIC, methods=(POST,), post_ok=LOGIN_STAGE),
    "pz:activate": Row(
        PUBLIC, kwargs={"key": "token"}, methods=(GET, POST), get_ok={404}, post_ok={404}
    ),
    "pz:required": Row(PUBLIC),
    # "Przenoszę uprawnienia z SSOZI" (ssozi/): anyone logged in; the summary of one's own
    # profile only.
    "ssozi:move": Row(LOGIN, methods=(GET, POST)),
    "ssozi:summary": Row(LOGIN, kwargs={"pk": "profile"}, methods=(GET, POST), scope="person"),
    "mfa_index": Row(LOGIN),
    "mfa_reauthenticate": Row(LOGIN, methods=(GET, POST), get_ok=OK_OR_REDIRECT),
    "mfa_activate_totp": Row(LOGIN, methods=(GET, POST), get_ok=OK_OR_REDIRECT),
    # Not found until an authenticator app is set up (only the administrator has one here).
    "mfa_deactivate_totp": Row(
        LOGIN, methods=(GET, POST), get_ok=UNTIL_TOTP, post_ok=UNTIL_TOTP | {400}
    ),
    "mfa_view_recovery_codes": Row(LOGIN, get_ok=UNTIL_TOTP),
    "mfa_generate_recovery_codes": Row(LOGIN, methods=(GET, POST), get_ok=OK_OR_REDIRECT),
    "mfa_download_recovery_codes": Row(LOGIN, get_ok=UNTIL_TOTP),
    "socialaccount_login_cancelled": Row(PUBLIC),
    "socialaccount_login_error": Row(PUBLIC, get_ok={401}),
    # No third-party login in progress: back to the login page.
    "socialaccount_signup": Row(
        PUBLIC, methods=(GET, POST), get_ok={LOGIN_REDIRECT}, post_ok={LOGIN_REDIRECT}
    ),
    "socialaccount_connections": Row(LOGIN, methods=(GET, POST)),
    # allauth's old addresses, moved permanently to the ones above
    "konto/social/login/cancelled/": Row(PUBLIC, get_ok={301}),
    "konto/social/login/error/": Row(PUBLIC, get_ok={301}),
    "konto/social/signup/": Row(PUBLIC, get_ok={301}),
    "konto/social/connections/": Row(PUBLIC, get_ok={301}),
    # OpenID Connect is off unless configured: an unknown provider is not found.
    "openid_connect_login": Row(
        PUBLIC, kwargs={"provider_id": "token"}, methods=(GET, POST), get_ok={404}, post_ok={404}
    ),
    "openid_connect_callback": Row(
        PUBLIC, kwargs={"provider_id": "token"}, methods=(GET, POST), get_ok={404}, post_ok={404}
    ),
    # --- accounts (/moje-konto/) -------------------------------------------------------------
    "accounts:my_account": Row(LOGIN),
    "accounts:switch_profile": Row(LOGIN, methods=(POST,)),
    "accounts:choose_profile": Row(LOGIN, methods=(GET, POST), get_ok=OK_OR_REDIRECT),
    "accounts:edit_contact_data": Row(
        LOGIN, kwargs={"pk": "profile"}, methods=(GET, POST), scope="person"
    ),
    "accounts:attachment_reminder": Row(LOGIN, methods=(GET, POST), get_ok=OK_OR_REDIRECT),
    "accounts:request_institution": Row(LOGIN),
    "accounts:request_select": Row(LOGIN, methods=(POST,)),
    "accounts:request_roles": Row(LOGIN, methods=(GET, POST), get_ok=OK_OR_REDIRECT),
    "accounts:request_summary": Row(LOGIN, methods=(GET, POST), get_ok=OK_OR_REDIRECT),
    "accounts:request_cancel": Row(LOGIN, methods=(GET, POST), get_ok=OK_OR_REDIRECT),
    "accounts:request_download": Row(
        LOGIN, kwargs={"pk": "batch"}, methods=(GET, POST), scope="person"
    ),
    # GET hands out the PDF; POST is step 4's "Pobierz" (records it, then redirects to GET).
    "accounts:request_pdf": Row(LOGIN, kwargs={"pk": "batch"}, methods=(GET, POST), scope="person"),
    "accounts:batch_attachments": Row(
        LOGIN, kwargs={"pk": "batch"}, methods=(GET, POST), scope="person"
    ),
    "accounts:download_attachment": Row(LOGIN, kwargs={"pk": "attachment"}, scope="person"),
    "accounts:delete_attachment": Row(
        LOGIN, kwargs={"pk": "attachment"}, methods=(POST,), scope="person"
    ),
    "accounts:withdraw_request": Row(
        LOGIN, kwargs={"pk": "role_request"}, methods=(GET, POST), scope="person"
    ),
    "accounts:sent_otherwise": Row(
        LOGIN, kwargs={"pk": "role_request"}, methods=(POST,), scope="person"
    ),
    # --- api: the page of an institution's API clients (the API itself: see the docstring) --
    "api_pages:client_list": Row((*OFFICE, *UNIT)),
    "accounts:admin_queue": Row(ADMIN),
    "accounts:admin_request": Row(ADMIN, kwargs={"pk": "role_request"}),
    "accounts:admin_approve": Row(ADMIN, kwargs={"pk": "role_request"}, methods=(POST,)),
    "accounts:admin_reject": Row(ADMIN, kwargs={"pk": "role_request"}, methods=(POST,)),
    "accounts:admin_pdf": Row(ADMIN, kwargs={"pk": "batch"}),
    "accounts:admin_attachment": Row(ADMIN, kwargs={"pk": "attachment"}),
    "accounts:admin_profiles": Row(ADMIN),
    "accounts:admin_profile": Row(ADMIN, kwargs={"pk": "profile"}),
    "accounts:admin_block_profile": Row(ADMIN, kwargs={"pk": "profile"}, methods=(POST,)),
    "accounts:admin_unblock_profile": Row(ADMIN, kwargs={"pk": "profile"}, methods=(POST,)),
    # --- reference (/jednostki/) -------------------------------------------------------------
    "units:unit_list": Row(UNIT_READERS),
    "units:unit_detail": Row(UNIT_READERS, kwargs={"pk": "unit"}),
    # --- qualification (/postepowanie/) ------------------------------------------------------
    "qualification:procedure_list": Row(OFFICE),
    "qualification:procedure_detail": Row(OFFICE, kwargs={"pk": "procedure"}),
    "qualification:procedure_start_formal_evaluation": Row(
        OFFICE, kwargs={"pk": "procedure"}, methods=(POST,)
    ),
    "qualification:procedure_start_competition": Row(
        OFFICE, kwargs={"pk": "procedure"}, methods=(POST,)
    ),
    "qualification:procedure_close": Row(OFFICE, kwargs={"pk": "procedure"}, methods=(GET, POST)),
    "qualification:slot_list_detail": Row(OFFICE, kwargs={"pk": "slot_list"}),
    "qualification:slot_list_edit": Row(OFFICE, kwargs={"pk": "slot_list"}, methods=(GET, POST)),
    "qualification:slot_list_approve": Row(
        (Role.WOJEWODA,), kwargs={"pk": "slot_list"}, methods=(POST,)
    ),
    "qualification:slot_list_publish": Row(
        (Role.WOJEWODA,), kwargs={"pk": "slot_list"}, methods=(POST,)
    ),
    "qualification:published_slot_lists": Row(PUBLIC),
    "qualification:application_list": Row(OFFICE),
    "qualification:application_detail": Row(OFFICE, kwargs={"pk": "application"}),
    "qualification:application_evaluate": Row(
        OFFICE, kwargs={"pk": "application"}, methods=(GET, POST)
    ),
    "qualification:application_points": Row(
        OFFICE, kwargs={"pk": "application"}, methods=(GET, POST)
    ),
    "qualification:application_history": Row(OFFICE, kwargs={"pk": "application"}),
    "qualification:application_points_import": Row(
        OFFICE, kwargs={"pk": "procedure"}, methods=(GET, POST)
    ),
    "qualification:application_points_template": Row(OFFICE, kwargs={"pk": "procedure"}),
    "qualification:ranking_index": Row(OFFICE, kwargs={"pk": "procedure"}),
    "qualification:ranking_detail": Row(OFFICE, kwargs={"pk": "procedure"}),
    "qualification:ranking_pdf": Row(OFFICE, kwargs={"pk": "procedure"}),
    "qualification:ranking_csv": Row(OFFICE, kwargs={"pk": "procedure"}),
    "qualification:ranking_qualify_next": Row(OFFICE, kwargs={"pk": "procedure"}, methods=(POST,)),
    "qualification:statistics": Row(PUBLIC),
    # The applicant's own applications ("Moje wnioski"); theirs is approved, so it can no
    # longer be edited or approved: those pages send them back.
    "qualification:my_applications": Row(APPLICANT),
    "qualification:applicant_create": Row(APPLICANT, methods=(GET, POST), get_ok=OK_OR_REDIRECT),
    "qualification:applicant_detail": Row(APPLICANT, kwargs={"pk": "own_application"}),
    "qualification:applicant_edit": Row(
        APPLICANT, kwargs={"pk": "own_application"}, methods=(GET, POST), get_ok=OK_OR_REDIRECT
    ),
    "qualification:applicant_approve": Row(
        APPLICANT, kwargs={"pk": "own_application"}, methods=(GET, POST), get_ok=OK_OR_REDIRECT
    ),
    "qualification:applicant_print": Row(APPLICANT, kwargs={"pk": "own_application"}),
    "qualification:applicant_attachment_add": Row(
        APPLICANT, kwargs={"pk": "own_application"}, methods=(POST,)
    ),
    "qualification:applicant_attachment_remove": Row(
        APPLICANT, kwargs={"pk": "application_attachment"}, methods=(POST,)
    ),
    # The applicant's own, and the office's once the application is approved.
    "qualification:application_attachment": Row(
        (Role.APPLICANT, *OFFICE, Role.ADMINISTRATOR), kwargs={"pk": "application_attachment"}
    ),
    # --- referrals (/skierowania/) -----------------------------------------------------------
    "referrals:referral_list": Row(OFFICE),
    "referrals:referral_list_csv": Row(OFFICE),
    "referrals:dashboard": Row(OFFICE),
    "referrals:referral_form": Row(OFFICE, kwargs={"pk": "issued"}, methods=(GET, POST)),
    # One unit accredited in the field: chosen at once, back to the form.
    "referrals:referral_choose_unit": Row(OFFICE, kwargs={"pk": "draft"}, get_ok=OK_OR_REDIRECT),
    "referrals:referral_choose_programme": Row(
        OFFICE, kwargs={"pk": "draft"}, get_ok=OK_OR_REDIRECT
    ),
    "referrals:referral_not_started": Row(OFFICE, kwargs={"pk": "issued"}, methods=(GET, POST)),
    "referrals:referral_strike_off": Row(OFFICE, kwargs={"pk": "decided"}, methods=(GET, POST)),
    "referrals:referral_history": Row(OFFICE, kwargs={"pk": "issued"}),
    "referrals:referral_pdf": Row(OFFICE, kwargs={"pk": "issued"}),
    "referrals:decision_attachment": Row(ATTACHMENT_READERS, kwargs={"pk": "decided"}),
    "referrals:unit_referral_list": Row(UNIT),
    "referrals:unit_referral_detail": Row(UNIT, kwargs={"pk": "issued"}),
    "referrals:unit_accept": Row(UNIT, kwargs={"pk": "issued"}, methods=(GET, POST)),
    "referrals:unit_reject": Row(UNIT, kwargs={"pk": "issued"}, methods=(GET, POST)),
    "referrals:unit_not_started": Row(UNIT, kwargs={"pk": "issued"}, methods=(GET, POST)),
    # --- registry (/rejestr/) ----------------------------------------------------------------
    "registry:entry_list": Row(UNIT_READERS),
    "registry:entry_list_csv": Row(UNIT_READERS),
    "registry:entry_detail": Row(UNIT_READERS, kwargs={"pk": "entry"}),
    "registry:eks_detail": Row(EKS_READERS, kwargs={"pk": "eks"}),
    # --- eks (/eks/): the card of side M's started referral; its kierownik is the actor's --
    "eks:card_list": Row(CARD_READERS),
    "eks:queue": Row(KIEROWNIK),
    "eks:card_detail": Row(CARD_READERS, kwargs={"pk": "eks"}),
    "eks:card_history": Row(CARD_READERS, kwargs={"pk": "eks"}),
    "eks:card_pdf": Row(CARD_READERS, kwargs={"pk": "eks"}),
    "eks:entry_add": Row(APPLICANT, kwargs={"pk": "eks"}, methods=(GET, POST)),
    "eks:entries_submit": Row(APPLICANT, kwargs={"pk": "eks"}, methods=(POST,)),
    "eks:entries_confirm": Row(KIEROWNIK, kwargs={"pk": "eks"}, methods=(POST,)),
    "eks:plan": Row(KIEROWNIK, kwargs={"pk": "eks"}, methods=(GET, POST)),
    "eks:appoint": Row(UNIT, kwargs={"pk": "eks"}, methods=(GET, POST)),
    # The card is open and not complete: these pages send the person back to it.
    "eks:complete": Row(
        KIEROWNIK, kwargs={"pk": "eks"}, methods=(GET, POST), get_ok=OK_OR_REDIRECT
    ),
    "eks:verify": Row(OFFICE, kwargs={"pk": "eks"}, methods=(GET, POST), get_ok=OK_OR_REDIRECT),
    "eks:return": Row(OFFICE, kwargs={"pk": "eks"}, methods=(GET, POST), get_ok=OK_OR_REDIRECT),
    # The entry waits for the kierownik: the diagnostician can no longer correct it.
    "eks:entry_edit": Row(
        APPLICANT, kwargs={"pk": "eks_entry"}, methods=(GET, POST), get_ok=OK_OR_REDIRECT
    ),
    "eks:entry_delete": Row(APPLICANT, kwargs={"pk": "eks_entry"}, methods=(POST,)),
    "eks:entry_reject": Row(KIEROWNIK, kwargs={"pk": "eks_entry"}, methods=(GET, POST)),
    "eks:certificate": Row(CARD_READERS, kwargs={"pk": "eks_entry"}),
    # --- training (/szkolenie/): the staff's own unit, no object in the URL -------------------
    # --- accreditation (/akredytacja/): the side's unit's submitted request, its file and the
    # unit's accreditation; the accrediting body sees every unit's ----------------------------
    "accreditation:unit_home": Row(UNIT),
    "accreditation:unit_request_create": Row(UNIT, methods=(GET, POST)),
    "accreditation:unit_request_detail": Row(UNIT, kwargs={"pk": "accreditation_request"}),
    # Submitted: no longer editable, back to the request.
    "accreditation:unit_request_edit": Row(
        UNIT, kwargs={"pk": "accreditation_request"}, methods=(GET, POST), get_ok=OK_OR_REDIRECT
    ),
    "accreditation:unit_attachment_add": Row(
        UNIT, kwargs={"pk": "accreditation_request"}, methods=(POST,)
    ),
    "accreditation:unit_attachment_remove": Row(
        UNIT, kwargs={"pk": "request_attachment"}, methods=(POST,)
    ),
    "accreditation:unit_request_submit": Row(
        UNIT, kwargs={"pk": "accreditation_request"}, methods=(POST,)
    ),
    "accreditation:unit_request_withdraw": Row(
        UNIT, kwargs={"pk": "accreditation_request"}, methods=(GET, POST)
    ),
    "accreditation:unit_accreditation_detail": Row(
        UNIT, kwargs={"kind": "accreditation_kind", "pk": "accreditation"}
    ),
    "accreditation:request_pdf": Row(
        REQUEST_READERS, kwargs={"pk": "accreditation_request"}, scope="units"
    ),
    "accreditation:attachment_download": Row(
        REQUEST_READERS, kwargs={"pk": "request_attachment"}, scope="units"
    ),
    "accreditation:queue": Row(BODY),
    "accreditation:request_detail": Row(
        BODY, kwargs={"pk": "accreditation_request"}, scope="units"
    ),
    "accreditation:grant": Row(
        BODY, kwargs={"pk": "accreditation_request"}, methods=(GET, POST), scope="units"
    ),
    "accreditation:refuse": Row(
        BODY, kwargs={"pk": "accreditation_request"}, methods=(GET, POST), scope="units"
    ),
    "accreditation:ask_to_complete": Row(
        BODY, kwargs={"pk": "accreditation_request"}, methods=(GET, POST), scope="units"
    ),
    "accreditation:accreditation_list": Row(BODY),
    "accreditation:accreditation_detail": Row(
        BODY, kwargs={"kind": "accreditation_kind", "pk": "accreditation"}, scope="units"
    ),
    "accreditation:change_places": Row(
        BODY,
        kwargs={"kind": "accreditation_kind", "pk": "accreditation"},
        methods=(GET, POST),
        scope="units",
    ),
    "accreditation:suspend": Row(
        BODY,
        kwargs={"kind": "accreditation_kind", "pk": "accreditation"},
        methods=(GET, POST),
        scope="units",
    ),
    # In force, not suspended: the page sends the body back to the accreditation.
    "accreditation:resume": Row(
        BODY,
        kwargs={"kind": "accreditation_kind", "pk": "accreditation"},
        methods=(GET, POST),
        scope="units",
        get_ok=OK_OR_REDIRECT,
    ),
    "accreditation:withdraw": Row(
        BODY,
        kwargs={"kind": "accreditation_kind", "pk": "accreditation"},
        methods=(GET, POST),
        scope="units",
    ),
    "accreditation:public_list": Row(PUBLIC),
    "accreditation:public_list_csv": Row(PUBLIC),
    "training:integration": Row(UNIT),
    "training:activate": Row(UNIT, methods=(POST,)),
    "training:contact": Row(UNIT, methods=(GET, POST)),
    "training:schedule": Row(UNIT, methods=(GET, POST)),
    "training:schedule_remove": Row(UNIT, methods=(POST,)),
    "training:trainees": Row(UNIT, methods=(GET, POST)),
    "training:trainees_csv": Row(UNIT),
    "training:offered_places": Row(UNIT, methods=(GET, POST)),
}

#: Keywords that mean the same object wherever they appear.
SHARED_KWARGS = {"field_pk": "field", "mode_pk": "mode"}

#: Patterns left out on purpose (see the module docstring).
SKIPPED_PREFIXES = ("admin/", "api/v1/")


# ---- Discovery ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Pattern:
    key: str  # the URL name ("app:name") or, for an unnamed pattern, its route
    name: str | None
    route: str
    kwargs: tuple[str, ...]


def discover(patterns=None, prefix="", namespace=None, outer_kwargs=()):
    """Every URL pattern reachable from the root resolver, with its full route and every
    keyword it takes (its own and those of the resolvers it sits in)."""
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        route = prefix + str(entry.pattern)
        kwargs = (*outer_kwargs, *entry.pattern.regex.groupindex)
        if isinstance(entry, URLResolver):
            inner = namespace
            if entry.namespace:
                inner = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
            yield from discover(entry.url_patterns, route, inner, kwargs)
        elif isinstance(entry, URLPattern):
            name = entry.name and (f"{namespace}:{entry.name}" if namespace else entry.name)
            yield Pattern(
                key=name or route,
                name=name,
                route=route,
                kwargs=kwargs,
            )


def covered_patterns() -> list[Pattern]:
    return [p for p in discover() if not p.route.startswith(SKIPPED_PREFIXES)]


PATTERNS = covered_patterns()
MAPPED = [p for p in PATTERNS if p.key in MATRIX]


# ---- Who is asking ------------------------------------------------------------------------


@dataclass(frozen=True)
class Actor:
    roles: frozenset[str]
    #: The side of the world whose data is the actor's own scope ("M" or "P").
    side: str
    sees_everything: bool = False
    #: Sees every unit's accreditation requests and accreditations (the rows of scope "units").
    sees_every_unit: bool = False


ACTORS: dict[str, Actor | None] = {
    "uw_mazowieckie": Actor(frozenset({Role.UW}), "M"),
    "wojewoda_mazowieckie": Actor(frozenset({Role.WOJEWODA}), "M"),
    "uw_malopolskie": Actor(frozenset({Role.UW}), "P"),
    "unit_staff": Actor(frozenset({Role.UNIT_STAFF}), "M"),
    "kierownik": Actor(frozenset({Role.KIEROWNIK}), "M"),
    "applicant": Actor(frozenset({Role.APPLICANT}), "M"),
    "administrator": Actor(frozenset({Role.ADMINISTRATOR}), "M", sees_everything=True),
    "accreditation": Actor(frozenset({Role.ACCREDITATION}), "M", sees_every_unit=True),
    "no_profile": Actor(frozenset(), "M"),
    "anonymous": None,
}


def expected(row: Row, actor: Actor | None, variant: str, method: str) -> set:
    """The statuses a cell may answer (``LOGIN_REDIRECT``: 302 to the login page)."""
    accepts = method in row.methods
    if actor is None:
        if row.access == PUBLIC:
            return set(row.get_ok if method == GET else row.post_ok) if accepts else {405}
        # Either check may come first; both keep the visitor out.
        return {LOGIN_REDIRECT} | (set() if accepts else {405})
    denial = None
    if row.access not in (PUBLIC, LOGIN) and not actor.roles.intersection(row.access):
        denial = 403
    elif variant == "other" and (
        row.scope == "person"
        or (row.scope == "profile" and not actor.sees_everything)
        or (row.scope == "units" and not actor.sees_every_unit)
    ):
        denial = 404
    if not accepts:
        return {405} | ({denial} if denial else set())
    if denial:
        return {denial}
    return set(row.get_ok if method == GET else row.post_ok)


# ---- The world's objects for a cell --------------------------------------------------------


def other_side(side: str) -> str:
    return "P" if side == "M" else "M"


def objects_for(world, person: str, side: str, variant: str) -> dict:
    """Object kind → primary key, as the actor's own scope (``variant="own"``) or another."""
    data_side = world.sides[side if variant == "own" else other_side(side)]
    accounts = world.accounts[person if variant == "own" else "stranger"]
    return {
        "issued": data_side.issued.pk,
        "draft": data_side.draft.pk,
        "decided": data_side.decided.pk,
        "application": data_side.issued.application_id,
        # the applicant's own (side M's is the demo applicant's)
        "own_application": data_side.started.application_id,
        "application_attachment": data_side.attachment.pk,
        "procedure": data_side.procedure.pk,
        "slot_list": data_side.slot_list.pk,
        "unit": data_side.unit.pk,
        "entry": data_side.started.register_entries.get().pk,
        "eks": data_side.started.eks.pk,
        "eks_entry": data_side.eks_entry.pk,
        "batch": accounts["batch"].pk,
        "role_request": accounts["role_request"].pk,
        "attachment": accounts["attachment"].pk,
        "profile": accounts["profile"].pk,
        "field": world.field.pk,
        "mode": world.mode.pk,
        **data_side.accreditation_objects,
    }


def url_of(pattern: Pattern, objects: dict) -> str:
    row = MATRIX[pattern.key]
    kwargs = {}
    for name in pattern.kwargs:
        kind = row.kwargs.get(name) or SHARED_KWARGS.get(name)
        if kind == "token":
            kwargs[name] = TOKEN_KWARGS[name]
        elif kind in PUBLIC_KWARGS:
            kwargs[name] = PUBLIC_KWARGS[kind]
        elif kind is not None:
            kwargs[name] = objects[kind]
        else:
            pytest.fail(
                f"The URL pattern {pattern.key!r} ({pattern.route}) takes the keyword {name!r}, "
                f"but its row in MATRIX (tests/reliability/test_permission_matrix.py) does not "
                f"say which object it is: add it to the row's kwargs."
            )
    if pattern.name:
        return reverse(pattern.name, kwargs=kwargs)
    return "/" + pattern.route


def forbidden_markers(world, person: str) -> dict[str, str]:
    """Strings of data outside the person's scope: none of them may appear on their pages."""
    actor = ACTORS[person]
    if actor is not None and actor.sees_everything:
        return {}
    markers = {}
    for tag, side in world.sides.items():
        for name, value in side.markers.items():
            markers[f"{tag}.{name}"] = value
    mine: set[str] = set()
    if person in ("uw_mazowieckie", "wojewoda_mazowieckie", "uw_malopolskie"):
        mine = {k for k in markers if k.startswith(actor.side + ".")}
    elif person == "unit_staff":
        # The unit sees what was sent to it, never the referral left in Wersja robocza.
        mine = {k for k in markers if k.startswith("M.") and not k.startswith("M.draft.")}
    elif person in ("applicant", "kierownik"):
        # The kierownik sees the card of their trainee only, not the unit's referrals.
        mine = {k for k in markers if k.startswith("M.started.")}
    elif person == "accreditation":
        # Every unit's requests; of referrals, only the numbers of those holding places
        # (the accreditation's page names them), nothing of the applicants.
        mine = {
            k
            for k in markers
            if k.endswith((".accreditation_request", ".started.referral", ".issued.referral"))
        }
    for key in mine:
        markers.pop(key)
    for other, number in world.request_numbers.items():
        if other != person:
            markers[f"role request of {other}"] = number
    return markers


# ---- The cells ----------------------------------------------------------------------------


def _cells():
    for pattern in MAPPED:
        row = MATRIX[pattern.key]
        variants = (
            ("own", "other")
            if any(
                (row.kwargs.get(k) or SHARED_KWARGS.get(k))
                not in (None, "token", "field", "mode", *PUBLIC_KWARGS)
                for k in pattern.kwargs
            )
            else ("-",)
        )
        methods = (GET, POST) if POST in row.methods else (GET,)
        for person in ACTORS:
            for variant in variants:
                for method in methods:
                    yield pytest.param(
                        pattern,
                        person,
                        variant,
                        method,
                        id=f"{pattern.key}-{person}-{variant}-{method}",
                    )


def _body(response) -> str:
    if getattr(response, "streaming", False):
        content = b"".join(response.streaming_content)
    else:
        content = response.content
    return content.decode("utf-8", "replace")


@pytest.mark.parametrize(("pattern", "person", "variant", "method"), list(_cells()))
def test_cell(world, fresh_cache, pattern, person, variant, method):
    actor = ACTORS[person]
    # An anonymous visitor's "own" objects: those of a demo clerk.
    owner = person if actor is not None else "uw_mazowieckie"
    objects = objects_for(world, owner, actor.side if actor else "M", variant)
    url = url_of(pattern, objects)
    client = Client()
    if actor is not None:
        log_in(client, get_user_model().objects.get(pk=world.people[person].pk))
    allowed = expected(MATRIX[pattern.key], actor, variant, method)
    try:
        response = client.get(url) if method == GET else client.post(url, {})
    except Exception as error:  # the test client re-raises what would be a 500
        pytest.fail(
            f"{method} {url} as {person}: 500 ({error!r}); expected {sorted(map(str, allowed))}"
        )
    status = response.status_code
    to_login = status == 302 and response["Location"].startswith(reverse("account_login"))
    got = LOGIN_REDIRECT if to_login else status
    assert got in allowed, (
        f"{method} {url} as {person} ({variant} scope): got {got}"
        f"{' → ' + response['Location'] if status in (301, 302) else ''}, "
        f"expected one of {sorted(map(str, allowed))}"
    )
    body = _body(response)
    leaked = {
        name: value for name, value in forbidden_markers(world, person).items() if value in body
    }
    assert not leaked, f"{method} {url} as {person} shows data outside their scope: {leaked}"


def test_every_url_pattern_has_a_row_in_the_matrix():
    missing = [p for p in PATTERNS if p.key not in MATRIX]
    assert not missing, (
        "These URL patterns have no row in MATRIX (tests/reliability/test_permission_matrix.py)"
        " — add one saying who may open them (PUBLIC, LOGIN or the roles), which object each "
        "keyword takes and which methods they accept:\n"
        + "\n".join(f"  {p.key!r}: /{p.route}  kwargs={list(p.kwargs)}" for p in missing)
    )


def test_every_row_of_the_matrix_names_an_existing_url_pattern():
    keys = {p.key for p in PATTERNS}
    stale = sorted(set(MATRIX) - keys)
    assert not stale, f"MATRIX rows for URL patterns that no longer exist — remove them: {stale}"


def test_the_markers_are_real_each_office_finds_its_own_referrals_on_its_list(world):
    """The leak check is not vacuous: the markers it looks for do appear on pages of the
    scope they belong to."""
    for person, side in (("uw_mazowieckie", "M"), ("uw_malopolskie", "P")):
        client = Client()
        client.force_login(world.people[person])
        body = _body(client.get(reverse("referrals:referral_list") + "?session="))
        for name in ("issued.referral", "issued.applicant", "draft.referral"):
            assert world.sides[side].markers[name] in body, (person, name)
        register = _body(client.get(reverse("registry:entry_list")))
        assert world.sides[side].markers["started.entry"] in register
