"""Control characters (NUL, ESC, DEL) in every field of every form (issue 14, item 6).

The forms are discovered, not listed: every page of the permission matrix (and those of the
form fuzzing's ``FORMS``) is opened by a person who may open it, and every ``<form>`` on it —
POST forms and GET search forms alike — is submitted as the browser would, with one field at a
time given a control character; for a GET page, so is every query parameter its links carry
(sorting, paging). A file input gets a PDF whose name holds the character. Whatever is sent,
the answer is never a 500, no control character reaches the database, and nothing changes
unless the page reports success (a field the view ignores, such as ``next``, may not stop it).
"""

import functools
import json
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urljoin, urlsplit

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.messages import constants as message_levels
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, models
from django.test import Client
from django.urls import reverse

from accounts.models import RoleRequest, RoleRequestAttachment
from smk.text import has_control_characters, validate_no_control_characters
from tests.conftest import log_in
from tests.reliability.test_form_fuzzing import FORMS, fingerprint
from tests.reliability.test_form_fuzzing import extra as extra  # the fixture
from tests.reliability.test_permission_matrix import (
    ACTORS,
    GET,
    LOGIN,
    MAPPED,
    MATRIX,
    PUBLIC,
    objects_for,
    url_of,
)
from tests.reliability.world import PDF, rolled_back

pytestmark = pytest.mark.django_db

CONTROL = ("\x00", "\x1b", "\x7f")
MESSAGE = "Pole zawiera niedozwolone znaki sterujące."

#: Fields nobody types: Django's CSRF token (the test client does not check it).
NOT_FUZZED = {"csrfmiddlewaretoken"}


# ---- The forms of a page, as a browser would submit them --------------------------------------


@dataclass
class PageForm:
    method: str
    action: str
    #: (name, value) pairs the browser would send as the page stands
    values: list[tuple[str, str]] = field(default_factory=list)
    #: every field's name, submit buttons and file inputs included
    names: list[str] = field(default_factory=list)
    files: set[str] = field(default_factory=set)

    def key(self, page_url: str) -> tuple:
        path = urlsplit(urljoin(page_url, self.action or page_url)).path
        return (self.method, path, tuple(sorted(set(self.names))))


class FormParser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[PageForm] = []
        self.links: list[str] = []
        self._form: PageForm | None = None
        self._textarea: list | None = None
        self._select: dict | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        if tag == "form":
            method = (attrs.get("method") or "get").upper()
            self._form = PageForm(method, attrs.get("action") or "")
            self.forms.append(self._form)
            return
        form, name = self._form, attrs.get("name")
        if form is None:
            return
        if tag == "option" and self._select is not None:
            self._select["options"].append(attrs.get("value", ""))
            if "selected" in attrs:
                self._select["selected"].append(attrs.get("value", ""))
            return
        if not name:
            return
        form.names.append(name)
        kind = (attrs.get("type") or "text").lower() if tag == "input" else tag
        if tag == "textarea":
            self._textarea = [name]
        elif tag == "select":
            self._select = {"name": name, "options": [], "selected": []}
        elif kind == "file":
            form.files.add(name)
        elif kind in ("checkbox", "radio"):
            if "checked" in attrs:
                form.values.append((name, attrs.get("value", "on")))
        elif kind not in ("submit", "button", "image", "reset") and tag == "input":
            form.values.append((name, attrs.get("value", "")))

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea.append(data)

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "textarea" and self._textarea is not None and self._form is not None:
            name, *text = self._textarea
            self._form.values.append((name, "".join(text).removeprefix("\n")))
            self._textarea = None
        elif tag == "select" and self._select is not None and self._form is not None:
            chosen = self._select["selected"] or self._select["options"][:1]
            self._form.values.extend((self._select["name"], value) for value in chosen)
            self._select = None


# ---- The database holds no control character --------------------------------------------------


@functools.cache
def _text_columns() -> tuple[tuple[str, str, bool], ...]:
    """(table, column, is JSON) of every text column of the models' tables."""
    tables = set(connection.introspection.table_names())
    return tuple(
        (model._meta.db_table, model_field.column, isinstance(model_field, models.JSONField))
        for model in apps.get_models()
        if model._meta.db_table in tables
        for model_field in model._meta.concrete_fields
        if isinstance(model_field, (models.CharField, models.TextField, models.JSONField))
    )


def stored_control_characters(char: str) -> list[str]:
    """The columns holding ``char`` (a JSON column holds it escaped), in one query. PostgreSQL
    cannot store a NUL at all: trying to is a 500, which the requests' check catches."""
    if char == "\x00":
        return []
    quote = connection.ops.quote_name
    queries, params = [], []
    for table, column, is_json in _text_columns():
        queries.append(
            f"SELECT %s WHERE EXISTS (SELECT 1 FROM {quote(table)} "  # noqa: S608
            f"WHERE strpos({quote(column)}::text, %s) > 0)"
        )
        params += [f"{table}.{column}", json.dumps(char)[1:-1] if is_json else char]
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(queries), params)
        return [name for (name,) in cursor.fetchall()]


# ---- Who opens which page ---------------------------------------------------------------------

#: Each demo role once, in its own scope (small enough to open every page as each).
PEOPLE = ("uw_mazowieckie", "wojewoda_mazowieckie", "unit_staff", "applicant", "administrator")


def _people_for(access) -> list[str | None]:
    if access == PUBLIC:
        return [None]
    if access == LOGIN:
        return ["uw_mazowieckie", "no_profile"]
    return [p for p in PEOPLE if ACTORS[p].roles.intersection(access)]


@dataclass(frozen=True)
class Page:
    key: str
    person: str | None
    url: object  # (world, extra) -> URL


def _pages() -> list[Page]:
    pages = []
    for pattern in MAPPED:
        row = MATRIX[pattern.key]
        if GET not in row.methods:
            continue  # a POST-only view: its form is on the page that offers it
        for person in _people_for(row.access):
            actor = ACTORS[person or "uw_mazowieckie"]

            def url(world, _extra, pattern=pattern, person=person, side=actor.side):
                owner = person or "uw_mazowieckie"
                return url_of(pattern, objects_for(world, owner, side, "own"))

            pages.append(Page(f"{pattern.key}-{person or 'anonymous'}", person, url))
    for name, form in FORMS.items():
        pages.append(Page(f"fuzzed form: {name}", form.person, form.url))
    return pages


PAGES = _pages()

#: Forms already fuzzed (the layout's own forms are on every page): each is sent once a run.
FUZZED: set[tuple] = set()


def _client(world, person: str | None) -> Client:
    client = Client()
    if person is not None:
        log_in(client, get_user_model().objects.get(pk=world.people[person].pk))
    return client


def _body(response) -> str:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode("utf-8", "replace")
    return response.content.decode("utf-8", "replace")


def _succeeded(response, client, person) -> bool:
    if person is None and "_auth_user_id" in client.session:
        return True  # logged in
    return any(m.level == message_levels.SUCCESS for m in response.wsgi_request._messages)


def _submissions(page_url: str, parsed: FormParser):
    """(description, method, url, data) for every field of every form and link parameter."""
    for form in parsed.forms:
        action = urljoin(page_url, form.action or page_url)
        if urlsplit(action).netloc not in ("", "testserver") or form.key(page_url) in FUZZED:
            continue
        FUZZED.add(form.key(page_url))
        for name in dict.fromkeys(form.names):
            if name in NOT_FUZZED:
                continue
            for char in CONTROL:
                data: dict[str, list] = {}
                for key, value in form.values:
                    data.setdefault(key, []).append(value)
                if name in form.files:
                    data[name] = [SimpleUploadedFile(f"skan{char}.pdf", PDF, "application/pdf")]
                else:
                    data[name] = [(data.get(name) or [""])[0] + char]
                yield f"{form.method} form field {name!r}", form.method, action, data, char
    for href in parsed.links:
        link = urlsplit(urljoin(page_url, href))
        if link.netloc not in ("", "testserver") or not link.query:
            continue
        query = parse_qsl(link.query, keep_blank_values=True)
        for name in dict.fromkeys(key for key, _value in query):
            if ("GET", link.path, ("?" + name,)) in FUZZED:
                continue
            FUZZED.add(("GET", link.path, ("?" + name,)))
            for char in CONTROL:
                data = {key: [value + char if key == name else value] for key, value in query}
                yield f"link parameter {name!r}", "GET", link.path, data, char


@pytest.mark.parametrize("page", PAGES, ids=[p.key for p in PAGES])
def test_no_control_character_in_any_field_breaks_a_page_or_is_stored(world, extra, page):
    cache.clear()
    page_url = page.url(world, extra)
    response = _client(world, page.person).get(page_url)
    if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
        return  # a file, or a redirect to a page that has a row of its own
    parsed = FormParser()
    parsed.feed(_body(response))
    failures = []
    for description, method, url, data, char in _submissions(page_url, parsed):
        with rolled_back():
            cache.clear()  # rate limits of earlier submissions
            client = _client(world, page.person)
            before = fingerprint()
            what = f"{description} = {char!r}: {method} {url}"
            try:
                response = client.get(url, data) if method == "GET" else client.post(url, data)
            except Exception as error:  # the test client re-raises what would be a 500
                failures.append(f"{what} answered 500: {error!r}")
                continue
            if response.status_code >= 500:
                failures.append(f"{what} answered {response.status_code}")
            stored = stored_control_characters(char)
            if stored:
                failures.append(f"{what} stored {char!r} in {stored}")
            if fingerprint() != before and not _succeeded(response, client, page.person):
                failures.append(f"{what} changed data without reporting success")
    assert not failures, "\n".join(failures)


def test_the_discovery_finds_the_forms_it_should():
    """The test above is not vacuous: it reached the forms of the pages it crawled."""
    if not FUZZED:
        pytest.skip("run together with the page tests above")
    paths = {key[1] for key in FUZZED}
    expected = [
        reverse("account_login"),
        reverse("referrals:referral_list"),
        reverse("qualification:application_list"),
        reverse("accounts:admin_queue"),
    ]
    assert all(path in paths for path in expected), sorted(paths)


# ---- The message, next to the field -----------------------------------------------------------


def test_a_control_character_in_a_reason_is_refused_next_to_the_field(world):
    request = world.accounts["stranger"]["role_request"]
    client = _client(world, "administrator")
    response = client.post(
        reverse("accounts:admin_reject", args=[request.pk]),
        {"reason": "Brak\x1b podpisu na wniosku."},
    )
    assert response.status_code == 400
    assert f'id="id_reason_error">{MESSAGE}' in _body(response)
    assert RoleRequest.objects.get(pk=request.pk).status == request.status


def test_a_nul_in_a_search_field_is_refused_next_to_the_field_not_with_a_500(world):
    client = _client(world, "uw_mazowieckie")
    response = client.get(reverse("referrals:referral_list"), {"session": "", "name": "Nowak\x00"})
    assert response.status_code == 200
    assert f'id="id_name_error">{MESSAGE}' in _body(response)


def test_a_control_character_in_the_applicants_surname_is_refused_next_to_the_field(world, extra):
    client = _client(world, "applicant")
    response = client.post(
        reverse("qualification:applicant_edit", args=[extra.draft.pk]),
        {"version": extra.draft.version, "last_name": "Nowak\x7f", "first_name": "Anna"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["last_name"][0] == MESSAGE
    assert f'id="id_last_name_error">{MESSAGE}' in _body(response)
    extra.draft.refresh_from_db()
    assert "\x7f" not in extra.draft.last_name


# ---- Uploaded file names ----------------------------------------------------------------------


def test_an_uploaded_file_name_loses_its_control_characters(world):
    """Django's multipart parser drops them (smk/text.py): kept here so that stays true."""
    batch = world.accounts["stranger"]["batch"]
    client = _client(world, "stranger")
    before = set(RoleRequestAttachment.objects.values_list("pk", flat=True))
    response = client.post(
        reverse("accounts:batch_attachments", args=[batch.pk]),
        {"file": SimpleUploadedFile("pod\x00pis\x1bany\x7f.pdf", PDF, "application/pdf")},
    )
    assert response.status_code < 500
    [added] = RoleRequestAttachment.objects.exclude(pk__in=before)
    assert added.original_name == "podpisany.pdf"
    download = client.get(reverse("accounts:download_attachment", args=[added.pk]))
    assert download.status_code == 200
    assert "podpisany.pdf" in download["Content-Disposition"]


# ---- The rule itself --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text", ["\x00", "a\x01b", "\x1b[31m", "\x7f", "\x85", "\x9f", "\x0b", "\x0c", "\ud800"]
)
def test_controls_dels_c1_and_lone_surrogates_are_control_characters(text):
    assert has_control_characters(text)
    with pytest.raises(Exception, match=MESSAGE):
        validate_no_control_characters(text)


@pytest.mark.parametrize(
    "text", ["Zażółć gęślą jaźń", "a\tb", "wiersz\r\nwiersz\n", "👩\u200d🔬", "\u202eשלום", ""]
)
def test_letters_emoji_tabs_and_line_breaks_are_not(text):
    assert not has_control_characters(text)
    validate_no_control_characters(text)


def test_every_text_field_class_refuses_control_characters():
    """A form field class with its own ``default_validators`` (imported after ``install``
    walked the classes) would let them through: every CharField subclass has the validator."""
    from django import forms

    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    missing = [
        f"{cls.__module__}.{cls.__qualname__}"
        for cls in [forms.CharField, *subclasses(forms.CharField)]
        if validate_no_control_characters not in cls.default_validators
    ]
    assert not missing, missing
