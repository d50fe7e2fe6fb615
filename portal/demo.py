"""Demo announcements for the start page; running it again adds nothing."""

import datetime

from django.utils import timezone

from portal.models import Announcement

#: (days before today, title, body)
DEMO_ANNOUNCEMENTS = [
    (
        2,
        "Przyjmowanie wniosków w sesji jesiennej",
        "Wnioski o rozpoczęcie szkolenia specjalizacyjnego w sesji jesiennej składa się "
        "elektronicznie w terminie podanym na stronie startowej w „Sesje otwarte teraz”.\n\n"
        "Generowanie wniosku należy rozpocząć z odpowiednim wyprzedzeniem czasowym, potrzebnym "
        "do wprowadzenia do systemu wszystkich wymaganych danych.",
    ),
    (
        10,
        "Wiadomości z linkiem aktywacyjnym",
        "Zgłaszane są przypadki, gdy wiadomość z linkiem aktywacyjnym do konta trafia do folderu "
        "z niechcianą pocztą (Spam). Prosimy o sprawdzanie tego folderu.",
    ),
]


def seed() -> list[str]:
    today = timezone.localdate()
    made = 0
    for days, title, body in DEMO_ANNOUNCEMENTS:
        _announcement, created = Announcement.objects.get_or_create(
            title=title,
            defaults={"body": body, "published_on": today - datetime.timedelta(days=days)},
        )
        made += created
    return [f"Start page announcements: {made} added."] if made else []
