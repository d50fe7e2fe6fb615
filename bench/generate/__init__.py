"""National-scale benchmark data (issue 7): ``python manage.py bench_data --scale S``.

At S=1: 16 voivodeships × 20 sessions, about 500,000 applications, 200,000 referrals in every
status, 1,000,000 history events and 2,000 training units with accreditations; smaller S
scales every count down (the number of sessions with the square root of S, so that each
voivodeship's lists still hold a few pages at the S the test suite uses).

The data is what the application itself would have written:

- every procedure is closed the way ``close_procedure`` closes one: applications evaluated and
  pointed, ranked per field and mode, the top N of each list qualified (N = the published slot
  list's places) and a referral created for each, numbered in ranking order;
- every referral's story runs through the state machine (created, drafts saved, assigned, sent,
  withdrawn and sent again, accepted / rejected / not started, struck off), each step a history
  event in order, so ``python manage.py check_invariants`` passes: a rejected referral has its
  replacement, a started one its EKS and start entry, a final non-commencement its skreślenie,
  and accreditations have at least as many places as referrals hold;
- numbers come from the same prefixes as the services' (``WN/…``, ``SK/…``, ``REJ/…``,
  ``EKS/…``) and the number sequences are advanced past them, so later real numbering goes on
  without a collision.

Speed: the big tables are written with PostgreSQL ``COPY … FROM STDIN`` (rows are encoded to
temporary files in COPY's text format while they are generated, then streamed table by table
inside one transaction); ids are chosen here, so rows refer to each other without a round
trip. On other databases the same rows go through ``bulk_create``.

Accounts to log in as (password :data:`PASSWORD`): ``uw.<teryt>@bench.smk.local`` (a UW clerk
of each voivodeship; ``uw.14@…`` is mazowieckie, the busiest), ``jednostka.<unit id>@…`` (the
staff of each unit) and ``admin@bench.smk.local`` (superuser, central administrator).

One module per part: :mod:`~bench.generate.plan` (sizes, accounts, weights),
:mod:`~bench.generate.helpers`, :mod:`~bench.generate.writers` (COPY), the catalogue and the
accounts (:mod:`~bench.generate.catalogue`, :mod:`~bench.generate.accounts`), a procedure
with its rows (:mod:`~bench.generate.procedures`) and each referral's story
(:mod:`~bench.generate.histories`), and the whole data set (:mod:`~bench.generate.dataset`).
"""

from bench.generate.accounts import create_accounts
from bench.generate.catalogue import (
    create_old_programmes,
    create_units,
    make_session,
    prepare_reference_data,
)
from bench.generate.dataset import (
    Summary,
    add_procedure,
    database_has_other_data,
    generate,
    reset_database,
)
from bench.generate.helpers import national_sessions, session_dates
from bench.generate.plan import (
    ADMIN_EMAIL,
    ADMIN_TOTP_SECRET,
    BENCH_DOMAIN,
    BENCH_TERYT,
    PASSWORD,
    SCALE_MARKER,
    SCRATCH_SESSION_PREFIX,
    SCRATCH_TERYT,
    STATUS_MIX,
    Plan,
    clerk_email,
    scale_of_existing_data,
    unit_staff_email,
)
from bench.generate.procedures import World, settle_places
from bench.generate.writers import COLUMNS

__all__ = [
    "ADMIN_EMAIL",
    "ADMIN_TOTP_SECRET",
    "BENCH_DOMAIN",
    "BENCH_TERYT",
    "COLUMNS",
    "PASSWORD",
    "SCALE_MARKER",
    "SCRATCH_SESSION_PREFIX",
    "SCRATCH_TERYT",
    "STATUS_MIX",
    "Plan",
    "Summary",
    "World",
    "add_procedure",
    "clerk_email",
    "create_accounts",
    "create_old_programmes",
    "create_units",
    "database_has_other_data",
    "generate",
    "make_session",
    "national_sessions",
    "prepare_reference_data",
    "reset_database",
    "scale_of_existing_data",
    "session_dates",
    "settle_places",
    "unit_staff_email",
]
