"""What the simulated people do: office clerks working through referrals, the unit's staff
deciding, a clerk of another voivodeship trying mazowieckie's referrals."""

import random
import re

from soak.browser import Browser, Form, Page

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
