"""The API reads JSON objects only, of a bounded size (413 above ``API_MAX_BODY_BYTES``); what is
not JSON is refused in Polish, naming the line and column."""

import io
import json

from django.conf import settings
from django.utils.translation import gettext as _
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

from api.exceptions import PayloadTooLarge


def _not_json(cause) -> str:
    if isinstance(cause, json.JSONDecodeError):
        return _(
            "Treść żądania nie jest poprawnym JSON-em (wiersz %(line)s, kolumna %(column)s)."
        ) % {"line": cause.lineno, "column": cause.colno}
    return _("Treść żądania nie jest poprawnym JSON-em w UTF-8.")


def _too_large():
    return PayloadTooLarge(
        _("Treść żądania jest za duża (najwyżej %(n)s bajtów).")
        % {"n": settings.API_MAX_BODY_BYTES}
    )


class BoundedJSONParser(JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        limit = settings.API_MAX_BODY_BYTES
        request = (parser_context or {}).get("request")
        declared = request.META.get("CONTENT_LENGTH", "") if request is not None else ""
        if declared.isdigit() and int(declared) > limit:
            raise _too_large()
        raw = stream.read(limit + 1) if stream is not None else b""
        if len(raw) > limit:
            raise _too_large()
        try:
            data = super().parse(io.BytesIO(raw), media_type, parser_context)
        except ParseError as error:  # DRF's message is English: "JSON parse error - …"
            raise ParseError(_not_json(error.__context__)) from None
        if not isinstance(data, dict):
            raise ParseError(_("Treść żądania musi być obiektem JSON."))
        return data
