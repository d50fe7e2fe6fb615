"""Cursor pagination: a feed that changes while it is read neither skips nor repeats rows.

A ``page_size`` that is not a whole number of at least 1 answers 400 (DRF would quietly use
the default, and a client would not learn its parameter is wrong); above the maximum it is cut
to the maximum, as the schema says. A cursor the server did not give (an empty one too)
answers 404.
"""

import re

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import CursorPagination

#: What DRF's cursors are made of (base64 of a query string).
CURSOR_PATTERN = r"^[A-Za-z0-9+/=]+$"


class StrictCursor(CursorPagination):
    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = 500
    invalid_cursor_message = gettext_lazy("Nieprawidłowy kursor strony.")
    cursor_query_description = gettext_lazy(
        "Kursor strony (z pól next / previous poprzedniej odpowiedzi)."
    )
    page_size_query_description = gettext_lazy("Liczba wyników na stronie (najwyżej 500).")

    def get_page_size(self, request):
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        if not (raw.isascii() and raw.isdigit()) or int(raw) < 1:
            raise ValidationError(
                {self.page_size_query_param: [_("Podaj liczbę całkowitą nie mniejszą niż 1.")]}
            )
        return min(int(raw), self.max_page_size)

    def decode_cursor(self, request):
        encoded = request.query_params.get(self.cursor_query_param)
        if encoded is not None and not re.fullmatch(CURSOR_PATTERN, encoded):
            # Base64 decoding skips what is not base64: "" or "%1F" would read as page one.
            raise NotFound(self.invalid_cursor_message)
        return super().decode_cursor(request)

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"]["minimum"] = 1
            if parameter["name"] == self.cursor_query_param:
                parameter["schema"]["pattern"] = CURSOR_PATTERN
        return parameters


class ChangesCursor(StrictCursor):
    """Oldest change first: a client reads to the end, keeps the last cursor (or the newest
    ``updated_at``) and asks for what changed since."""

    ordering = ("updated_at", "id")


class CreatedCursor(StrictCursor):
    ordering = ("created_at", "id")


class ByIdCursor(StrictCursor):
    ordering = ("id",)
