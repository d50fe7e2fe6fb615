"""``POST /api/v1/oauth/token/``: OAuth 2.0 client credentials (RFC 6749 §4.4) through
django-oauth-toolkit, as a DRF view so that the schema documents it."""

import json

from django.http import HttpResponse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.debug import sensitive_post_parameters
from drf_spectacular.utils import OpenApiResponse, extend_schema
from oauth2_provider.views.mixins import OAuthLibMixin
from rest_framework import serializers
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.views import APIView

from smk.text import has_control_characters


class TokenRequestSerializer(serializers.Serializer):
    grant_type = serializers.ChoiceField(
        choices=["client_credentials"], label=gettext_lazy("rodzaj uprawnienia")
    )
    client_id = serializers.CharField(label=gettext_lazy("identyfikator klienta"))
    client_secret = serializers.CharField(label=gettext_lazy("sekret klienta"))
    scope = serializers.CharField(
        required=False,
        label=gettext_lazy("zakresy (oddzielone spacją); bez nich — wszystkie nadane klientowi"),
    )


class TokenSerializer(serializers.Serializer):
    access_token = serializers.CharField(label=gettext_lazy("token dostępu"))
    token_type = serializers.CharField(label=gettext_lazy("rodzaj tokenu (Bearer)"))
    expires_in = serializers.IntegerField(label=gettext_lazy("ważność w sekundach"))
    scope = serializers.CharField(label=gettext_lazy("nadane zakresy"))


class TokenErrorSerializer(serializers.Serializer):
    error = serializers.CharField(label=gettext_lazy("kod błędu (RFC 6749 §5.2)"))
    error_description = serializers.CharField(required=False, label=gettext_lazy("opis błędu"))


@method_decorator(csrf_exempt, name="dispatch")
@method_decorator(sensitive_post_parameters("client_secret"), name="dispatch")
class TokenView(OAuthLibMixin, APIView):
    authentication_classes = []
    permission_classes = [AllowAny]
    # RFC 6749 asks for a urlencoded form; a multipart one is taken too, as Django takes it.
    parser_classes = [FormParser, MultiPartParser]

    @extend_schema(
        summary=gettext_lazy("Token dostępu (OAuth 2.0 client credentials)"),
        request={"application/x-www-form-urlencoded": TokenRequestSerializer},
        responses={
            200: TokenSerializer,
            400: OpenApiResponse(TokenErrorSerializer),
            401: OpenApiResponse(TokenErrorSerializer),
        },
        auth=[],
        tags=["oauth"],
    )
    def post(self, request, *args, **kwargs):
        # Parsed here first, so a body that is not a form answers 415 (or 400) rather than
        # breaking django-oauth-toolkit, which reads the form itself.
        data = request.data  # a QueryDict; a dict when there is no body at all
        sent = [v for _n, values in data.lists() for v in values] if data else []
        if any(has_control_characters(value) for value in sent if isinstance(value, str)):
            # NUL in a client_id would reach the database lookup (PostgreSQL refuses it).
            return _token_error("invalid_request", status=400)
        _url, headers, body, status = self.create_token_response(request._request)
        if status != 200 and body:
            body = _in_polish(body)
        response = HttpResponse(content=body, status=status, content_type="application/json")
        for name, value in headers.items():
            response[name] = value
        return response


_DESCRIPTIONS = {
    "invalid_client": gettext_lazy("Nieznany klient, zły sekret albo klient nieaktywny."),
    "invalid_scope": gettext_lazy("Klient nie ma żądanego zakresu."),
    "unsupported_grant_type": gettext_lazy("Obsługiwany jest tylko grant_type=client_credentials."),
    "invalid_request": gettext_lazy("Niepełne żądanie tokenu."),
    "unauthorized_client": gettext_lazy("Ten klient nie może używać tego rodzaju uprawnienia."),
}


def _token_error(code, *, status):
    body = json.dumps(
        {"error": code, "error_description": str(_DESCRIPTIONS[code])}, ensure_ascii=False
    )
    return HttpResponse(body, status=status, content_type="application/json")


def _in_polish(body):
    try:
        data = json.loads(body)
    except ValueError:
        return body
    if isinstance(data, dict) and data.get("error") in _DESCRIPTIONS:
        data["error_description"] = str(_DESCRIPTIONS[data["error"]])
    return json.dumps(data, ensure_ascii=False)
