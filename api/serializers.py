"""Serializers shared by the API's views: strict input (unknown fields refused, no control
characters), Polish labels, English identifiers. No business rule lives here: a serializer
parses and shows, the services decide (CONVENTIONS.md)."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import serializers

from smk.text import control_characters_message, has_control_characters


def _strings_with_control_characters(value, path=()):
    if isinstance(value, str):
        if has_control_characters(value):
            yield path
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _strings_with_control_characters(item, (*path, str(key)))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _strings_with_control_characters(item, (*path, str(index)))


class StrictSerializer(serializers.Serializer):
    """Refuses fields it does not know and text with control characters, each by name."""

    def to_internal_value(self, data):
        if isinstance(data, dict):
            errors = {}
            unknown = sorted(set(data) - set(self.fields))
            for name in unknown:
                errors[name] = [_("Nieznane pole.")]
            for path in _strings_with_control_characters(data):
                if path and path[0] in self.fields:
                    errors.setdefault(path[0], []).append(str(control_characters_message()))
            if errors:
                raise serializers.ValidationError(errors)
        return super().to_internal_value(data)


class StatusField(serializers.Serializer):
    code = serializers.CharField(label=gettext_lazy("kod statusu"))
    label = serializers.CharField(label=gettext_lazy("status"))


class ErrorSerializer(serializers.Serializer):
    """The body of a refusal (401, 403, 404, 409, 413, 415, 422, 429): ``detail``."""

    detail = serializers.CharField(label=gettext_lazy("opis błędu"))


class FieldErrorsSerializer(serializers.Serializer):
    """The body of a 400: each wrong field's (or parameter's) messages under its name —
    ``{"pesel": ["…"]}``, nested for nested fields — or ``detail`` for a request that is wrong
    as a whole (malformed JSON, not an object, a bad ``Idempotency-Key``). The schema's
    ``additionalProperties`` say so (``api.schema``)."""

    detail = serializers.CharField(required=False, label=gettext_lazy("opis błędu"))
    non_field_errors = serializers.ListField(
        child=serializers.CharField(),
        required=False,
        label=gettext_lazy("błędy dotyczące całego żądania"),
    )


class UnitRegistrySerializer(serializers.Serializer):
    """A training unit's registry data (TERYT, RPWDL or KRS), kept by the administrator in
    the catalogue; read from the unit."""

    teryt = serializers.CharField(read_only=True, label=gettext_lazy("kod TERYT"))
    voivodeship = serializers.CharField(
        source="voivodeship.name", read_only=True, label=gettext_lazy("województwo")
    )
    county = serializers.CharField(read_only=True, label=gettext_lazy("powiat"))
    commune = serializers.CharField(read_only=True, label=gettext_lazy("gmina"))
    city = serializers.CharField(read_only=True, label=gettext_lazy("miejscowość"))
    postal_code = serializers.CharField(read_only=True, label=gettext_lazy("kod pocztowy"))
    street = serializers.CharField(read_only=True, label=gettext_lazy("ulica"))
    building_number = serializers.CharField(read_only=True, label=gettext_lazy("numer budynku"))
    register_book_number = serializers.CharField(
        read_only=True, label=gettext_lazy("numer księgi rejestrowej")
    )
    krs = serializers.CharField(read_only=True, label=gettext_lazy("numer KRS"))
