"""A simulated person's browser: cookies, CSRF, no automatic redirects, the site on
loopback only; every request is counted in :class:`soak.report.Stats`."""

import http.cookiejar
import re
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from html import unescape
from html.parser import HTMLParser

from soak.report import Stats

PASSWORD = "SmkDemo-2026"  # noqa: S105 - the published demo password (README.md)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


@dataclass
class Page:
    status: int
    text: str
    location: str = ""
    raw: bytes = b""

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
        if status == 0:
            time.sleep(1)  # a page that did not load: the person waits before trying again
        return Page(status, content.decode("utf-8", "replace"), location, content)

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
