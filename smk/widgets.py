"""Form widgets of our own."""

from django import forms
from django.forms.utils import flatatt
from django.utils.html import conditional_escape, escape
from django.utils.safestring import mark_safe


class FastSelect(forms.Select):
    """A ``<select>`` written out in Python.

    Django renders every ``<option>`` through a template of its own; on a search form with a
    few hundred options (the units of a voivodeship, the sessions) that was half of the
    referral list's time. The HTML is the same as Django's ``select.html``: the widget's
    attributes (``id``, ``aria-describedby``, ``aria-invalid`` from the bound field), one
    selected option. Grouped choices fall back to Django's templates.
    """

    def render(self, name, value, attrs=None, renderer=None):
        choices = list(self.choices)
        if any(isinstance(label, (list, tuple)) for _, label in choices):
            return super().render(name, value, attrs, renderer)
        final_attrs = self.build_attrs(self.attrs, attrs)
        wanted = set(self.format_value(value))
        options, selected = [], False
        for option_value, label in choices:
            text = "" if option_value is None else str(option_value)
            is_selected = not selected and text in wanted
            selected = selected or is_selected
            options.append(
                f'<option value="{escape(text)}"{" selected" if is_selected else ""}>'
                f"{conditional_escape(label)}</option>"
            )
        return mark_safe(  # noqa: S308 - every value and label above is escaped
            f'<select name="{escape(name)}"{flatatt(final_attrs)}>\n'
            + "\n".join(options)
            + "\n</select>"
        )


class FastTextInput(forms.TextInput):
    """An ``<input type="text">`` written out in Python, as :class:`FastSelect` writes its
    ``<select>``: the search forms have several, each a template of Django's to render. The
    HTML is the same as Django's ``input.html`` (the value, then the attributes)."""

    def render(self, name, value, attrs=None, renderer=None):
        final_attrs = self.build_attrs(self.attrs, attrs)
        value = self.format_value(value)
        shown = "" if value is None else f' value="{escape(value)}"'
        return mark_safe(  # noqa: S308 - the name and the value are escaped, flatatt escapes
            f'<input type="{self.input_type}" name="{escape(name)}"{shown}{flatatt(final_attrs)}>'
        )
