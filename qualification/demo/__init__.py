"""Demo data of the qualification procedure (issue 2 item 8, issue 3 item 7).

Two sessions dated relative to today, so the demo works whenever it is loaded:

- the most recent session whose procedure has ended ("closed"): in mazowieckie the whole
  procedure has run — applications, formal evaluation, points, an approved and published slot
  list, closing with referrals in "Wersja robocza" and a not-qualified tail; in małopolskie the
  procedure waits in "ocena formalna" with applications to evaluate;
- a session accepting applications today ("open"): every procedure at "przyjmowanie wniosków",
  a few approved applications in mazowieckie and the demo applicant's draft.

The office's steps go through the same services the clerks' screens call, so every
application, slot list and procedure has its history. Each person and application draws from
its own generator seeded by a fixed string, and every step first looks for what an earlier run
made: running ``seed_demo`` again adds nothing.

One module per part: :mod:`.people` (names, PESELs, addresses), :mod:`.sessions` (the two
sessions and their dates), :mod:`.applications` (the planned applications and their
creation), :mod:`.procedures` (the office's work on them, the scenarios and :func:`seed`),
:mod:`.referrals` (the referrals of the closed procedure moved through every status; here,
not in ``referrals``, because it starts from this app's procedures and ``referrals`` sits
below ``qualification``). ``seed_demo`` runs :func:`.procedures.seed`, then
:func:`.referrals.seed`. This package exports what the tests and the benchmark's data
generator reuse.
"""

from qualification.demo.applications import DEMO_APPLICANT_EMAIL
from qualification.demo.people import FEMALE_NAMES, MALE_NAMES, SURNAMES, UNIVERSITIES
from qualification.demo.procedures import NEGATIVE_REASONS
from qualification.demo.sessions import session_dates

__all__ = [
    "DEMO_APPLICANT_EMAIL",
    "FEMALE_NAMES",
    "MALE_NAMES",
    "NEGATIVE_REASONS",
    "SURNAMES",
    "UNIVERSITIES",
    "session_dates",
]
