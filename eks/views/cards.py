"""The cards: the list each profile sees, one card, its history ("Historia EKS"), a
certificate of an entry."""

from django.db.models import CharField, Count, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce, Concat
from django.http import FileResponse, Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET
from django.views.generic import ListView

from accounts.models import Role
from accounts.permissions import RoleRequiredMixin, role_required
from eks.models import Appointment, Card, Entry, only_kierownik
from eks.pdf import card_pdf_response
from eks.statuses import EntryStatus
from eks.views.common import OFFICE, READERS, card_page, get_card, get_entry
from registry.models import EKSStatus
from smk.audit import describe, history
from smk.pagination import DeferredJoinPaginator
from smk.scoping import scoped

#: The list's tabs: "Do weryfikacji" is where the office starts.
TABS = [
    ("", gettext_lazy("Wszystkie")),
    (EKSStatus.OPEN, gettext_lazy("Otwarte")),
    (EKSStatus.SUBMITTED, gettext_lazy("Do weryfikacji")),
    (EKSStatus.VERIFIED, gettext_lazy("Zweryfikowane")),
]


class CardListView(RoleRequiredMixin, ListView):
    """ "Elektroniczna Karta Specjalizacji": the cards of the profile's scope — the
    diagnostician's own, a kierownik's trainees, the unit's, the voivodeship's."""

    roles = READERS
    template_name = "eks/card_list.html"
    context_object_name = "cards"
    paginate_by = 25
    paginator_class = DeferredJoinPaginator

    def status(self) -> str:
        chosen = self.request.GET.get("status")
        if chosen is None and self.request.profile.has_role(*OFFICE):
            return EKSStatus.SUBMITTED  # the office starts with what waits for it
        return chosen if chosen in EKSStatus.values else ""

    def get_queryset(self):
        # Lean rows and subqueries, not joins and a GROUP BY: the office's "Wszystkie" holds
        # every card of the voivodeship, and the page's keys are read first (the paginator).
        current = Appointment.objects.filter(card=OuterRef("pk"), until__isnull=True)
        waiting = (
            Entry.objects.filter(card=OuterRef("pk"), status=EntryStatus.SUBMITTED)
            .values("card")
            .annotate(n=Count("pk"))
            .values("n")
        )
        queryset = (
            scoped(Card.objects.select_related("unit", "field"), self.request)
            .only(
                "number",
                "first_name",
                "last_name",
                "start_date",
                "status",
                "unit__name",
                "field__name",
            )
            .annotate(
                waiting=Coalesce(Subquery(waiting), 0),
                kierownik_name=Subquery(
                    current.annotate(
                        name=Concat(
                            "kierownik__user__first_name",
                            Value(" "),
                            "kierownik__user__last_name",
                            output_field=CharField(),
                        )
                    ).values("name")[:1]
                ),
            )
        )
        if status := self.status():
            queryset = queryset.filter(status=status)
        return queryset.order_by("last_name", "first_name", "pk")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        current = self.status()
        url = reverse("eks:card_list")
        context["tabs"] = [
            {"label": label, "url": f"{url}?status={value}", "current": value == current}
            for value, label in TABS
        ]
        profile = self.request.profile
        context["as_kierownik"] = only_kierownik(profile) or profile.has_role(Role.KIEROWNIK)
        return context


@require_GET
@role_required(*READERS)
def card_detail(request, pk):
    card = get_card(request, pk)
    return render(request, "eks/card_detail.html", card_page(request, card))


#: How the history names the values of its events.
DETAIL_LABELS = {
    "entry": gettext_lazy("Wpis"),
    "entries": gettext_lazy("Wpisy"),
    "place": gettext_lazy("Miejsce odbycia"),
    "count": gettext_lazy("Liczba procedur"),
    "weeks": gettext_lazy("Tygodnie stażu"),
    "reason": gettext_lazy("Powód"),
    "entry_status": gettext_lazy("Status wpisu"),
    "kierownik": gettext_lazy("Kierownik specjalizacji"),
    "previous_kierownik": gettext_lazy("Poprzedni kierownik"),
    "since": gettext_lazy("Od dnia"),
    "register_entry": gettext_lazy("Numer wpisu w rejestrze"),
    "changed_date_from": gettext_lazy("Data rozpoczęcia"),
    "changed_date_to": gettext_lazy("Data zakończenia"),
    "changed_place": gettext_lazy("Miejsce odbycia"),
    "changed_count": gettext_lazy("Liczba procedur"),
    "changed_certificate": gettext_lazy("Zaświadczenie"),
}


def _status_label(value: str) -> str:
    return str(EKSStatus(value).label) if value in EKSStatus.values else (value or "—")


def _details(data: dict) -> list[tuple[str, str]]:
    details = []
    for name, value in data.items():
        text = " → ".join(map(str, value)) if isinstance(value, list) else str(value)
        details.append((str(DETAIL_LABELS.get(name, name)), text))
    return details


@require_GET
@role_required(*READERS)
def card_history(request, pk):
    """ "Historia EKS": every change of the card and its entries, oldest first, with who,
    when, for which institution and what."""
    card = get_card(request, pk)
    events = [
        {
            "at": event.created_at,
            "text": describe(event),
            "person": (event.user.get_full_name() or event.user.email) if event.user else "",
            "acting_as": event.acting_as,
            "old_status": _status_label(event.old_status) if event.old_status else "",
            "new_status": _status_label(event.new_status) if event.new_status else "",
            "details": _details(event.data or {}),
        }
        for event in history(card)
    ]
    return render(request, "eks/history.html", {"card": card, "events": events})


@require_GET
@role_required(*READERS)
def certificate(request, pk):
    """An entry's certificate, only through the scope: whoever sees the card."""
    entry = get_entry(request, pk)
    if not entry.certificate:
        raise Http404
    try:
        handle = entry.certificate.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    ending = ".pdf" if entry.certificate_type == "application/pdf" else ".jpg"
    filename = _("zaswiadczenie-%(number)s-%(pk)s") % {
        "number": entry.card.number.replace("/", "-"),
        "pk": entry.pk,
    }
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=filename + ending,
        content_type=entry.certificate_type or "application/octet-stream",
    )
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
@role_required(*READERS)
def card_pdf(request, pk):
    """ "Pobierz EKS (PDF)": the card with every confirmed element and its confirmations."""
    return card_pdf_response(get_card(request, pk), request=request)
