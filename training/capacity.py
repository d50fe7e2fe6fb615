"""Free places of an accreditation, as this app's writes ask for them.

Place accounting is :mod:`referrals.places`, one floor up: a place is held by a referral as
well as by a trainee of this app, and only that module knows both. The initial load (which
adds trainees) and the offered places (never above what is free) must ask it under its lock,
but this app may not import upwards (docs/architecture.md), so ``referrals`` hands its
function down when it starts (``ReferralsConfig.ready`` → :func:`register`), the way the apps
hand ``smk.audit`` their history texts.
"""

from collections.abc import Callable

from django.core.exceptions import ImproperlyConfigured

from reference.models import Accreditation

_free_places: Callable[..., int] | None = None


def register(free_places: Callable[..., int]) -> None:
    """``free_places(accreditation, *, lock=False) -> int`` of :mod:`referrals.places`."""
    global _free_places
    _free_places = free_places


def free_places(accreditation: Accreditation, *, lock: bool = False) -> int:
    """The accreditation's places minus every place held; ``lock=True`` (inside the
    transaction that then acts on the answer) locks the accreditation row first."""
    if _free_places is None:
        raise ImproperlyConfigured(
            "referrals.places has not registered its free_places (is 'referrals' installed?)"
        )
    return _free_places(accreditation, lock=lock)
