"""drf-spectacular: the API's authentication in the schema (OAuth 2.0 client credentials), and
the refusals every operation can give, so the schema is the whole contract (Schemathesis holds
the server to it: tests/api/test_schema_fuzzing.py)."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import (
    OpenApiAuthenticationExtension,
    OpenApiSerializerExtension,
)
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse

from api.etag import ETagMixin
from api.idempotency import HEADER as IDEMPOTENCY_HEADER
from api.idempotency import KEY_PATTERN, is_idempotent
from api.scopes import SCOPES
from api.serializers import ErrorSerializer, FieldErrorsSerializer, StrictSerializer

WRITES = ("POST", "PUT", "PATCH")


class ClientCredentialsScheme(OpenApiAuthenticationExtension):
    target_class = "api.auth.ClientAuthentication"
    name = "oauth2"

    def get_security_definition(self, auto_schema):
        return {
            "type": "oauth2",
            "flows": {
                "clientCredentials": {
                    "tokenUrl": "/api/v1/oauth/token/",
                    "scopes": {name: str(text) for name, text in SCOPES.items()},
                }
            },
        }

    def get_security_requirement(self, auto_schema):
        from api.permissions import required_scope

        view = auto_schema.view
        scope = required_scope(view) if hasattr(view, "request") else None
        return {self.name: [scope] if scope else []}


class FieldErrorsScheme(OpenApiSerializerExtension):
    """Besides ``detail``, a 400 names each wrong field: a list of messages, or an object for
    a nested field or a row of a list."""

    target_class = FieldErrorsSerializer

    def map_serializer(self, auto_schema, direction):
        schema = auto_schema._map_serializer(self.target, direction, bypass_extensions=True)
        schema["description"] = str(
            _(
                "Błędy pól (lista komunikatów pod nazwą pola, obiekt dla pola złożonego) "
                "albo „detail” dla żądania błędnego jako całość."
            )
        )
        schema["additionalProperties"] = {
            "anyOf": [{"type": "array"}, {"type": "object"}],
        }
        return schema


#: What every text a client sends may contain: no control characters but tab, LF and CR
#: (``smk.text``; StrictSerializer refuses the others by name).
NO_CONTROL_CHARACTERS = "^[^\\u0000-\\u0008\\u000b\\u000c\\u000e-\\u001f\\u007f-\\u009f]*$"


class StrictInputScheme(OpenApiSerializerExtension):
    """A body read by a :class:`StrictSerializer` says what the serializer refuses: fields it
    does not know, and control characters in text."""

    target_class = StrictSerializer
    match_subclasses = True

    def map_serializer(self, auto_schema, direction):
        schema = auto_schema._map_serializer(self.target, direction, bypass_extensions=True)
        if direction != "request":
            return schema
        schema["additionalProperties"] = False
        for field in schema.get("properties", {}).values():
            if field.get("type") == "string" and not {"enum", "pattern", "format"} & set(field):
                field["pattern"] = NO_CONTROL_CHARACTERS
        return schema


def _schema_of(response) -> dict | None:
    content = (response or {}).get("content", {})
    return content.get("application/json", {}).get("schema")


def _error(description):
    return OpenApiResponse(ErrorSerializer, description=description)


class ApiAutoSchema(AutoSchema):
    """Adds to what a view declares the answers every API view can give: 401 and 403 (token,
    scope, institution), 429 (rate limit), 400 for wrong parameters or body, 404 for an
    unknown row or cursor, 413 and 415 for a body too large or not JSON, 304 for a read the
    client has (``ETag``), and for writes with ``Idempotency-Key`` the header and its 409/422.
    A 400 is always the per-field body; query text parameters say they may not be empty."""

    def _handler(self):
        action = getattr(self.view, "action", None)
        return getattr(self.view, action or self.method.lower(), None)

    def get_override_parameters(self):
        parameters = list(super().get_override_parameters())
        if is_idempotent(self._handler()):
            parameters.append(
                OpenApiParameter(
                    IDEMPOTENCY_HEADER,
                    {"type": "string", "pattern": KEY_PATTERN},
                    location=OpenApiParameter.HEADER,
                    required=False,
                    description=_(
                        "Klucz (do 128 widocznych znaków ASCII, np. UUID): ponowienie z tym "
                        "samym kluczem dostaje zapamiętaną odpowiedź i niczego nie zmienia."
                    ),
                )
            )
        return parameters

    def _get_parameters(self):
        parameters = super()._get_parameters()
        for parameter in parameters:
            schema = parameter.get("schema", {})
            if parameter["in"] == "query" and schema.get("type") == "string":
                # Sent empty, a filter or cursor answers 400/404 (api/filters.py), and the
                # filters' forms refuse control characters (smk.text) — say so.
                schema.setdefault("minLength", 1)
                if not {"enum", "pattern", "format"} & set(schema):
                    schema["pattern"] = NO_CONTROL_CHARACTERS
        return parameters

    def _common_responses(self) -> dict:
        common = {
            "429": _error(_("Przekroczony limit żądań klienta (nagłówek Retry-After).")),
        }
        has_body = self.method in WRITES and self.get_request_serializer() is not None
        if self.get_auth():
            common["401"] = _error(_("Brak tokenu, token wygasł albo klient nie jest aktywny."))
            common["403"] = _error(
                _("Token bez potrzebnego zakresu albo operacja dla innej instytucji.")
            )
        reads_parameters = self.method == "GET" and (
            self._get_paginator() is not None or self.get_filter_backends()
        )
        if has_body or reads_parameters or is_idempotent(self._handler()):
            common["400"] = OpenApiResponse(
                FieldErrorsSerializer, description=_("Błędne pola albo parametry (po polsku).")
            )
        if "{" in self.path or (self.method == "GET" and self._get_paginator() is not None):
            common["404"] = _error(_("Nie ma takiego obiektu (albo kursora strony)."))
        if self.method in WRITES:
            common["413"] = _error(_("Treść żądania jest za duża."))
        if has_body:
            common["415"] = _error(_("Nieobsługiwany typ treści (Content-Type)."))
        if self.method == "GET" and isinstance(self.view, ETagMixin):
            common["304"] = OpenApiResponse(
                description=_("Bez zmian od wersji z nagłówka If-None-Match (pusta treść).")
            )
        if is_idempotent(self._handler()):
            common["409"] = _error(_("Żądanie z tym kluczem Idempotency-Key jeszcze trwa."))
            common["422"] = _error(_("Klucz Idempotency-Key użyty już dla innego żądania."))
        return common

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if _schema_of(responses.get("400")) == {"$ref": "#/components/schemas/Error"}:
            # Declared with the plain error body: DRF names the wrong fields, not ``detail``.
            description = responses["400"].get("description", "")
            responses["400"] = self._get_response_for_code(
                OpenApiResponse(FieldErrorsSerializer, description=description), "400"
            )
        for code, response in self._common_responses().items():
            if code not in responses:
                responses[code] = self._get_response_for_code(response, code, direction=direction)
        return dict(sorted(responses.items()))
