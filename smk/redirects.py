"""Where a "back" link or a redirect may lead: only to this site (no open redirect)."""

from django.utils.http import url_has_allowed_host_and_scheme


def safe_local_url(request, url, default: str = "") -> str:
    """``url`` when it leads to this site (its host, not from HTTPS to HTTP), else ``default``."""
    if (
        isinstance(url, str)
        and url
        and url_has_allowed_host_and_scheme(
            url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
    ):
        return url
    return default


def next_url(request, default: str = "") -> str:
    """The ``next`` parameter (form, then query string) when it leads to this site."""
    return safe_local_url(request, request.POST.get("next") or request.GET.get("next"), default)
