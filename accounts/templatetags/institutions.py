"""``{% load institutions %}``: a profile's institution by name, for the templates.

A filter rather than a property of ``Profile``, so the model does not import
:mod:`accounts.institutions`, which imports the model (no circle inside the app).
"""

from django import template

from accounts.institutions import institution_label, institution_of_profile

register = template.Library()
register.filter("institution_label", institution_label)
#: ``{{ profile|institution }}``: the :class:`~accounts.institutions.Institution` (NIP, REGON…).
register.filter("institution", institution_of_profile)
