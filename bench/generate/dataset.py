"""The whole data set (``bench_data``), and one more procedure into existing data."""

import random
import time
from dataclasses import dataclass

from django.core.management import call_command
from django.db import connection, transaction

from bench.generate.catalogue import make_session, prepare_reference_data
from bench.generate.helpers import national_sessions
from bench.generate.plan import (
    QUALIFIED_SHARE,
    SCALE_MARKER,
    STATUS_MIX,
    VOIVODESHIP_WEIGHTS,
    Plan,
    scale_of_existing_data,
)
from bench.generate.procedures import World
from qualification.models import (
    Application,
    Procedure,
    Session,
    Stage,
)
from reference.demo import seed_fixed_rows
from reference.models import Voivodeship
from referrals.models import (
    Referral,
)

# ---- The whole data set -----------------------------------------------------------------------


@dataclass
class Summary:
    scale: float
    seconds: float
    counts: dict


def reset_database() -> None:
    """Empty every table (TRUNCATE on PostgreSQL) and load the rows migrations load."""
    call_command("flush", interactive=False, verbosity=0)
    seed_fixed_rows()


def database_has_other_data() -> bool:
    return scale_of_existing_data() is None and (
        Application.objects.exists() or Referral.objects.exists()
    )


def generate(scale: float, *, seed: int = 2026, log=None) -> Summary:
    """Write the national data set at ``scale`` into an empty database (see the module doc)."""
    log = log or (lambda message: None)
    started = time.perf_counter()
    plan = Plan(scale)
    rng = random.Random(seed)  # noqa: S311 - repeatable test data, not secrets
    with transaction.atomic():
        prepare_reference_data(plan.units, rng)
        world = World(rng, events_per_referral=plan.events_per_referral)
        voivodeships = list(world.voivodeships.values())
        weights = [VOIVODESHIP_WEIGHTS.get(v.teryt, 0.8) for v in voivodeships]
        per_session = plan.applications / plan.sessions
        sessions = national_sessions(plan.sessions)
        log(
            f"Generating {plan.applications} applications in {plan.sessions} sessions × "
            f"{len(voivodeships)} voivodeships, {plan.units} units …"
        )
        for age, (name, dates) in reversed(list(enumerate(sessions))):
            session = make_session(name, dates)
            mix = STATUS_MIX[min(age, 2)]
            for voivodeship, weight in zip(voivodeships, weights, strict=True):
                n = max(4, round(per_session * weight / sum(weights)))
                world.write_procedure(session, voivodeship, n, status_mix=mix)
            log(f"  {name}: rows so far {sum(world.writer.counts.values())}")
        log("Writing the rows (COPY) …" if connection.vendor == "postgresql" else "Writing …")
        counts = world.finish()
        world.numbers.set(SCALE_MARKER, round(scale * 1_000_000))
        world.numbers.save()
    if connection.vendor == "postgresql" and not connection.in_atomic_block:
        # As autovacuum would leave a long-lived database: planner statistics, and the
        # visibility map that lets counts use index-only scans.
        log("VACUUM (ANALYZE) …")
        with connection.cursor() as cursor:
            cursor.execute("VACUUM (ANALYZE)")
    return Summary(scale=scale, seconds=time.perf_counter() - started, counts=counts)


def add_procedure(
    session: Session,
    voivodeship: Voivodeship,
    applications: int,
    *,
    stage: str = Stage.CLOSED,
    status_mix: dict | None = None,
    fields: list | None = None,
    seed: int = 1,
    qualified_share: float = QUALIFIED_SHARE,
) -> Procedure:
    """One more procedure into existing benchmark data (the measurements and the tests use it:
    a procedure to close, draft referrals to act on, more rows for a query-count check)."""
    with transaction.atomic():
        world = World(random.Random(seed))  # noqa: S311
        procedure = world.write_procedure(
            session,
            voivodeship,
            applications,
            stage=stage,
            status_mix=status_mix,
            fields=fields,
            qualified_share=qualified_share,
        )
        world.finish()
    return procedure
