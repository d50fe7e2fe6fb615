from django.urls import path

from eks.views import card_actions, cards, entries

app_name = "eks"

urlpatterns = [
    path("", cards.CardListView.as_view(), name="card_list"),
    path("do-potwierdzenia/", entries.queue, name="queue"),
    path("<int:pk>/", cards.card_detail, name="card_detail"),
    path("<int:pk>/historia/", cards.card_history, name="card_history"),
    path("<int:pk>/pdf/", cards.card_pdf, name="card_pdf"),
    path("<int:pk>/wpisy/dodaj/", entries.entry_add, name="entry_add"),
    path("<int:pk>/przekaz/", entries.entries_submit, name="entries_submit"),
    path("<int:pk>/potwierdz/", entries.entries_confirm, name="entries_confirm"),
    path("<int:pk>/plan/", card_actions.plan, name="plan"),
    path("<int:pk>/kierownik/", card_actions.appoint, name="appoint"),
    path(
        "<int:pk>/zakonczenie/",
        card_actions.complete,
        {"decision": card_actions.COMPLETE},
        name="complete",
    ),
    path(
        "<int:pk>/weryfikacja/",
        card_actions.verify,
        {"decision": card_actions.VERIFY},
        name="verify",
    ),
    path(
        "<int:pk>/zwrot/",
        card_actions.give_back,
        {"decision": card_actions.RETURN},
        name="return",
    ),
    path("wpisy/<int:pk>/popraw/", entries.entry_edit, name="entry_edit"),
    path("wpisy/<int:pk>/usun/", entries.entry_delete, name="entry_delete"),
    path("wpisy/<int:pk>/odrzuc/", entries.entry_reject, name="entry_reject"),
    path("wpisy/<int:pk>/zaswiadczenie/", cards.certificate, name="certificate"),
]
