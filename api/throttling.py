"""Requests are rate limited per API client, in the shared "default" cache (Redis or the
database: every worker counts the same requests). Over the limit: 429 with ``Retry-After``."""

from django.conf import settings
from django.core.cache import caches
from rest_framework.throttling import SimpleRateThrottle


class ClientRateThrottle(SimpleRateThrottle):
    scope = "api_client"
    cache = caches["default"]

    def get_rate(self):
        return settings.API_RATE_LIMIT

    def get_cache_key(self, request, view):
        client = getattr(request, "api_client", None)
        if client is None:
            # Before authentication succeeds (401 follows): limited by address instead.
            return self.cache_format % {"scope": "api_anonymous", "ident": self.get_ident(request)}
        return self.cache_format % {"scope": self.scope, "ident": client.pk}
