"""The accrediting body's screens on requests: the queue "Wnioski o akredytację" with its
filters, a request, and the decisions "Udziel akredytacji", "Odmów", "Wezwij do
uzupełnienia". The body sees every unit's request once submitted, and nothing of referrals.
"""

from django.db.models import Case, IntegerField, Value, When
from django.urls import path, reverse
from django.utils.translation import gettext_lazy
from django_filters.views import FilterView

from accounts.models import Role
from accounts.permissions import RoleRequiredMixin, role_required
from accreditation.filters import RequestFilter
from accreditation.forms import AskToCompleteForm, GrantForm, RefuseForm
from accreditation.models import AccreditationRequest, RequestStatus
from accreditation.services import decisions
from accreditation.views.common import Action, ActionView, request_page
from smk.scoping import get_scoped_object_or_404, scoped

BODY = (Role.ACCREDITATION,)

GRANT = Action(
    transition="grant",
    form_class=GrantForm,
    service=decisions.grant,
    heading=gettext_lazy("Udzielenie akredytacji"),
    intro=gettext_lazy(
        "Akredytacja obowiązuje od razu w podanym okresie: jej miejsca szkoleniowe widzą "
        "urzędy wojewódzkie przy przydzielaniu skierowań i wnioskodawcy w wykazie jednostek "
        "akredytowanych. Można udzielić mniej miejsc, niż wnioskuje jednostka."
    ),
    submit=gettext_lazy("Udziel akredytacji"),
    success=gettext_lazy("Udzielono akredytacji. Jednostka zostanie powiadomiona e-mailem."),
)
REFUSE = Action(
    transition="refuse",
    form_class=RefuseForm,
    service=decisions.refuse,
    heading=gettext_lazy("Odmowa udzielenia akredytacji"),
    intro=gettext_lazy("Podaj uzasadnienie odmowy. Jednostka zostanie powiadomiona e-mailem."),
    submit=gettext_lazy("Odmów"),
    success=gettext_lazy("Odmówiono udzielenia akredytacji."),
    danger=True,
)
ASK = Action(
    transition="ask_to_complete",
    form_class=AskToCompleteForm,
    service=decisions.ask_to_complete,
    heading=gettext_lazy("Wezwanie do uzupełnienia wniosku"),
    intro=gettext_lazy(
        "Wniosek wróci do jednostki, która może go poprawić i złożyć ponownie. Do upływu "
        "terminu uzupełnienia nie można odmówić akredytacji."
    ),
    submit=gettext_lazy("Wezwij do uzupełnienia"),
    success=gettext_lazy("Wezwano jednostkę do uzupełnienia wniosku."),
)

#: The decision pages by transition, in the order of the buttons.
DECISIONS = {
    GRANT.transition: ("accreditation:grant", GRANT),
    ASK.transition: ("accreditation:ask_to_complete", ASK),
    REFUSE.transition: ("accreditation:refuse", REFUSE),
}


def _request(request, pk):
    return get_scoped_object_or_404(
        AccreditationRequest.objects.select_related(
            "unit__voivodeship", "field", "programme__mode", "internship", "accreditation"
        ),
        request,
        pk=pk,
    )


class QueueView(RoleRequiredMixin, FilterView):
    """ "Wnioski o akredytację": waiting ones first (oldest first), then the rest."""

    roles = BODY
    filterset_class = RequestFilter
    template_name = "accreditation/body/queue.html"
    context_object_name = "requests"
    paginate_by = 25

    def get_queryset(self):
        waiting_first = Case(
            When(status=RequestStatus.SUBMITTED, then=Value(0)),
            When(status=RequestStatus.TO_COMPLETE, then=Value(1)),
            default=Value(2),
            output_field=IntegerField(),
        )
        return (
            scoped(AccreditationRequest, self.request)
            .select_related("unit__voivodeship", "field", "internship")
            .order_by(waiting_first, "submitted_at", "pk")
        )


@role_required(*BODY)
def request_detail(request, pk):
    accreditation_request = _request(request, pk)
    open_now = {
        transition.name
        for transition in accreditation_request.get_available_user_status_transitions(
            request.profile
        )
    }
    buttons = [
        {"label": action.submit, "url": reverse(url_name, args=[pk]), "danger": action.danger}
        for name, (url_name, action) in DECISIONS.items()
        if name in open_now
    ]
    return request_page(request, accreditation_request, for_body=True, decisions=buttons)


class DecisionView(ActionView):
    roles = BODY
    template_name = "accreditation/body/decision.html"

    def get_object(self, pk):
        return _request(self.request, pk)

    def detail_url(self, obj) -> str:
        return reverse("accreditation:request_detail", args=[obj.pk])

    def context(self, obj) -> dict:
        return {"accreditation_request": obj}


class GrantView(DecisionView):
    action = GRANT

    def get(self, request, pk):
        obj = self.get_object(pk)
        if not self._open(obj):
            return self._not_open(obj)
        # The places asked for, as the body usually grants them.
        form = GRANT.form_class(initial={"version": obj.version, "places": obj.places_requested})
        return self._render(obj, form)


urlpatterns = [
    path("wnioski/", QueueView.as_view(), name="queue"),
    path("wnioski/<int:pk>/", request_detail, name="request_detail"),
    path("wnioski/<int:pk>/udziel/", GrantView.as_view(), name="grant"),
    path("wnioski/<int:pk>/odmow/", DecisionView.as_view(action=REFUSE), name="refuse"),
    path(
        "wnioski/<int:pk>/uzupelnienie/",
        DecisionView.as_view(action=ASK),
        name="ask_to_complete",
    ),
]
