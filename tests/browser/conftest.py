"""Browser harness: Playwright driving Debian's headless Chromium against a live server.

A failing test leaves a full-page screenshot in ``test-artifacts/``.
"""

import os
import re
from pathlib import Path

import pytest
from django.core.management import call_command

# Sync Playwright runs an event loop in the test thread; the ORM calls made there are safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.browser)


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        pytest.skip("needs Debian's chromium at /usr/bin/chromium (.ci/run installs it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server, request):
    context = browser.new_context(base_url=live_server.url, locale="pl-PL")
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        ARTIFACTS.mkdir(exist_ok=True)
        name = re.sub(r"[^\w.-]+", "_", request.node.nodeid)
        page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
    context.close()


@pytest.fixture
def demo_data(transactional_db):
    # seed_demo also restores the migration-loaded rows the previous test's flush removed.
    call_command("seed_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115


@pytest.fixture
def login(page):
    def log_in(email, password="SmkDemo-2026", code=None):
        """``code``: the second factor (a TOTP or recovery code), for accounts that have one."""
        page.goto("/konto/login/")
        page.get_by_label("Adres e-mail").fill(email)
        page.get_by_label("Hasło").fill(password)
        page.get_by_role("button", name="Zaloguj się").click()
        page.wait_for_load_state()
        if code is not None:
            page.get_by_role("textbox", name="Kod").fill(code)
            page.get_by_role("button", name="Zaloguj się").click()
            page.wait_for_load_state()
        return page

    return log_in


@pytest.fixture
def axe_violations(page):
    """Run axe-core (WCAG 2.1 A/AA rules) on the current page; CSP blocks script tags, so
    the library is evaluated in the page instead of injected."""
    if not AXE.exists():
        pytest.skip("needs npm's axe-core: run `npm ci` (make test does)")
    source = AXE.read_text()

    def run():
        page.evaluate(source)
        result = page.evaluate(
            """async () => await axe.run(document, {
                runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}
            })"""
        )
        # An empty report would prove nothing: axe must have checked rules on this page.
        assert result["passes"], "axe-core checked nothing"
        return [
            f"{v['id']}: {v['help']} ({len(v['nodes'])}× e.g. {v['nodes'][0]['target']})"
            for v in result["violations"]
        ]

    return run
