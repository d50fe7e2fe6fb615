"""Closing procedures of growing sizes: seconds and the peak of Python memory, each inside a
transaction that is rolled back."""

import gc
import time
import tracemalloc
from contextlib import contextmanager

from bench.run.actions import scratch_session


@contextmanager
def rolled_back():
    """A transaction that is rolled back at the end, in which a durable service may run (as
    Django's TestCase allows it): closing leaves nothing behind, so repeated runs measure the
    same database. The closing's own COMMIT is therefore not in its time."""
    from django.db import transaction

    block = transaction.atomic()
    block._from_testcase = True  # what django.test.TestCase does for its own transaction
    block.__enter__()
    try:
        yield
    finally:
        transaction.set_rollback(True)
        block.__exit__(None, None, None)


def closing_procedure(applications: int, purpose: str):
    from bench.generate import SCRATCH_TERYT, add_procedure
    from qualification.models import Stage
    from reference.models import Voivodeship

    return add_procedure(
        scratch_session(purpose),
        Voivodeship.objects.get(teryt=SCRATCH_TERYT),
        applications,
        stage=Stage.COMPETITION,
        seed=applications,
    )


def measure_closing(sizes: tuple[int, ...], log=print) -> list[dict]:
    """Close a procedure of each size (timed), and another under tracemalloc; each inside a
    transaction that is rolled back."""
    from accounts.models import User
    from accounts.profiles import profiles_of
    from bench.generate import SCRATCH_TERYT, clerk_email
    from qualification.services.closing import close_procedure

    clerk = User.objects.get(email=clerk_email(SCRATCH_TERYT))
    profile = profiles_of(clerk)[0]
    rows = []
    for size in sizes:
        with rolled_back():
            procedure = closing_procedure(size, f"zamknięcie {size}")
            gc.collect()
            started = time.perf_counter()
            result = close_procedure(procedure.pk, user=clerk, profile=profile)
            seconds = time.perf_counter() - started
        with rolled_back():
            procedure = closing_procedure(size, f"zamknięcie {size} (pamięć)")
            gc.collect()
            tracemalloc.start()
            close_procedure(procedure.pk, user=clerk, profile=profile)
            peak = tracemalloc.get_traced_memory()[1]
            tracemalloc.stop()
        rows.append(
            {
                "applications": size,
                "ranked": result.ranked,
                "referrals": result.referrals,
                "seconds": round(seconds, 3),
                "peak_memory_mb": round(peak / 2**20, 2),
            }
        )
        log(
            f"  {size} applications: {seconds:.2f} s, {result.referrals} referrals, "
            f"peak {peak / 2**20:.1f} MB"
        )
    return rows
