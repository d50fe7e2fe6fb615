"""The shared cache on Redis, which the app outlives.

When Redis cannot be reached the pages keep answering: a read finds nothing, a write keeps
nothing, and the error is logged (once every ``LOG_EVERY_SECONDS`` per process, not once per
call). What fails closed does so by itself: allauth takes a lock with ``add`` before it counts a
login, and a lock it cannot take refuses the login, as does a TOTP code whose ``add`` is refused
(it counts as already used). The API's per-client limit reads an empty history and lets the
request through: it protects capacity, not accounts.
"""

import logging
import time

from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

LOG_EVERY_SECONDS = 30


class FailSafeRedisCache(RedisCache):
    _last_logged = 0.0

    def _unavailable(self, operation, error):
        now = time.monotonic()
        if now - FailSafeRedisCache._last_logged >= LOG_EVERY_SECONDS:
            FailSafeRedisCache._last_logged = now
            kind = error.__class__.__name__
            logger.warning("cache unavailable (%s: %s); serving without it", operation, kind)

    def _try(self, operation, answer_if_down, *args, **kwargs):
        try:
            return getattr(super(), operation)(*args, **kwargs)
        except RedisError as error:
            self._unavailable(operation, error)
            return answer_if_down

    def add(self, *args, **kwargs):
        return self._try("add", False, *args, **kwargs)

    def get(self, key, default=None, version=None):
        return self._try("get", default, key, default, version)

    def set(self, *args, **kwargs):
        return self._try("set", None, *args, **kwargs)

    def touch(self, *args, **kwargs):
        return self._try("touch", False, *args, **kwargs)

    def delete(self, *args, **kwargs):
        return self._try("delete", False, *args, **kwargs)

    def get_many(self, *args, **kwargs):
        return self._try("get_many", {}, *args, **kwargs)

    def has_key(self, *args, **kwargs):
        return self._try("has_key", False, *args, **kwargs)

    def set_many(self, data, *args, **kwargs):
        return self._try("set_many", list(data), data, *args, **kwargs)

    def delete_many(self, *args, **kwargs):
        return self._try("delete_many", None, *args, **kwargs)
