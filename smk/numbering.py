"""Human-readable numbers ("SK/2026/14/00042"), unique and never handed out twice.

Numbers of one prefix come from a :class:`NumberSequence` row that is locked while numbers are
reserved, so two transactions never get the same one; two voivodeships have two prefixes and
do not wait for each other.
"""

from django.db import transaction
from django.db.models import F

from smk.models import NumberSequence

WIDTH = 5


def reserve_numbers(prefix: str, count: int) -> list[str]:
    """Reserve ``count`` consecutive numbers of ``prefix``; call inside the transaction that
    uses them (a rollback gives them back, unused)."""
    if count <= 0:
        return []
    if not transaction.get_connection().in_atomic_block:
        raise transaction.TransactionManagementError("reserve_numbers needs a transaction")
    NumberSequence.objects.get_or_create(prefix=prefix)
    NumberSequence.objects.filter(prefix=prefix).update(last=F("last") + count)
    last = (
        NumberSequence.objects.select_for_update().values_list("last", flat=True).get(prefix=prefix)
    )
    first = last - count + 1
    return [f"{prefix}/{n:0{WIDTH}d}" for n in range(first, last + 1)]


def next_number(prefix: str) -> str:
    return reserve_numbers(prefix, 1)[0]
