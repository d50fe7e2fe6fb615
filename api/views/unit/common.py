"""What every unit operation shares: the client's unit, parsing rows with their numbers,
the refusal of bad rows, the schema's answers."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.extensions import OpenApiSerializerExtension
from drf_spectacular.utils import OpenApiResponse
from rest_framework import generics, serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from api import scopes
from api.etag import ETagMixin
from api.serializers import ErrorSerializer, FieldErrorsSerializer
from reference.models import TrainingUnit
from smk.scoping import get_scoped_object_or_404
from training import services


class RowErrorSerializer(serializers.Serializer):
    row = serializers.IntegerField(label=gettext_lazy("numer wiersza (od 1)"))
    field = serializers.CharField(label=gettext_lazy("pole"))
    message = serializers.CharField(label=gettext_lazy("opis błędu"))


class RowsRefusedSerializer(serializers.Serializer):
    """400 of a list of rows: nothing was written; every row's problem is named."""

    detail = serializers.CharField(label=gettext_lazy("opis błędu"))
    errors = RowErrorSerializer(many=True, label=gettext_lazy("błędy w wierszach"))


class RowsOrFieldsRefusedSerializer(serializers.Serializer):
    """400 of an operation that takes a list of rows: the bad rows by number
    (:class:`RowsRefusedSerializer`), or — a body without the list, an unknown field — the
    fields' errors as every other 400 (:class:`~api.serializers.FieldErrorsSerializer`)."""


class RowsOrFieldsRefusedScheme(OpenApiSerializerExtension):
    target_class = RowsOrFieldsRefusedSerializer

    def map_serializer(self, auto_schema, direction):
        return {
            "anyOf": [
                auto_schema.resolve_serializer(RowsRefusedSerializer, direction).ref,
                auto_schema.resolve_serializer(FieldErrorsSerializer, direction).ref,
            ]
        }


ROWS_REFUSED = OpenApiResponse(
    RowsOrFieldsRefusedSerializer,
    description=gettext_lazy(
        "Błędy w wierszach (z numerami) albo błędne pola żądania — nic nie zostało zapisane."
    ),
)
FORBIDDEN = OpenApiResponse(
    ErrorSerializer,
    description=gettext_lazy("Brak uprawnienia unit:write albo klient nie należy do jednostki."),
)
INACTIVE = OpenApiResponse(
    ErrorSerializer,
    description=gettext_lazy(
        "Brak uprawnienia albo integracja jednostki nie jest aktywna (powód w „detail”)."
    ),
)


class UnitOperation(ETagMixin, generics.GenericAPIView):
    institution = "unit"
    required_scope = scopes.UNIT_WRITE

    def handle_exception(self, exc):
        if isinstance(exc, RowsRefused):
            return Response(exc.body, status=status.HTTP_400_BAD_REQUEST)
        return super().handle_exception(exc)

    def unit(self) -> TrainingUnit:
        return get_scoped_object_or_404(
            TrainingUnit.objects.select_related("voivodeship"),
            self.request,
            pk=self.request.api_client.unit_id,
        )

    def parsed(self, serializer_class, rows_name=None) -> dict:
        """The body, parsed; a bad row of ``rows_name`` is told by its number (1, 2, …)."""
        serializer = serializer_class(data=self.request.data)
        if serializer.is_valid():
            return serializer.validated_data
        errors = serializer.errors
        by_row = errors.get(rows_name) if rows_name else None
        # DRF gives a list's item errors as {"index": {field: [...]}} (or a list of them).
        if isinstance(by_row, list) and all(isinstance(e, dict) for e in by_row):
            by_row = dict(enumerate(by_row))
        if isinstance(by_row, dict) and all(isinstance(e, dict) for e in by_row.values()):
            raise RowsRefused(
                [
                    services.RowError(int(index) + 1, name, str(message))
                    for index, fields in sorted(by_row.items(), key=lambda item: int(item[0]))
                    for name, messages in fields.items()
                    for message in messages
                ]
            )
        raise ValidationError(errors)

    def write(self, service, *args, **kwargs):
        """Call the service for the client's unit, as the client (the history names it)."""
        try:
            return service(self.unit().pk, *args, **kwargs, user=None, profile=self.request.profile)
        except services.TrainingError as error:
            if error.row_errors:
                raise RowsRefused(error.row_errors) from None
            if error.field_errors:
                raise ValidationError(error.field_errors) from None
            raise ValidationError({"detail": error.message}) from None


class RowsRefused(Exception):
    """400 with every bad row named (:class:`RowsRefusedSerializer`): row numbers stay
    numbers, which DRF's ``ValidationError`` would turn into strings."""

    def __init__(self, row_errors):
        super().__init__()
        self.body = {
            "detail": _("Nic nie zostało zapisane: popraw wiersze z błędami i wyślij całość."),
            "errors": [
                {"row": e.row, "field": e.field, "message": str(e.message)} for e in row_errors
            ],
        }
