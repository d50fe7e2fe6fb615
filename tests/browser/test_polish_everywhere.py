"""No English UI string on any page of any demo role (issue 20, item 8).

Each demo account logs in and follows every link of the site it is shown, from the home
page on: every kind of page (URL pattern) is opened, each at most twice (pages differing only
in their query string or object count as one kind), and its visible text, the options of its
drop-downs and its accessible labels are searched for English words a UI would use.
"""

import re
from collections import Counter
from urllib.parse import urlsplit

import pytest
from django.urls import Resolver404, resolve
from playwright.sync_api import Error as PlaywrightError

from accounts.demo import DEMO_ADMIN_EMAIL, DEMO_ADMIN_RECOVERY_CODES

ACCOUNTS = [
    "admin@smk.local",
    "uw.mazowieckie@smk.local",
    "wojewoda.mazowieckie@smk.local",
    "jednostka@smk.local",
    "akredytacja@smk.local",
    "kierownik@smk.local",
    "diagnosta@smk.local",
    "wnioskujacy@smk.local",
    None,  # a visitor who is not logged in
]

#: Words and phrases an English UI shows; none of them is Polish.
ENGLISH = re.compile(
    r"\b(the|and|of|with|your|you|please|select an option|select|submit|cancel|delete|"
    r"search|next|previous|required|this field|password|forgot|sign in|sign up|log in|"
    r"log out|remember me|loading|upload|browse|download|confirm|welcome|hello|"
    r"thank you|invalid|email address)\b",
    re.IGNORECASE,
)
#: What is not UI text: addresses, file names, identifiers.
NOT_TEXT = re.compile(r"\S+@\S+|https?://\S+|\S+\.(?:pl|pdf|csv|jpg|json|gov|local)\b")
#: Paths never followed: they change the session, are files, or are not SMK's own screens.
SKIPPED = ("/konto/logout/", "/admin/", "/api/v1/", "/static/", "/media/")
#: Views that hand out a file, not a page.
FILES = re.compile(r"pdf|csv|print|_attachment$|download|template")
PER_KIND = 2
MAX_PAGES = 250

TEXTS = """() => {
    const texts = [document.body.innerText, document.title];
    for (const el of document.querySelectorAll('option')) texts.push(el.textContent);
    for (const el of document.querySelectorAll('[placeholder],[aria-label],[title],[alt]')) {
        for (const name of ['placeholder', 'aria-label', 'title', 'alt']) {
            if (el.getAttribute(name)) texts.push(el.getAttribute(name));
        }
    }
    for (const el of document.querySelectorAll('input[type=submit],input[type=button]')) {
        texts.push(el.value);
    }
    return texts.join('\\n');
}"""


def kind_of(path: str) -> str | None:
    try:
        match = resolve(path)
    except Resolver404:
        return None
    return match.view_name


def english_in(text: str) -> list[str]:
    return sorted({m.group(0) for m in ENGLISH.finditer(NOT_TEXT.sub(" ", text))})


@pytest.mark.parametrize("email", ACCOUNTS, ids=lambda e: e or "anonymous")
def test_no_page_of_a_demo_role_shows_an_english_ui_string(demo_data, login, page, email):
    if email is not None:
        code = DEMO_ADMIN_RECOVERY_CODES[2] if email == DEMO_ADMIN_EMAIL else None
        login(email, code=code)
    queue, seen, kinds, found = ["/"], set(), Counter(), {}
    origin = urlsplit(page.url if email else "http://x/").netloc
    while queue and len(seen) < MAX_PAGES:
        url = queue.pop(0)
        parts = urlsplit(url)
        kind = kind_of(parts.path)
        if url in seen or kind is None or FILES.search(kind) or kinds[kind] >= PER_KIND:
            continue
        seen.add(url)
        kinds[kind] += 1
        try:
            response = page.goto(url)
        except PlaywrightError as error:  # a file (PDF, CSV) the link hands out
            if "Download is starting" in str(error):
                continue
            raise
        if response is None or "text/html" not in response.headers.get("content-type", ""):
            continue
        words = english_in(page.evaluate(TEXTS))
        if words:
            found[url] = words
        for href in page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)"):
            target = urlsplit(href)
            if target.netloc not in (origin, urlsplit(page.url).netloc) or target.scheme not in (
                "http",
                "https",
            ):
                continue
            if target.path.startswith(SKIPPED):
                continue
            queue.append(target.path + (f"?{target.query}" if target.query else ""))
    assert len(kinds) >= (3 if email is None else 5), f"the crawl reached too little: {kinds}"
    assert not found, f"English on the pages of {email or 'a visitor'}: {found}"
