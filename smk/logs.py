"""Structured logs: one JSON object a line, with the request it belongs to (README, "Logs").

- :class:`RequestContextMiddleware` gives every request an id (the proxy's ``X-Request-ID``
  when it is a sane token, else a new one), answers it in the ``X-Request-ID`` header, and
  keeps the id, the user's and the active profile's ids and the view's name for every line
  logged while the request runs (a context variable, so threads and async code keep theirs).
- :class:`RequestContextFilter` copies them onto each record; :class:`JsonFormatter` writes
  the record as JSON; both are in ``LOGGING`` (``smk/settings.py``).
- :class:`QuietClientErrorsFilter` drops the traceback Django attaches to an ordinary 403 or
  404: a clerk opening another voivodeship's referral is not an incident.
- :func:`redact` blanks PESEL numbers and passwords in whatever a line says, the traceback
  included: no personal number nor secret reaches the log store.
"""

import contextvars
import datetime
import json
import logging
import re
import uuid

#: The request's id, user, profile and view, for the lines logged while it runs.
_context: contextvars.ContextVar[dict | None] = contextvars.ContextVar("smk_request", default=None)

#: A request id from the proxy is kept when it looks like one (no spaces, no control bytes).
_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{8,128}")
#: Eleven digits standing alone: what a PESEL looks like (checksum or not, it is blanked).
_PESEL = re.compile(r"(?<!\d)\d{11}(?!\d)")
#: ``password=…``, ``"password": "…"``, ``hasło: …`` and the like.
_PASSWORD = re.compile(
    r"""(?P<key>\b\w*(?:password|passwd|secret|hasło|haslo)\w*\b["']?\s*[:=]\s*["']?)"""
    r"""[^\s"'&,;}]+""",
    re.IGNORECASE,
)

#: Record attributes of Python's own; anything else a caller passed in ``extra`` is written.
_STANDARD = frozenset(
    set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime", "request"}
)


def redact(text: str) -> str:
    """``text`` with PESEL numbers and passwords replaced by placeholders."""
    text = _PESEL.sub("[PESEL]", text)
    return _PASSWORD.sub(r"\g<key>[hasło]", text)


def current() -> dict:
    """The running request's log context (empty outside a request)."""
    return _context.get() or {}


class RequestContextMiddleware:
    """First in ``MIDDLEWARE``: the request id at once, the user, profile and view once the
    other middleware has resolved them (``process_view`` runs after all of them)."""

    header = "HTTP_X_REQUEST_ID"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        offered = request.META.get(self.header, "")
        request.request_id = offered if _REQUEST_ID.fullmatch(offered) else uuid.uuid4().hex
        token = _context.set({"request_id": request.request_id})
        try:
            response = self.get_response(request)
        finally:
            _context.reset(token)
        response["X-Request-ID"] = request.request_id
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        context = _context.get()
        if context is None:
            return None
        user = getattr(request, "user", None)
        profile = getattr(request, "profile", None)
        match = request.resolver_match
        context.update(
            user_id=user.pk if user is not None and user.is_authenticated else None,
            profile_id=profile.pk if profile is not None else None,
            view=(match.view_name or match._func_path) if match else None,
        )
        return None


class RequestContextFilter(logging.Filter):
    """Puts the running request's id, user, profile and view on every record."""

    keys = ("request_id", "user_id", "profile_id", "view")

    def filter(self, record):
        context = current()
        for key in self.keys:
            if not hasattr(record, key):
                setattr(record, key, context.get(key))
        return True


class QuietClientErrorsFilter(logging.Filter):
    """No traceback for a 403 or 404: Django logs ``PermissionDenied`` with its exception,
    which is how the application says "not yours", not a fault. The line itself stays."""

    def filter(self, record):
        if getattr(record, "status_code", None) in (403, 404):
            record.exc_info = None
            record.exc_text = None
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object a line: time (UTC, ISO 8601), level, logger, message, the request's
    context, the caller's ``extra`` values and the traceback, all redacted."""

    def format(self, record):
        entry = {
            "time": datetime.datetime.fromtimestamp(record.created, datetime.UTC).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "message": redact(record.getMessage()),
        }
        for key, value in vars(record).items():
            if key not in _STANDARD and not key.startswith("_"):
                entry[key] = value if isinstance(value, int | float | bool | None) else str(value)
        if record.exc_info:
            entry["traceback"] = self.formatException(record.exc_info)
        elif record.exc_text:
            entry["traceback"] = record.exc_text
        if "traceback" in entry:
            entry["traceback"] = redact(entry["traceback"])
        for key, value in entry.items():
            if isinstance(value, str) and key not in ("message", "traceback"):
                entry[key] = redact(value)
        return json.dumps(entry, ensure_ascii=False)
