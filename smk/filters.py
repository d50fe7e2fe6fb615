"""The base of the lists' search forms (django-filter).

:class:`FilterSet` gives every drop-down list of a search form the :class:`FastSelect`
widget, every text field :class:`FastTextInput`, and every model choice a field that runs one
query for its options and the check of the chosen value (Django runs one for each; the
options may also be given, read with others). The lists are the pages clerks open all day.
"""

import copy
from html import escape

import django_filters
from django import forms
from django.template.loader import render_to_string
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django_filters.fields import ModelChoiceField, ModelChoiceIterator
from django_filters.filters import FilterMethod

from smk.widgets import FastSelect, FastTextInput


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

    def preload(self, objects) -> None:
        """Give the options read elsewhere (with other options, in one query)."""
        self._objects = list(objects)

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


class _FilterCopies(dict):
    """A filterset class's filters, which each filterset copies for itself
    (``copy.deepcopy(base_filters)`` in django-filter) without deep-copying what they hold:
    their querysets (a whole SQL query each), choices and labels were half the time of making
    a search form. A copy gets its own ``extra`` (the field's arguments) and its own binding
    to the filterset's method; nothing else of a filter is changed per filterset."""

    def __deepcopy__(self, memo):
        return _FilterCopies((name, _own_copy(filter_)) for name, filter_ in self.items())


def _own_copy(filter_):
    own = copy.copy(filter_)
    own.extra = dict(filter_.extra)
    if isinstance(filter_.__dict__.get("filter"), FilterMethod):
        own.filter = FilterMethod(own)  # calls the method of the copy's filterset
    return own


class _OwnFields(dict):
    """The fields of a form class made for one filterset (``get_form_class``, from that
    filterset's own copies of the filters): the one form made of them need not copy them."""

    def __deepcopy__(self, memo):
        return dict(self)


class FilterSet(django_filters.FilterSet):
    """A search form whose selects render fast and whose model choices cost one query each;
    making it copies no queryset."""

    @classmethod
    def get_filters(cls):
        return _FilterCopies(super().get_filters())

    def get_form_class(self):
        form_class = super().get_form_class()
        form_class.base_fields = _OwnFields(form_class.base_fields)
        return form_class

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for filter_ in self.filters.values():  # this filterset's own copies
            if isinstance(filter_, (django_filters.ChoiceFilter, django_filters.ModelChoiceFilter)):
                filter_.extra.setdefault("widget", FastSelect)
            elif type(filter_) is django_filters.CharFilter:
                filter_.extra.setdefault("widget", FastTextInput)
            if type(filter_) is django_filters.ModelChoiceFilter:
                filter_.field_class = PreloadedModelChoiceField

    def fields_html(self) -> SafeString:
        """The form's fields as ``partials/form_fields.html`` writes them, written here for
        a form without errors whose fields are text inputs and drop-down lists (a search
        form as a clerk opens it): through the template, ten fields were the largest part of
        the referral list's rendering. Any other form goes through the template itself;
        tests/test_widgets.py checks the two write the same HTML."""
        form = self.form
        if form.errors or form.hidden_fields():
            return render_to_string("partials/form_fields.html", {"form": form})
        fields = []
        for field in form.visible_fields():
            if field.widget_type in ("checkbox", "radioselect", "checkboxselectmultiple"):
                return render_to_string("partials/form_fields.html", {"form": form})
            field_id = escape(field.auto_id or "")
            required = field.field.required
            help_text = (
                f'<p class="field__help" id="{field_id}_helptext">'
                f"{conditional_escape(field.help_text)}</p>"
                if field.help_text
                else ""
            )
            fields.append(
                f'<div class="field{" field--required" if required else ""}">\n'
                f'<label for="{field_id}">{conditional_escape(field.label)}'
                f"{_REQUIRED if required else ''}</label>\n{field}\n{help_text}</div>"
            )
        return mark_safe("\n".join(fields))  # noqa: S308 - every value above is escaped


_REQUIRED = ' <span class="required" aria-hidden="true">*</span>'
