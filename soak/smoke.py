"""``make prod-smoke``: the production deployment's commands, natively, once through.

A fresh database (``smk_smoke`` on this machine, ``SMOKE_DATABASE_URL``), ``migrate`` and the
demo data, then Redis, an SMTP sink, gunicorn, the worker and the scheduler as the compose file
starts them (:mod:`soak.stack`, DEBUG off). The UW clerk of mazowieckie logs in through the
login form, sends ("Wyślij") a referral that is ready, the unit's e-mail must reach the sink
through the worker, and the referral's PDF must download and read back. Everything it started
is stopped, whatever happens. Exits non-zero, saying which step failed.
"""

import io
import os
import re
import sys
import time

from pypdf import PdfReader

from soak.browser import Browser
from soak.report import Stats
from soak.stack import BASE_DIR, Stack, prepare_database

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/smk_smoke"
CLERK = "uw.mazowieckie@smk.local"
NUMBER = re.compile(r"SK/\d{4}/\d{2}/\d+")


def log(line=""):
    print(line, flush=True)


def send_a_ready_referral(browser: Browser) -> tuple[int, str]:
    """Press "Wyślij" on the first assigned referral that offers it; (pk, number)."""
    page = browser.get("/skierowania/?session=&status=przydzielone")
    for pk in sorted({int(i) for i in re.findall(r'href="/skierowania/(\d+)/"', page.text)}):
        form_page = browser.get(f"/skierowania/{pk}/")
        form = next((f for f in form_page.forms() if f.attrs.get("id") == "referral-form"), None)
        if form is None or ("action", "send") not in form.buttons:
            continue
        answer = browser.follow(
            browser.post(f"/skierowania/{pk}/", {**form.fields, "action": "send"})
        )
        if not any(kind == "success" for kind, _text in answer.messages()):
            raise SystemExit(f"Wyślij on referral {pk} was not confirmed: {answer.messages()}")
        return pk, NUMBER.search(answer.text).group(0)
    raise SystemExit("no assigned referral offers Wyślij in the demo data")


def wait_for_the_units_email(stack: Stack, number: str, seconds: float = 60):
    subject = f"Nowe skierowanie na specjalizację nr {number}"
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = [m for m in stack.sink.messages() if m["Subject"] == subject]
        if found:
            return found[0]
        time.sleep(0.5)
    raise SystemExit(f"the unit's e-mail {subject!r} did not reach the SMTP sink")


def main() -> int:
    database_url = os.environ.get("SMOKE_DATABASE_URL", DEFAULT_DATABASE_URL)
    started = time.monotonic()
    prepare_database(database_url, fresh=True, log=log)
    stack = Stack(database_url, BASE_DIR / "var" / "smoke")
    log("migrate, seed_demo …")
    stack.prepare(seed=True)
    with stack:
        stack.start()
        log(f"started {', '.join(stack.services)} and the SMTP sink; gunicorn on {stack.base}")
        browser = Browser(stack.base, Stats())
        if not browser.log_in(CLERK):
            raise SystemExit(f"{CLERK} could not log in")
        pk, number = send_a_ready_referral(browser)
        log(f"Wyślij: referral {number} sent")
        message = wait_for_the_units_email(stack, number)
        log(f"the unit's e-mail reached the sink: to {message['To']}")
        pdf = browser.get(f"/skierowania/{pk}/skierowanie.pdf")
        if pdf.status != 200:
            raise SystemExit(f"the referral's PDF answered {pdf.status}")
        raw = pdf.raw
        text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(raw)).pages)
        if number not in text:
            raise SystemExit("the PDF does not carry the referral's number")
        log(f"the PDF downloads ({len(raw)} bytes) and reads back")
    log(f"PROD-SMOKE PASSED in {time.monotonic() - started:.0f} s; everything stopped")
    return 0


if __name__ == "__main__":
    sys.exit(main())
