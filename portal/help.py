"""The help files ("pliki pomocy", seed 002): SMK's manuals, each a page and a PDF.

A manual is a template fragment under ``portal/help/``; the page and the PDF render the same
fragment, so they never say different things.
"""

from dataclasses import dataclass

from django.http import Http404
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Manual:
    slug: str
    title: str
    #: Who it is written for, shown on the list of manuals.
    audience: str

    @property
    def template(self) -> str:
        return f"portal/help/{self.slug}.html"

    @property
    def filename(self) -> str:
        return f"SMK-pomoc-{self.slug}.pdf"


MANUALS = (
    Manual(
        "pierwsze-kroki",
        _("Pierwsze kroki: rejestracja, logowanie i profile"),
        _("dla wszystkich użytkowników"),
    ),
    Manual(
        "wniosek-o-specjalizacje",
        _("Wniosek o rozpoczęcie szkolenia specjalizacyjnego"),
        _("dla diagnostów laboratoryjnych"),
    ),
    Manual(
        "urzad-wojewodzki",
        _("Postępowanie kwalifikacyjne i skierowania"),
        _("dla urzędów wojewódzkich i wojewodów"),
    ),
    Manual(
        "jednostka-szkoleniowa",
        _("Skierowania, akredytacja i EKS w jednostce szkoleniowej"),
        _("dla jednostek szkoleniowych i kierowników specjalizacji"),
    ),
)


def manual(slug: str) -> Manual:
    for candidate in MANUALS:
        if candidate.slug == slug:
            return candidate
    raise Http404
