"""The main menu, assembled from what each app contributes.

An app lists its entries in ``AppConfig.menu``; an entry is shown to a profile holding one of
its roles (an empty ``roles`` means every logged-in person). Adding a section never means
editing the base layout.
"""

from dataclasses import dataclass, field

from django.apps import apps
from django.urls import reverse


@dataclass(frozen=True)
class MenuEntry:
    label: str
    url_name: str
    order: int
    roles: frozenset[str] = field(default_factory=frozenset)
    #: URL prefixes under which this entry is highlighted as the current section.
    section: str = ""


def menu_for(request):
    profile = getattr(request, "profile", None)
    if profile is None:
        entries = []
    else:
        entries = [
            entry
            for config in apps.get_app_configs()
            for entry in getattr(config, "menu", ())
            if not entry.roles or profile.has_role(*entry.roles)
        ]
    items = []
    for entry in sorted(entries, key=lambda e: e.order):
        url = reverse(entry.url_name)
        items.append({"label": entry.label, "url": url, "section": entry.section or url})
    # Only the most specific section containing the page is the current one
    # ("/skierowania/do-obsluzenia/" wins over "/skierowania/").
    matching = [item for item in items if request.path.startswith(item["section"])]
    current = max(matching, key=lambda item: len(item["section"]), default=None)
    for item in items:
        item["current"] = item is current
    return items
