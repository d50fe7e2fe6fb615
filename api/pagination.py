"""Cursor pagination: a feed that changes while it is read neither skips nor repeats rows."""

from django.utils.translation import gettext_lazy as _
from rest_framework.pagination import CursorPagination


class ChangesCursor(CursorPagination):
    """Oldest change first: a client reads to the end, keeps the last cursor (or the newest
    ``updated_at``) and asks for what changed since."""

    ordering = ("updated_at", "id")
    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = 500
    cursor_query_description = _("Kursor strony (z pól next / previous poprzedniej odpowiedzi).")
    page_size_query_description = _("Liczba wyników na stronie (najwyżej 500).")


class CreatedCursor(ChangesCursor):
    ordering = ("created_at", "id")
