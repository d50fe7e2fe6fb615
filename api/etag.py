"""``ETag`` and ``If-None-Match`` for the API's reads: the tag is a hash of the JSON answer, so
a client polling an unchanged list gets 304 with no body."""

import hashlib

from django.utils.cache import quote_etag
from rest_framework import status
from rest_framework.response import Response


class ETagMixin:
    """For GET views: tag the rendered answer; answer 304 when the client has it already."""

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if request.method != "GET" or response.status_code != 200 or response.streaming:
            return response
        if not isinstance(response, Response):
            return response
        response.render()
        tag = quote_etag(hashlib.sha256(response.content).hexdigest()[:32])
        response["ETag"] = tag
        wanted = [t.strip() for t in request.headers.get("If-None-Match", "").split(",")]
        if tag in wanted or f"W/{tag}" in wanted or "*" in wanted:
            not_modified = Response(status=status.HTTP_304_NOT_MODIFIED)
            not_modified["ETag"] = tag
            return super().finalize_response(request, not_modified, *args, **kwargs)
        return response
