"""What every API view shares: the token, the scope, the rate limit, JSON in and out
(configured once in ``REST_FRAMEWORK``, smk/settings.py), and the scoped queryset."""

from django.utils.translation import gettext as _
from rest_framework import exceptions, generics, viewsets
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from api.etag import ETagMixin
from smk.scoping import get_scoped_object_or_404, scoped


class ScopedMixin:
    """``get_queryset`` returns only the client's institution's rows; another's answer 404."""

    def get_queryset(self):
        return scoped(self.base_queryset(), self.request)

    def base_queryset(self):
        raise NotImplementedError

    def get_object(self):
        lookup = {self.lookup_field: self.kwargs[self.lookup_url_kwarg or self.lookup_field]}
        obj = get_scoped_object_or_404(self.base_queryset(), self.request, **lookup)
        self.check_object_permissions(self.request, obj)
        return obj


class RowListMixin:
    """A list read as rows of ``values()``: its serializer names them in ``row_columns`` and
    writes each row itself (no model instance a row: at a page of 100 referrals, building them
    was most of the page's time). Filters and cursor pagination apply to the rows as they
    would to the models."""

    def list(self, request, *args, **kwargs):
        columns = self.get_serializer_class().row_columns
        rows = self.filter_queryset(self.get_queryset()).values(*columns)
        page = self.paginate_queryset(rows)
        serializer = self.get_serializer(rows if page is None else page, many=True)
        if page is None:
            return Response(serializer.data)
        return self.get_paginated_response(serializer.data)


class ReadViewSet(ETagMixin, ScopedMixin, viewsets.ReadOnlyModelViewSet):
    pass


class ReadListView(ETagMixin, ScopedMixin, generics.ListAPIView):
    pass


class NotFoundView(APIView):
    """Any other address under ``/api/v1/`` (``/referrals/0.5/``): a JSON 404 as the schema
    promises, not the site's HTML page. Not in the schema; rate limited like the rest."""

    authentication_classes = []
    permission_classes = [AllowAny]
    schema = None

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        raise exceptions.NotFound(_("Nie ma takiego adresu w API."))
