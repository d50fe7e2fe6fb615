"""Soak test: ``python -m soak.run --minutes 10`` (``make soak``; ``make soak-short`` in CI).

1. a dedicated PostgreSQL database (``smk_soak`` on this machine, ``SOAK_DATABASE_URL``;
   ``--fresh`` drops and recreates it), ``migrate``, ``seed_demo``, ``collectstatic``;
2. gunicorn with several workers on 127.0.0.1 with the production settings (DEBUG off,
   plain HTTP on loopback, ``CONN_MAX_AGE=60`` as docker-compose runs it);
3. simulated people, each a thread with its own cookies, logging in through the real login
   form (CSRF included): UW and Wojewoda clerks of mazowieckie working through referrals
   (choose a unit and a programme, Przydziel, Wyślij, Wycofaj, Zapisz wersję roboczą,
   Niepodjęcie szkolenia, Wpisz do rejestru — with the page's version, with a stale one, with
   invalid values), the demo unit's staff deciding (Akceptuj, Odrzuć, Niepodjęcie szkolenia),
   a clerk of małopolskie opening mazowieckie's referrals (404), lists, searches, exports;
4. until ``--minutes`` pass or ``--requests`` are made; then ``check_invariants``.

Prints requests, rates by status code, p50/p95/p99 latency and the action outcomes, writes
them to ``var/soak/last.json``, and exits non-zero on any 5xx, any request that got no answer,
or invariants that do not hold. Only loopback: the server binds 127.0.0.1 and the client
talks to nothing else.
"""

import argparse
import datetime
import http.cookiejar
import json
import math
import os
import random
import re
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from html import unescape
from html.parser import HTMLParser
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/smk_soak"
RESULTS = BASE_DIR / "var" / "soak"
PASSWORD = "SmkDemo-2026"  # noqa: S105 - the published demo password (README.md)

#: The server's environment: production settings, plain HTTP on loopback.
SERVER_ENV = {
    "DJANGO_SETTINGS_MODULE": "smk.settings",
    "DEBUG": "0",
    "SECRET_KEY": "soak-only-secret-key-never-used-in-production-0123456789abcdefgh",
    "ALLOWED_HOSTS": "127.0.0.1",
    "SECURE_SSL_REDIRECT": "0",
    "SECURE_COOKIES": "0",
    "SECURE_HSTS_SECONDS": "0",
    "CONN_MAX_AGE": "60",
    "STATIC_ROOT": str(BASE_DIR / "var" / "soak-static"),
    "MEDIA_ROOT": str(BASE_DIR / "var" / "soak-media"),
    "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
    "LOG_LEVEL": "WARNING",
}

#: Who works during the soak (e-mail, role), assigned to the simulated people in turn.
PEOPLE = [
    ("uw.mazowieckie@smk.local", "office"),
    ("jednostka@smk.local", "unit"),
    ("wojewoda.mazowieckie@smk.local", "office"),
    ("uw.mazowieckie@smk.local", "office"),  # the same clerk in a second browser
    ("jednostka@smk.local", "unit"),
    ("uw.malopolskie@smk.local", "outsider"),
]

STALE_TEXT = "Skierowanie zostało zmienione przez innego użytkownika"


# ---- Statistics -------------------------------------------------------------------------------


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile (p in 0–100)."""
    ordered = sorted(values)
    return ordered[max(1, math.ceil(p / 100 * len(ordered))) - 1]


@dataclass
class Stats:
    lock: threading.Lock = field(default_factory=threading.Lock)
    statuses: Counter = field(default_factory=Counter)
    latencies: list[float] = field(default_factory=list)
    by_kind: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    outcomes: Counter = field(default_factory=Counter)
    server_errors: list[str] = field(default_factory=list)

    def record(self, kind: str, method: str, path: str, status: int, seconds: float):
        with self.lock:
            self.statuses[status] += 1
            self.latencies.append(seconds)
            self.by_kind[kind].append(seconds)
            if status >= 500 or status == 0:
                self.server_errors.append(f"{status} {method} {path}")

    def outcome(self, name: str):
        with self.lock:
            self.outcomes[name] += 1

    @property
    def total(self) -> int:
        return sum(self.statuses.values())


# ---- A browser: cookies, CSRF, no automatic redirects -------------------------------------------


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


@dataclass
class Page:
    status: int
    text: str
    location: str = ""

    def forms(self) -> list["Form"]:
        parser = _FormParser()
        parser.feed(self.text)
        return parser.forms

    def links(self, pattern: str) -> list[str]:
        return [
            unescape(h)
            for h in re.findall(r'href="([^"]*)"', self.text)
            if re.search(pattern, unescape(h))
        ]

    def messages(self) -> list[tuple[str, str]]:
        return [
            (kind, unescape(re.sub(r"<[^>]+>", "", text)).strip())
            for kind, text in re.findall(
                r'<p class="message message--(\w+)">(.*?)</p>', self.text, re.S
            )
        ]


@dataclass
class Form:
    action: str
    method: str
    fields: dict[str, str]
    buttons: list[tuple[str, str]]  # (name, value) of submit buttons
    attrs: dict[str, str]


class _FormParser(HTMLParser):
    def __init__(self):
        super().__init__()
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self._form = Form(a.get("action", ""), a.get("method", "get").lower(), {}, [], a)
            self.forms.append(self._form)
        elif self._form is None:
            return
        elif tag == "input":
            kind = a.get("type", "text")
            if kind == "submit":
                self._form.buttons.append((a.get("name", ""), a.get("value", "")))
            elif kind in ("checkbox", "radio"):
                if "checked" in a:
                    self._form.fields[a.get("name", "")] = a.get("value", "on")
            elif a.get("name"):
                self._form.fields[a["name"]] = a.get("value", "")
        elif tag == "button" and a.get("type", "submit") == "submit":
            if a.get("formmethod") != "dialog":
                self._form.buttons.append((a.get("name", ""), a.get("value", "")))
        elif tag == "textarea" and a.get("name"):
            self._textarea = a["name"]
            self._form.fields[self._textarea] = ""
        elif tag == "select" and a.get("name"):
            self._form.fields.setdefault(a["name"], "")

    def handle_data(self, data):
        if self._form is not None and self._textarea:
            self._form.fields[self._textarea] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "textarea":
            self._textarea = None


class Browser:
    """One person's browser: a cookie jar and the site on loopback."""

    def __init__(self, base: str, stats: Stats):
        assert urllib.parse.urlsplit(base).hostname == "127.0.0.1", "loopback only"
        self.base = base
        self.stats = stats
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), _NoRedirect()
        )

    def csrf(self) -> str:
        return next((c.value for c in self.jar if c.name == "csrftoken"), "")

    def request(self, method: str, path: str, data: dict | None = None, kind: str = "") -> Page:
        if not path.startswith("/"):
            raise ValueError(f"only paths of the site under test: {path!r}")
        body = None
        headers = {"User-Agent": "smk-soak"}
        if method == "POST":
            data = {**(data or {}), "csrfmiddlewaretoken": self.csrf()}
            body = urllib.parse.urlencode(data, doseq=True).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        url = self.base + path  # http on loopback only (checked in __init__)
        request = urllib.request.Request(url, data=body, method=method, headers=headers)  # noqa: S310
        start = time.perf_counter()
        location = ""
        try:
            with self.opener.open(request, timeout=60) as response:
                status, content = response.status, response.read()
        except urllib.error.HTTPError as error:
            status, content = error.code, error.read()
            location = error.headers.get("Location", "")
        except (urllib.error.URLError, OSError):
            status, content = 0, b""
        self.stats.record(kind or method, method, path, status, time.perf_counter() - start)
        return Page(status, content.decode("utf-8", "replace"), location)

    def get(self, path, kind="") -> Page:
        return self.request("GET", path, kind=kind)

    def post(self, path, data, kind="") -> Page:
        return self.request("POST", path, data, kind=kind)

    def follow(self, page: Page, kind="redirect") -> Page:
        """The page a redirect leads to (on this site only)."""
        if page.status in (301, 302) and page.location:
            target = urllib.parse.urlsplit(page.location)
            if target.netloc not in ("", urllib.parse.urlsplit(self.base).netloc):
                raise AssertionError(f"redirect off the site: {page.location}")
            path = target.path + (f"?{target.query}" if target.query else "")
            return self.get(path, kind=kind)
        return page

    def log_in(self, email: str) -> bool:
        page = self.get("/konto/login/", kind="login page")
        token = next(
            (f.fields.get("csrfmiddlewaretoken") for f in page.forms() if "login" in f.fields),
            None,
        )
        if not token:
            return False
        answer = self.post(
            "/konto/login/",
            {"login": email, "password": PASSWORD, "csrfmiddlewaretoken": token},
            kind="login",
        )
        return answer.status == 302


# ---- What the simulated people do --------------------------------------------------------------

LIST_SEARCHES = [
    "",
    "?session=",
    "?session=&status=wystawione",
    "?session=&status=wersja_robocza",
    "?session=&attention=zajmuje-miejsce",
    "?name=Nowak",
    "?session=&page=2",
    "?number=SK%2F",
    "?session=&field=999999",  # another scope's / a missing id: the form says so
    "?page=abc",  # 404
]
OFFICE_PAGES = [
    "/skierowania/do-obsluzenia/",
    "/postepowanie/",
    "/postepowanie/wnioski/",
    "/rejestr/",
    "/rejestr/?kind=skreslenie",
    "/jednostki/",
    "/moje-konto/",
    "/skierowania/eksport.csv?session=",
    "/postepowanie/listy-miejsc/opublikowane/",
]
#: How often a clerk presses each offered button: mostly the working cycle (Przydziel, Wyślij,
#: Wycofaj), rarely the final "Niepodjęcie szkolenia".
ACTION_WEIGHTS = {
    "assign": 5,
    "send": 5,
    "save_draft": 2,
    "withdraw": 3,
    "not_started": 0.3,
    "strike_off": 0.5,
}
#: The searches a clerk uses to find referrals to work on.
WORK_SEARCHES = [
    "status=wersja_robocza",
    "status=przydzielone",
    "status=wystawione",
    "status=specjalizacja_nierozpoczeta",
    "attention=do-wpisu-do-rejestru",
]
INVALID_CHANGES = [
    {"unit": "999999"},
    {"planned_start": "31.02.2026", "planned_end": "2026-01-01"},
    {"programme": "abc"},
    {"version": "x"},
    {"planned_start": "2030-10-01", "planned_end": "2026-10-01"},
    {"planned_start": "0001-01-01", "planned_end": "0001-01-02"},  # before the procedure's end
]


class Person:
    def __init__(self, browser: Browser, email: str, rng: random.Random):
        self.browser, self.email, self.rng = browser, email, rng
        self.referrals: list[int] = []

    def outcome(self, page: Page, what: str):
        """Follow a POST's redirect and classify its message."""
        landing = self.browser.follow(page)
        kinds = {kind for kind, _text in landing.messages()}
        texts = " ".join(text for _kind, text in landing.messages())
        if STALE_TEXT in texts:
            self.browser.stats.outcome(f"{what}: stale page refused")
        elif "success" in kinds:
            self.browser.stats.outcome(f"{what}: done")
        elif "error" in kinds or 'class="field__error"' in landing.text:
            self.browser.stats.outcome(f"{what}: refused with a message")
        else:
            self.browser.stats.outcome(f"{what}: {landing.status}")
        return landing


class OfficeClerk(Person):
    def step(self):
        roll = self.rng.random()
        if roll < 0.1:
            self.browser.get("/skierowania/" + self.rng.choice(LIST_SEARCHES), kind="referral list")
        elif roll < 0.25 or not self.referrals:
            # The referrals with something to do, as a clerk filters the list for them.
            search = self.rng.choice(WORK_SEARCHES)
            page = self.browser.get(f"/skierowania/?session=&{search}", kind="referral list")
            self.referrals = sorted(
                {int(i) for i in re.findall(r'href="/skierowania/(\d+)/"', page.text)}
            )
        elif roll < 0.35:
            self.browser.get(self.rng.choice(OFFICE_PAGES), kind="office pages")
        else:
            self.work_on(self.rng.choice(self.referrals))

    def _main_form(self, page: Page) -> Form | None:
        return next((f for f in page.forms() if f.attrs.get("id") == "referral-form"), None)

    def work_on(self, pk: int):
        base = f"/skierowania/{pk}/"
        page = self.browser.get(base, kind="referral form")
        form = self._main_form(page)
        if page.status != 200:
            return
        if form is None:
            # Decided or final: maybe "Wpisz do rejestru" (its confirmation form).
            confirm = [f for f in page.forms() if "wpis-do-rejestru" in f.action]
            if confirm and self.rng.random() < 0.2:
                data = dict(confirm[0].fields)
                answer = self.browser.post(confirm[0].action, data, kind="strike off")
                self.outcome(answer, "Wpisz do rejestru")
            return
        if "save_draft" in self._actions(form):  # unit and programme can still change
            roll = self.rng.random()
            if (not form.fields.get("unit") and roll < 0.8) or roll < 0.1:
                form = self.choose(base, "wybierz-jednostke", "jednostka") or form
            elif not form.fields.get("programme") and roll < 0.8:
                form = self.choose(base, "wybierz-program", "program") or form
        actions = self._actions(form)
        if not actions:
            return
        fields = dict(form.fields)
        action = self.rng.choices(actions, [ACTION_WEIGHTS.get(a, 1) for a in actions])[0]
        roll = self.rng.random()
        what = action
        if roll < 0.12:
            fields["version"] = str(int(fields.get("version") or 1) - 1)  # a stale page
            what += " (stale)"
        elif roll < 0.24:
            # Withdrawing and striking off use only the version; the others the whole form.
            editing = action in ("save_draft", "assign", "send")
            fields.update(self.rng.choice(INVALID_CHANGES) if editing else {"version": "x"})
            what += " (invalid)"
        if action == "not_started":
            self.not_started(base, what)
            return
        if action == "strike_off":
            self.strike_off(base, fields.get("version", ""), what)
            return
        answer = self.browser.post(base, {**fields, "action": action}, kind="referral action")
        self.outcome(answer, what)

    @staticmethod
    def _actions(form: Form) -> list[str]:
        return [value for name, value in form.buttons if name == "action"]

    def choose(self, base, step, param) -> Form | None:
        """ "Wybierz jednostkę" / "Wybierz program": the form again, showing the choice (not
        saved yet; the buttons it now offers take it along)."""
        page = self.browser.get(base + step + "/", kind="choose")
        if page.status == 302:  # one candidate: chosen at once
            page = self.browser.follow(page, kind="referral form")
        else:
            links = page.links(rf"[?&]{param}=")
            if not links:
                return None
            page = self.browser.get(self.rng.choice(links), kind="referral form")
        return self._main_form(page)

    def strike_off(self, base, version, what):
        """ "Wpisz do rejestru" → "Tak, wpisz do rejestru" (the confirmation page)."""
        page = self.browser.get(base + "wpis-do-rejestru/", kind="decision page")
        forms = [f for f in page.forms() if f.method == "post" and "version" in f.fields]
        if forms:
            data = {**forms[0].fields, "version": version}
            answer = self.browser.post(base + "wpis-do-rejestru/", data, kind="strike off")
            self.outcome(answer, "Wpisz do rejestru" + what.removeprefix("strike_off"))

    def not_started(self, base, what):
        page = self.browser.get(base + "niepodjecie-szkolenia/", kind="decision page")
        forms = [f for f in page.forms() if f.method == "post" and "justification" in f.fields]
        if not forms:
            return
        data = dict(forms[0].fields)
        data["justification"] = (
            "" if "invalid" in what else "Diagnosta zrezygnował z podjęcia szkolenia."
        )
        answer = self.browser.post(forms[0].action or base + "niepodjecie-szkolenia/", data)
        self.outcome(answer, "Niepodjęcie szkolenia (UW)")


class UnitStaff(Person):
    DECISIONS = {"akceptuj": 0.25, "odrzuc": 0.4, "niepodjecie-szkolenia": 0.35}

    def step(self):
        roll = self.rng.random()
        if roll < 0.25 or not self.referrals:
            tab = self.rng.choice(
                ["do-decyzji", "do-decyzji", "zdecydowane", "do-decyzji&number=SK"]
            )
            page = self.browser.get(f"/skierowania/jednostka/?tab={tab}", kind="unit list")
            self.referrals = sorted(
                {int(i) for i in re.findall(r'href="/skierowania/jednostka/(\d+)/"', page.text)}
            )
        elif roll < 0.35:
            self.browser.get(self.rng.choice(["/rejestr/", "/jednostki/"]), kind="unit pages")
        else:
            self.decide(self.rng.choice(self.referrals))

    def decide(self, pk: int):
        page = self.browser.get(f"/skierowania/jednostka/{pk}/", kind="unit referral")
        links = [link for link in page.links(rf"/jednostka/{pk}/[a-z-]+/$")]
        if not links:
            return
        weights = [self.DECISIONS.get(link.rstrip("/").rsplit("/", 1)[1], 0.1) for link in links]
        link = self.rng.choices(links, weights)[0]
        page = self.browser.get(link, kind="decision page")
        forms = [f for f in page.forms() if f.method == "post" and "version" in f.fields]
        if not forms:
            return
        data = dict(forms[0].fields)
        roll, what = self.rng.random(), link.rstrip("/").rsplit("/", 1)[1]
        if "justification" in data:
            data["justification"] = "Brak miejsca w pracowni." if roll >= 0.15 else ""
        if 0.15 <= roll < 0.27:
            data["version"] = str(int(data.get("version") or 1) - 1)
            what += " (stale)"
        answer = self.browser.post(link, data, kind="unit decision")
        self.outcome(answer, f"jednostka: {what}")


class Outsider(Person):
    """A clerk of małopolskie trying mazowieckie's referrals by number: 404, never 200."""

    def step(self):
        pk = self.rng.randint(1, 80)
        page = self.browser.get(f"/skierowania/{pk}/", kind="other scope")
        if page.status == 200 and "/14/" in page.text.split("<h1", 1)[-1][:400]:
            self.browser.stats.outcome("outsider saw another voivodeship's referral")
        self.browser.get("/skierowania/?session=", kind="referral list")


ROLES = {"office": OfficeClerk, "unit": UnitStaff, "outsider": Outsider}


# ---- Setting up ---------------------------------------------------------------------------------


def database_params(url: str) -> dict:
    parsed = urllib.parse.urlsplit(url)
    if parsed.scheme not in ("postgres", "postgresql"):
        raise SystemExit("The soak test runs on PostgreSQL: give a postgres:// DATABASE_URL.")
    if parsed.hostname not in (None, "", "127.0.0.1", "localhost", "::1"):
        raise SystemExit("The soak test uses a database on this machine only.")
    return {
        "host": parsed.hostname or None,
        "port": parsed.port or None,
        "user": urllib.parse.unquote(parsed.username or "") or None,
        "password": urllib.parse.unquote(parsed.password or "") or None,
        "name": parsed.path.lstrip("/"),
    }


def prepare_database(url: str, *, fresh: bool, log) -> bool:
    """Create the database (first dropping it with ``fresh``); True when it is new."""
    import psycopg
    from psycopg import sql

    params = database_params(url)
    name = params.pop("name")
    if fresh and "soak" not in name:
        raise SystemExit(f"--fresh drops the database: refusing for {name!r} (no 'soak' in it)")
    with psycopg.connect(dbname="postgres", autocommit=True, **params) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if exists and fresh:
            log(f"dropping database {name}")
            conn.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(name)))
            exists = None
        if exists:
            return False
        log(f"creating database {name}")
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        return True


def manage(*args, env, check=True, capture=False):
    return subprocess.run(  # noqa: S603 - our own manage.py with fixed arguments
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=env,
        check=check,
        capture_output=capture,
        text=True,
    )


def static_files_outdated() -> bool:
    """collectstatic (slow: it compresses every file) only when a static file changed."""
    manifest = Path(SERVER_ENV["STATIC_ROOT"]) / "staticfiles.json"
    if not manifest.exists():
        return True
    sources = [BASE_DIR / "uv.lock", *(BASE_DIR / "static").rglob("*")]
    return any(p.stat().st_mtime > manifest.stat().st_mtime for p in sources if p.is_file())


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(env, workers: int, log_path: Path):
    port = free_port()
    gunicorn = Path(sys.executable).with_name("gunicorn")
    log_file = log_path.open("w")
    server = subprocess.Popen(  # noqa: S603 - our own gunicorn with fixed arguments
        [
            str(gunicorn),
            "smk.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--timeout",
            "120",
            "--log-level",
            "warning",
        ],
        cwd=BASE_DIR,
        env=env,
        stdout=log_file,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=2) as response:  # noqa: S310
                if response.status == 200:
                    return server, base
        except OSError:
            time.sleep(0.2)
    server.terminate()
    raise SystemExit(f"gunicorn did not answer /healthz; see {log_path}")


# ---- The run ------------------------------------------------------------------------------------


def soak(base: str, *, users: int, seconds: float, max_requests: int, seed: int, log) -> Stats:
    stats = Stats()
    deadline = time.monotonic() + seconds
    logged_in = []

    def person(index: int):
        email, role = PEOPLE[index % len(PEOPLE)]
        browser = Browser(base, stats)
        if not browser.log_in(email):
            stats.outcome(f"login failed: {email}")
            return
        logged_in.append(email)
        worker = ROLES[role](browser, email, random.Random(seed * 1000 + index))  # noqa: S311
        while time.monotonic() < deadline and stats.total < max_requests:
            try:
                worker.step()
            except AssertionError as error:
                stats.outcome(f"harness: {error}")

    threads = [threading.Thread(target=person, args=(i,), daemon=True) for i in range(users)]
    for thread in threads:
        thread.start()
    last = time.monotonic()
    while any(t.is_alive() for t in threads):
        time.sleep(0.5)
        if time.monotonic() - last >= 15:
            last = time.monotonic()
            failed = sum(n for status, n in stats.statuses.items() if status >= 500 or status == 0)
            log(f"  … {stats.total} requests, {failed} failed")
    stats.logged_in = logged_in
    return stats


def report(stats: Stats, seconds: float, invariants: str, invariants_ok: bool, args) -> dict:
    total = stats.total or 1
    ms = [s * 1000 for s in stats.latencies] or [0.0]
    return {
        "finished": datetime.datetime.now().isoformat(timespec="seconds"),
        "settings": {
            "minutes": args.minutes,
            "max_requests": args.requests,
            "workers": args.workers,
            "users": args.users,
            "seed": args.seed,
        },
        "seconds": round(seconds, 1),
        "requests": stats.total,
        "requests_per_second": round(stats.total / max(seconds, 0.001), 1),
        "statuses": {
            str(code): {"count": n, "percent": round(100 * n / total, 2)}
            for code, n in sorted(stats.statuses.items())
        },
        "latency_ms": {
            "p50": round(percentile(ms, 50), 1),
            "p95": round(percentile(ms, 95), 1),
            "p99": round(percentile(ms, 99), 1),
            "max": round(max(ms), 1),
            "mean": round(statistics.fmean(ms), 1),
        },
        "latency_p95_ms_by_kind": {
            kind: round(percentile([s * 1000 for s in values], 95), 1)
            for kind, values in sorted(stats.by_kind.items())
        },
        "outcomes": dict(sorted(stats.outcomes.items())),
        "server_errors": stats.server_errors[:50],
        "invariants_ok": invariants_ok,
        "invariants": invariants,
    }


def print_report(result: dict, log):
    log("")
    log(
        f"Requests: {result['requests']} in {result['seconds']} s "
        f"({result['requests_per_second']}/s), {result['settings']['users']} people, "
        f"{result['settings']['workers']} gunicorn workers"
    )
    log(
        "By status: "
        + ", ".join(f"{c}: {v['count']} ({v['percent']}%)" for c, v in result["statuses"].items())
    )
    lat = result["latency_ms"]
    log(
        f"Latency: p50 {lat['p50']} ms, p95 {lat['p95']} ms, p99 {lat['p99']} ms, "
        f"max {lat['max']} ms"
    )
    log("Outcomes:")
    for name, count in result["outcomes"].items():
        log(f"  {count:6d}  {name}")
    if result["server_errors"]:
        log("Failed requests (5xx or no answer):")
        for line in result["server_errors"]:
            log(f"  {line}")
    log("check_invariants:")
    log("  " + result["invariants"].strip().replace("\n", "\n  "))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--requests", type=int, default=200_000, help="stop after this many")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers")
    parser.add_argument("--users", type=int, default=len(PEOPLE), help="simulated people")
    parser.add_argument("--seed", type=int, default=6)
    parser.add_argument("--fresh", action="store_true", help="drop and recreate the database")
    args = parser.parse_args(argv)

    def log(line=""):
        print(line, flush=True)

    database_url = os.environ.get("SOAK_DATABASE_URL", DEFAULT_DATABASE_URL)
    env = {**os.environ, **SERVER_ENV, "DATABASE_URL": database_url}
    created = prepare_database(database_url, fresh=args.fresh, log=log)
    log("migrate, seed_demo, collectstatic …")
    manage("migrate", "--noinput", "-v0", env=env)
    if created:  # a database kept from an earlier run goes on from where that one left it
        manage("seed_demo", env=env, capture=True)
    if static_files_outdated():
        manage("collectstatic", "--noinput", "-v0", env=env)
    RESULTS.mkdir(parents=True, exist_ok=True)
    server_log = RESULTS / "gunicorn.log"
    server, base = start_server(env, args.workers, server_log)
    log(
        f"gunicorn ({args.workers} workers) on {base}; {args.users} people for up to "
        f"{args.minutes} min or {args.requests} requests"
    )
    started = time.monotonic()
    try:
        stats = soak(
            base,
            users=args.users,
            seconds=args.minutes * 60,
            max_requests=args.requests,
            seed=args.seed,
            log=log,
        )
    finally:
        elapsed = time.monotonic() - started
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
    checked = manage("check_invariants", env=env, check=False, capture=True)
    result = report(stats, elapsed, checked.stdout + checked.stderr, checked.returncode == 0, args)
    (RESULTS / "last.json").write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    print_report(result, log)

    failures = []
    failed = sum(v["count"] for c, v in result["statuses"].items() if c == "0" or int(c) >= 500)
    if failed:
        failures.append(f"{failed} requests answered 5xx or not at all (see {server_log})")
    if not result["invariants_ok"]:
        failures.append("check_invariants found violations")
    if len(stats.logged_in) < args.users:
        failures.append("not everyone could log in")
    if any(name.startswith(("outsider saw", "harness:")) for name in result["outcomes"]):
        failures.append("a scope leak or a harness error (see the outcomes)")
    if failures:
        log("\nSOAK FAILED: " + "; ".join(failures))
        if failed:
            log(server_log.read_text()[-4000:])
        return 1
    log(f"\nSOAK PASSED (results in {RESULTS / 'last.json'})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
