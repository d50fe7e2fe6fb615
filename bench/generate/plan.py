"""How much data a scale means, the accounts to log in as, and the shares and weights the
data is drawn with."""

import math
from dataclasses import dataclass

from referrals.models import (
    ReferralStatus,
)
from smk.models import NumberSequence

S = ReferralStatus

#: Counts at scale 1 (issue 7).
AT_SCALE_1 = {"applications": 500_000, "referrals": 200_000, "events": 1_000_000, "units": 2_000}
SESSIONS_AT_SCALE_1 = 20

BENCH_DOMAIN = "bench.smk.local"
PASSWORD = "SmkBench-2026"  # noqa: S105 - benchmark accounts on a throw-away database
ADMIN_EMAIL = f"admin@{BENCH_DOMAIN}"
#: The administrator's authenticator app: the admin opens only after a code from it.
ADMIN_TOTP_SECRET = "SMKBENCHADMINISTRATORTOTPSECRETA"  # noqa: S105 - throw-away database
#: A number sequence that records the scale the data was generated at (in millionths).
SCALE_MARKER = "BENCH/SCALE"
#: Sessions the measurements create for themselves (closing, actions) start with this.
SCRATCH_SESSION_PREFIX = "Sesja benchmarkowa"


def clerk_email(teryt: str) -> str:
    return f"uw.{teryt}@{BENCH_DOMAIN}"


def unit_staff_email(unit_id: int) -> str:
    return f"jednostka.{unit_id}@{BENCH_DOMAIN}"


#: The clerk the measurements log in as: mazowieckie, the voivodeship with the most data.
BENCH_TERYT = "14"
#: Where the measurements that write (closing, actions) work: opolskie, never measured.
SCRATCH_TERYT = "16"

#: Relative size of each voivodeship (roughly its population); the rest weigh 0.8.
VOIVODESHIP_WEIGHTS = {"14": 1.7, "24": 1.4, "30": 1.2, "12": 1.1, "02": 1.0, "10": 0.9, "22": 0.9}
#: How popular each field is, in the order of reference.demo.FIELDS.
FIELD_WEIGHTS = [30, 12, 10, 8, 8, 7, 5, 6, 5, 4, 5]
#: Share of residency (rezydentura) among applications.
RESIDENCY_SHARE = 0.6
#: Share of approved applications evaluated positively.
POSITIVE_SHARE = 0.9
APPROVED_SHARE = 0.95
#: Share of the procedure's applications that are qualified and get a referral (the
#: replacements of rejected referrals bring the referrals to 40 % of applications).
QUALIFIED_SHARE = 0.38

#: Final statuses of the referrals by the age of their session (0 = the newest session).
STATUS_MIX = {
    0: {S.DRAFT: 20, S.ASSIGNED: 20, S.ISSUED: 25, S.STARTED: 25, S.NOT_STARTED: 5, S.REJECTED: 5},
    1: {S.DRAFT: 3, S.ASSIGNED: 4, S.ISSUED: 8, S.STARTED: 72, S.NOT_STARTED: 7, S.REJECTED: 6},
    2: {S.DRAFT: 2, S.ASSIGNED: 1, S.ISSUED: 1, S.STARTED: 82, S.NOT_STARTED: 8, S.REJECTED: 6},
}

UNIT_KINDS = [
    "Szpital Wojewódzki — Zakład Diagnostyki Laboratoryjnej",
    "Szpital Powiatowy — Laboratorium Analityczne",
    "Centrum Medyczne — Pracownia Mikrobiologii",
    "Szpital Kliniczny — Zakład Diagnostyki",
    "Regionalne Centrum Krwiodawstwa — Pracownia Immunologii",
    "Instytut Medycyny Laboratoryjnej",
    "Wojewódzka Stacja Sanitarno-Epidemiologiczna — Laboratorium",
]
JUSTIFICATIONS = [
    "Brak wolnej kadry kierowników specjalizacji w tej dziedzinie.",
    "Diagnosta zrezygnował z podjęcia szkolenia w tym terminie.",
    "Diagnosta nie zgłosił się w wyznaczonym terminie rozpoczęcia szkolenia.",
    "Zmiana miejsca zatrudnienia — prośba o szkolenie w innej jednostce.",
    "Jednostka czasowo zawiesiła prowadzenie szkoleń (remont pracowni).",
]

PESEL_WEIGHTS = (1, 3, 7, 9, 1, 3, 7, 9, 1, 3)
NIP_WEIGHTS = (6, 5, 7, 2, 3, 4, 5, 6, 7)
REGON_WEIGHTS = (8, 9, 2, 3, 4, 5, 6, 7)


# ---- Sizes ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Plan:
    """How much data a scale means."""

    scale: float

    @property
    def sessions(self) -> int:
        return max(2, min(SESSIONS_AT_SCALE_1, round(SESSIONS_AT_SCALE_1 * math.sqrt(self.scale))))

    @property
    def units(self) -> int:
        return max(2 * 16, round(AT_SCALE_1["units"] * self.scale))

    @property
    def applications(self) -> int:
        return max(16 * self.sessions * 8, round(AT_SCALE_1["applications"] * self.scale))

    @property
    def referrals(self) -> int:
        return round(self.applications * AT_SCALE_1["referrals"] / AT_SCALE_1["applications"])

    @property
    def events_per_referral(self) -> float:
        return AT_SCALE_1["events"] / AT_SCALE_1["referrals"]


def scale_of_existing_data() -> float | None:
    """The scale the benchmark data in the database was generated at, or None."""
    marker = NumberSequence.objects.filter(prefix=SCALE_MARKER).values_list("last", flat=True)
    return marker[0] / 1_000_000 if marker else None
