"""The office's referral list, cached per profile and search under the versions of its data.

The list is the page clerks open most; it is read far more often than its data changes. Its
content (the search form, the count, the rows, the pagination) is kept in the cache under a key
made of everything that decides it: the versions of the data it shows (:mod:`smk.versions`),
the reader's scope (the voivodeship itself, not its version number) and roles, and the URL.
The layout around it (menu, messages, the logout form's CSRF token) is rendered on every
request.

The key names no profile: the active profile is read from the database on every request
(:mod:`accounts.middleware`), so a profile moved to another voivodeship, given other roles or
blocked (then it reaches no list at all) asks for another key at once — nothing needs to be
told about profile changes, and two clerks of one office with the same roles share the page.

What bumps a version (when the transaction commits):

- ``referrals:<voivodeship id>`` — a referral or an application of that voivodeship saved or
  deleted (signals below), and the referrals created by closing a procedure in bulk
  (:func:`qualification.services.closing.create_referrals` calls :func:`referrals_changed`);
- ``reference`` — a training unit, a field, a mode or a session saved or deleted (the search
  form's options, the default session, the names in the rows).

The "Wymaga działania" searches depend on the clock and on the register, so they are never
cached. ``REFERRAL_LIST_CACHE_SECONDS = 0`` turns the cache off (the test settings do, but for
the tests of this module).
"""

import hashlib

from django.conf import settings
from django.core.cache import caches
from django.db.models.signals import post_delete, post_save

from smk import versions
from smk.scoping import Scope

#: The cache alias of the pages (settings.CACHES): not "default", whose login rate limits a
#: page-filled cache must never evict.
CACHE = "pages"
REFERENCE_KEY = "reference"
#: Search parameters whose results depend on more than the versioned data.
UNCACHED_PARAMS = ("attention",)


def referrals_key(voivodeship_id) -> str:
    return f"referrals:{voivodeship_id}"


def referrals_changed(voivodeship_id) -> None:
    versions.bump(referrals_key(voivodeship_id))


def cache_key(request) -> str | None:
    """The cache key of the list ``request`` asks for, or None when it is not cached."""
    if settings.REFERRAL_LIST_CACHE_SECONDS <= 0:
        return None
    profile = getattr(request, "profile", None)
    if profile is None or any(request.GET.get(name) for name in UNCACHED_PARAMS):
        return None
    scope, voivodeship_id = profile.scope
    if scope != Scope.VOIVODESHIP:
        return None
    data, reference = versions.read(referrals_key(voivodeship_id), REFERENCE_KEY)
    roles = ",".join(sorted(profile.role_codes))
    path = hashlib.sha256(request.get_full_path().encode()).hexdigest()[:32]
    return (
        f"referral-list:{scope.value}:{voivodeship_id}:{roles}:"
        f"{referrals_key(voivodeship_id)}={data}:{REFERENCE_KEY}={reference}:{path}"
    )


def get(key):
    return caches[CACHE].get(key) if key else None


def store(key, content: str) -> None:
    if key:
        caches[CACHE].set(key, content, settings.REFERRAL_LIST_CACHE_SECONDS)


# ---- What changes the list --------------------------------------------------------------------


def _voivodeship_data_changed(sender, instance, **kwargs):
    referrals_changed(instance.voivodeship_id)


def _reference_data_changed(sender, instance, **kwargs):
    versions.bump(REFERENCE_KEY)


def connect() -> None:
    from qualification.models import Application, Session
    from reference.models import Field, Mode, TrainingUnit
    from referrals.models import Referral

    for model in (Referral, Application):
        post_save.connect(_voivodeship_data_changed, sender=model, dispatch_uid=f"list-{model}")
        post_delete.connect(_voivodeship_data_changed, sender=model, dispatch_uid=f"list-{model}")
    for model in (TrainingUnit, Field, Mode, Session):
        post_save.connect(_reference_data_changed, sender=model, dispatch_uid=f"list-{model}")
        post_delete.connect(_reference_data_changed, sender=model, dispatch_uid=f"list-{model}")
