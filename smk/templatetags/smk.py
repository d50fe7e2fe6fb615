from django import template
from django.conf import settings

register = template.Library()


@register.simple_tag(takes_context=True)
def query_replace(context, **changes):
    """The current query string with some parameters replaced (keeps filters when paging)."""
    query = context["request"].GET.copy()
    for key, value in changes.items():
        query[key] = value
    return query.urlencode()


@register.simple_tag
def site_name():
    """The installation's name (``SITE_NAME``), for pages and e-mails alike."""
    return settings.SITE_NAME
