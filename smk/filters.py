"""The base of the lists' search forms (django-filter).

:class:`FilterSet` gives every drop-down list of a search form the :class:`FastSelect`
widget, and every model choice a field that runs one query for its options and the check of
the chosen value (Django runs one for each). The lists are the pages clerks open all day.
"""

import django_filters
from django import forms
from django_filters.fields import ModelChoiceField, ModelChoiceIterator

from smk.widgets import FastSelect


class PreloadedModelChoiceIterator(ModelChoiceIterator):
    """The options of a :class:`PreloadedModelChoiceField`, from its one query."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        if self.field.null_label is not None:
            yield (self.field.null_value, self.field.null_label)
        for obj in self.field.objects:
            yield self.choice(obj)

    def __len__(self):
        extra = (self.field.empty_label is not None) + (self.field.null_label is not None)
        return len(self.field.objects) + extra

    def __bool__(self):
        return self.field.empty_label is not None or bool(self.field.objects)


class PreloadedModelChoiceField(ModelChoiceField):
    """A model choice whose queryset is read once per form: the options shown and the check
    of the submitted value both use :attr:`objects`."""

    iterator = PreloadedModelChoiceIterator

    def _set_queryset(self, queryset):
        # A form gets a copy of the field with a fresh queryset (ModelChoiceField.__deepcopy__):
        # nothing read for one form is reused by another.
        self._objects = None
        super()._set_queryset(queryset)

    queryset = property(forms.ModelChoiceField._get_queryset, _set_queryset)

    @property
    def objects(self) -> list:
        if self._objects is None:
            self._objects = list(self.queryset)
        return self._objects

    def to_python(self, value):
        if self.null_label is not None and value == self.null_value:
            return value
        if value in self.empty_values:
            return None
        self.validate_no_null_characters(value)
        if isinstance(value, self.queryset.model):
            value = self.prepare_value(value)
        wanted = str(value)
        for obj in self.objects:
            if str(self.prepare_value(obj)) == wanted:
                return obj
        raise forms.ValidationError(
            self.error_messages["invalid_choice"],
            code="invalid_choice",
            params={"value": value},
        )


class FilterSet(django_filters.FilterSet):
    """A search form whose selects render fast and whose model choices cost one query each."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for filter_ in self.filters.values():  # this filterset's own copies
            if isinstance(filter_, (django_filters.ChoiceFilter, django_filters.ModelChoiceFilter)):
                filter_.extra.setdefault("widget", FastSelect)
            if type(filter_) is django_filters.ModelChoiceFilter:
                filter_.field_class = PreloadedModelChoiceField
