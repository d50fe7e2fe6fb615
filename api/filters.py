"""Filters of the API's lists: a parameter that is given must say something.

django-filter skips a parameter sent empty (``?changed_since=``), so a client whose variable was
empty would silently get the whole list; here it answers 400 naming the parameter, as a wrong
value does. A yes/no filter takes ``true`` or ``false`` only.
"""

import datetime

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django_filters.fields import IsoDateTimeField
from drf_spectacular.utils import extend_schema_field

#: The largest id PostgreSQL's ``bigint`` holds.
MAX_ID = 2**63 - 1


@extend_schema_field({"type": "integer", "minimum": 1, "maximum": MAX_ID})
class IdFilter(django_filters.NumberFilter):
    """A row's id: a whole number (django-filter's NumberFilter takes any decimal)."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(*args, **kwargs)


class UtcDateTimeField(IsoDateTimeField):
    """An ISO 8601 moment, turned to UTC: PostgreSQL refuses offsets beyond ±15:59, which
    ISO 8601 and Python allow (``…T11:13:21-18:29`` was a 500)."""

    def to_python(self, value):
        moment = super().to_python(value)
        if moment is None:
            return None
        try:
            return moment.astimezone(datetime.UTC)
        except OverflowError:  # 9999-12-31T23:00-18:00 is in the year 10000 in UTC
            raise ValidationError(_("Data poza obsługiwanym zakresem."), code="invalid") from None


class DateTimeFilter(django_filters.IsoDateTimeFilter):
    field_class = UtcDateTimeField


class StrictFilterSet(django_filters.FilterSet):
    def is_valid(self):
        valid = super().is_valid()
        for name, filter_ in self.filters.items():
            values = self.data.getlist(name) if hasattr(self.data, "getlist") else []
            if any(value.strip() == "" for value in values):
                self.form.add_error(name, _("Parametr podany bez wartości."))
                valid = False
            elif isinstance(filter_, django_filters.BooleanFilter) and any(
                value not in ("true", "false") for value in values
            ):
                # Its widget would read anything else ("null", "tak") as "no filter".
                self.form.add_error(name, _("Podaj true albo false."))
                valid = False
        return valid
