"""Safe retries of writes: ``Idempotency-Key`` (pretix ``api/middleware.py``).

A write sent with the header is answered once; a retry with the same key (from the same
client, to the same URL, with the same body) gets the stored answer and changes nothing. While
the first call still runs, a retry answers 409; the same key with another request answers
422. Server errors are not stored, so a retry after one runs again. Keys are kept
``API_IDEMPOTENCY_HOURS`` hours.
"""

import hashlib
import json
import re
from datetime import timedelta
from functools import wraps

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework import status
from rest_framework.response import Response

from api.models import IdempotencyRecord

HEADER = "Idempotency-Key"
#: What a key may be (the schema says it too): 1–128 visible ASCII characters, e.g. a UUID.
KEY_PATTERN = r"^[!-~]{1,128}$"


def is_idempotent(handler) -> bool:
    return getattr(handler, "idempotent", False)


def _refuse(code, message):
    return Response({"detail": message}, status=code)


def _fingerprint(request) -> str:
    return hashlib.sha256(request._request.body).hexdigest()


def idempotent(handler):
    """Decorate a view's write handler (``post``, or a viewset action)."""

    @wraps(handler)
    def wrapper(view, request, *args, **kwargs):
        key = request.headers.get(HEADER)
        client = getattr(request, "api_client", None)
        if key is None or client is None:
            return handler(view, request, *args, **kwargs)
        if not re.fullmatch(KEY_PATTERN, key):
            # An empty key too: the client meant to send one, and a retry would not be safe.
            return _refuse(
                status.HTTP_400_BAD_REQUEST,
                _("Nagłówek Idempotency-Key: od 1 do 128 widocznych znaków ASCII (np. UUID)."),
            )
        fingerprint = _fingerprint(request)
        record, created = _claim(client, key, request, fingerprint)
        if not created:
            return _replay(record, request, fingerprint)
        try:
            try:
                response = handler(view, request, *args, **kwargs)
            except Exception as exc:
                response = view.handle_exception(exc)  # re-raises what is not an API error
        except BaseException:
            IdempotencyRecord.objects.filter(pk=record.pk).delete()
            raise
        if response.status_code >= 500:
            IdempotencyRecord.objects.filter(pk=record.pk).delete()
            return response
        IdempotencyRecord.objects.filter(pk=record.pk).update(
            finished_at=timezone.now(),
            response_status=response.status_code,
            response_body=json.dumps(response.data, default=str).encode(),
            response_content_type="application/json",
        )
        return response

    wrapper.idempotent = True
    return wrapper


def _claim(client, key, request, fingerprint):
    # A key older than the window is forgotten even if the sweep (prune) has not run yet.
    IdempotencyRecord.objects.filter(client=client, key=key, created_at__lt=_cutoff()).delete()
    try:
        with transaction.atomic():
            return (
                IdempotencyRecord.objects.create(
                    client=client,
                    key=key,
                    method=request.method,
                    path=request.path[:512],
                    body_sha256=fingerprint,
                ),
                True,
            )
    except IntegrityError:
        return IdempotencyRecord.objects.get(client=client, key=key), False


def _cutoff():
    return timezone.now() - timedelta(hours=settings.API_IDEMPOTENCY_HOURS)


def _replay(record, request, fingerprint):
    if (record.method, record.path, record.body_sha256) != (
        request.method,
        request.path[:512],
        fingerprint,
    ):
        return _refuse(
            status.HTTP_422_UNPROCESSABLE_ENTITY,
            _("Ten klucz Idempotency-Key użyto już dla innego żądania."),
        )
    if record.finished_at is None:
        response = _refuse(
            status.HTTP_409_CONFLICT,
            _("Żądanie z tym kluczem Idempotency-Key jest jeszcze przetwarzane — ponów później."),
        )
        response["Retry-After"] = "1"
        return response
    response = Response(json.loads(bytes(record.response_body)), status=record.response_status)
    response["Idempotent-Replayed"] = "true"
    return response


def prune() -> int:
    """Forget keys older than ``API_IDEMPOTENCY_HOURS`` (``manage.py
    prune_idempotency_keys``, from cron)."""
    deleted, _rows = IdempotencyRecord.objects.filter(created_at__lt=_cutoff()).delete()
    return deleted
