"""Helpers shared by the accounts views.

A person's own role requests, batches and profiles are reached through ``own_*`` below,
not through the active profile's scope: someone with no usable profile yet (the usual case
for a requester) must still see and act on their own requests. Another person's row is not
in these querysets, so its URL answers 404, as with :func:`smk.scoping.scoped`.
"""

from dataclasses import dataclass, field

from django.core.paginator import Page, Paginator
from django.http import Http404

from accounts.models import Profile, RoleRequest, RoleRequestAttachment, RoleRequestBatch


def own_requests(request):
    return RoleRequest.objects.of_requester(request.user)


def own_batches(request):
    return RoleRequestBatch.objects.filter(user=request.user)


def own_attachments(request):
    return RoleRequestAttachment.objects.filter(batch__user=request.user)


def own_profiles(request):
    return Profile.objects.filter(user=request.user)


def get_own_or_404(queryset, **lookup):
    try:
        return queryset.get(**lookup)
    except (queryset.model.DoesNotExist, ValueError):
        raise Http404 from None


@dataclass
class SortOption:
    value: str
    label: str
    url: str
    current: bool


@dataclass
class Section:
    """One sortable, paginated list of "Moje konto" (its own query parameters)."""

    key: str
    page_obj: Page
    sort_options: list[SortOption] = field(default_factory=list)
    #: "Pokaż na stronie": (size, url, current).
    page_sizes: list[SortOption] = field(default_factory=list)
    previous_url: str = ""
    next_url: str = ""


#: "Pokaż na stronie" of the "Moje konto" lists (the first is the default).
PAGE_SIZES = (5, 10, 20)


def build_section(request, key, queryset, sorts, *, default) -> Section:
    """``sorts`` maps a sort value to (label, ordering); ``{key}_na_stronie`` picks the page
    size among :data:`PAGE_SIZES`."""
    sort = request.GET.get(f"{key}_sort", default)
    if sort not in sorts:
        sort = default
    size = request.GET.get(f"{key}_na_stronie", "")
    per_page = int(size) if size.isdigit() and int(size) in PAGE_SIZES else PAGE_SIZES[0]
    paginator = Paginator(queryset.order_by(*sorts[sort][1]), per_page)
    page = paginator.get_page(request.GET.get(f"{key}_strona"))

    def url(**changes):
        query = request.GET.copy()
        for name, value in changes.items():
            query[name] = value
        return f"?{query.urlencode()}#{key}"

    return Section(
        key=key,
        page_obj=page,
        sort_options=[
            SortOption(
                value, label, url(**{f"{key}_sort": value, f"{key}_strona": 1}), value == sort
            )
            for value, (label, _ordering) in sorts.items()
        ],
        page_sizes=[
            SortOption(
                str(n), str(n), url(**{f"{key}_na_stronie": n, f"{key}_strona": 1}), n == per_page
            )
            for n in PAGE_SIZES
        ],
        previous_url=url(**{f"{key}_strona": page.previous_page_number()})
        if page.has_previous()
        else "",
        next_url=url(**{f"{key}_strona": page.next_page_number()}) if page.has_next() else "",
    )
