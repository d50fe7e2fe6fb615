"""Control characters in what people send: refused in every text input and CSV cell.

A NUL byte cannot be stored in PostgreSQL at all (the query fails with ``DataError``, a 500),
and the other control characters (ESC, DEL, the C1 range, lone surrogates) have no business in
a surname, a reason or an application number: they only garble pages, CSV and PDF files. Tab,
line feed and carriage return are ordinary whitespace of multi-line text and stay allowed.

``install()`` (called from ``SmkConfig.ready``) makes :func:`validate_no_control_characters` a
default validator of Django's form ``CharField`` and of every subclass that brings its own
defaults, so every text input of every form — ours, the admin's, allauth's, django-filter's
search forms — refuses them without anyone remembering to add it. The CSV import checks its
cells with :func:`has_control_characters`. Uploaded files' names need nothing here: Django's
multipart parser already drops every non-printable character from them
(``MultiPartParser.sanitize_file_name``), which tests/reliability/test_control_characters.py
keeps checking.
"""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

__all__ = [
    "CONTROL_CHARACTERS",
    "control_characters_message",
    "has_control_characters",
    "install",
    "validate_no_control_characters",
]

#: Unicode category Cc (C0 controls, DEL, C1 controls) and lone surrogates (Cs), except
#: tab, line feed and carriage return.
CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")


def control_characters_message() -> str:
    return str(_("Pole zawiera niedozwolone znaki sterujące."))


def has_control_characters(value: str) -> bool:
    return CONTROL_CHARACTERS.search(value) is not None


def validate_no_control_characters(value) -> None:
    if isinstance(value, str) and has_control_characters(value):
        raise ValidationError(control_characters_message(), code="control_characters")


def install() -> None:
    """Add the validator to ``forms.CharField`` and to each subclass (Django's, the installed
    packages') that overrides ``default_validators``, e.g. ``EmailField`` and ``URLField``,
    whose own validators let some control characters through."""
    pending = [forms.CharField]
    while pending:
        field_class = pending.pop()
        pending.extend(field_class.__subclasses__())
        if field_class is not forms.CharField and "default_validators" not in vars(field_class):
            continue  # inherits the list already extended
        if validate_no_control_characters not in field_class.default_validators:
            field_class.default_validators = [
                validate_no_control_characters,
                *field_class.default_validators,
            ]
