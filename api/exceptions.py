"""Errors as a client can act on them: JSON, in Polish, never a 500 for bad input."""

from django.core.exceptions import RequestDataTooBig
from django.utils.translation import gettext as _
from rest_framework import status
from rest_framework.exceptions import APIException
from rest_framework.views import exception_handler


class PayloadTooLarge(APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "payload_too_large"


class Conflict(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"


def handle(exc, context):
    if isinstance(exc, RequestDataTooBig):
        exc = PayloadTooLarge(_("Treść żądania jest za duża."))
    return exception_handler(exc, context)
