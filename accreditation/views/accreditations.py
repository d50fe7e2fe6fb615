"""Granted accreditations: the accrediting body's list, one accreditation's page with its
places, who holds them and its whole history (requested, granted, changed, suspended,
withdrawn), and the body's later decisions on it. The unit's staff open their own
accreditations' pages too (read-only)."""

from django.core.exceptions import ObjectDoesNotExist
from django.shortcuts import render
from django.urls import path, register_converter, reverse
from django.utils.translation import gettext_lazy
from django_filters.views import FilterView

from accounts.models import Role
from accounts.permissions import RoleRequiredMixin, role_required
from accreditation.filters import AccreditationFilter, InternshipAccreditationFilter
from accreditation.forms import PlacesForm, ResumeForm, StopForm
from accreditation.models import InternshipAccreditation
from accreditation.notifications import kind_of
from accreditation.services import changes
from accreditation.views.common import Action, ActionView, event_rows
from reference.models import Accreditation
from referrals import places
from smk.scoping import Scope, get_scoped_object_or_404, scoped

BODY = (Role.ACCREDITATION,)

#: The URL's ``kind`` segment → the model: an accreditation of a field or of an internship.
MODELS = {"dziedzina": Accreditation, "staz": InternshipAccreditation}


class KindConverter:
    regex = "dziedzina|staz"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(KindConverter, "accreditation_kind")


def get_accreditation(request, kind, pk):
    model = MODELS[kind]
    related = ("field",) if model is Accreditation else ("internship__module__programme__field",)
    return get_scoped_object_or_404(
        model.objects.select_related("unit__voivodeship", *related), request, pk=pk
    )


def accreditation_url(accreditation, *, for_unit=False) -> str:
    name = "unit_accreditation_detail" if for_unit else "accreditation_detail"
    return reverse(f"accreditation:{name}", args=[kind_of(accreditation), accreditation.pk])


class AccreditationListView(RoleRequiredMixin, FilterView):
    """ "Akredytacje": every unit's accreditations of a field, with places and free places;
    the internships' below."""

    roles = BODY
    filterset_class = AccreditationFilter
    template_name = "accreditation/body/accreditation_list.html"
    context_object_name = "accreditations"
    paginate_by = 25

    def get_queryset(self):
        return places.with_free_places(
            scoped(Accreditation, self.request).select_related("unit__voivodeship", "field")
        ).order_by("unit__name", "field__name", "-valid_from")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        internships = InternshipAccreditationFilter(
            self.request.GET,
            queryset=scoped(InternshipAccreditation, self.request).select_related(
                "unit__voivodeship", "internship__module__programme__field"
            ),
        )
        context["internships"] = internships.qs.order_by("unit__name", "-valid_from")[:100]
        return context


def _request_of(accreditation):
    try:
        return accreditation.request
    except ObjectDoesNotExist:
        return None  # typed in by the administrator before the procedure existed


ACTION_URLS = {
    "places": "accreditation:change_places",
    "suspend": "accreditation:suspend",
    "resume": "accreditation:resume",
    "withdraw": "accreditation:withdraw",
}


def _detail(request, kind, pk):
    accreditation = get_accreditation(request, kind, pk)
    profile = request.profile
    for_body = profile.scope[0] == Scope.ACCREDITATION
    held = trainees = 0
    holders = []
    if isinstance(accreditation, Accreditation):
        trainees = places.trainees_holding(accreditation).count()
        holders = list(places.holders(accreditation).order_by("number"))
        held = len(holders) + trainees
    transitions = sorted(
        accreditation.get_available_user_status_transitions(profile),
        key=lambda t: t.custom.get("order", 0),
    )
    accreditation_request = _request_of(accreditation)
    return render(
        request,
        "accreditation/accreditation_detail.html",
        {
            "accreditation": accreditation,
            "kind": kind,
            "accreditation_request": accreditation_request,
            "held": held,
            "free": accreditation.places - held,
            "trainees": trainees,
            # Which referrals hold the places: the body's to know (it decides on them); the
            # unit sees only what was sent to it, so it gets the numbers, not the list.
            "holders": holders if for_body else None,
            "for_body": for_body,
            "buttons": [
                {
                    "label": t.custom["label"],
                    "url": reverse(ACTION_URLS[t.custom["action"]], args=[kind, pk]),
                    "danger": t.custom["action"] == "withdraw",
                }
                for t in transitions
            ],
            "events": event_rows(accreditation_request, accreditation),
        },
    )


@role_required(*BODY)
def accreditation_detail(request, kind, pk):
    return _detail(request, kind, pk)


@role_required(Role.UNIT_STAFF)
def unit_accreditation_detail(request, kind, pk):
    return _detail(request, kind, pk)


class ChangeView(ActionView):
    roles = BODY
    template_name = "accreditation/body/change.html"

    def get_object(self, kind, pk):
        return get_accreditation(self.request, kind, pk)

    def detail_url(self, obj) -> str:
        return accreditation_url(obj)

    def perform(self, obj, version, data):
        return self.action.service(
            type(obj),
            obj.pk,
            version=version,
            user=self.request.user,
            profile=self.request.profile,
            **data,
        )

    def context(self, obj) -> dict:
        held = places.held_places(obj) if isinstance(obj, Accreditation) else 0
        return {"accreditation": obj, "held": held}


PLACES = Action(
    transition="change_places",
    form_class=PlacesForm,
    service=changes.change_places,
    heading=gettext_lazy("Zmiana liczby miejsc szkoleniowych"),
    intro=gettext_lazy(
        "Liczby miejsc nie można zmniejszyć poniżej miejsc zajętych przez skierowania "
        "i osoby w trakcie szkolenia."
    ),
    submit=gettext_lazy("Zmień liczbę miejsc"),
    success=gettext_lazy("Zmieniono liczbę miejsc szkoleniowych."),
)
SUSPEND = Action(
    transition="suspend",
    form_class=StopForm,
    service=changes.suspend,
    heading=gettext_lazy("Zawieszenie akredytacji"),
    intro=gettext_lazy(
        "Od podanego dnia nie można przydzielać do jednostki nowych skierowań; skierowania "
        "już przydzielone zachowują swoje miejsca. Urząd wojewódzki i jednostka zostaną "
        "powiadomieni e-mailem."
    ),
    submit=gettext_lazy("Zawieś"),
    success=gettext_lazy("Akredytacja została zawieszona."),
    danger=True,
)
RESUME = Action(
    transition="resume",
    form_class=ResumeForm,
    service=changes.resume,
    heading=gettext_lazy("Uchylenie zawieszenia akredytacji"),
    intro=gettext_lazy("Akredytacja będzie od dziś ponownie w mocy."),
    submit=gettext_lazy("Uchyl zawieszenie"),
    success=gettext_lazy("Uchylono zawieszenie akredytacji."),
)
WITHDRAW = Action(
    transition="withdraw",
    form_class=StopForm,
    service=changes.withdraw,
    heading=gettext_lazy("Cofnięcie akredytacji"),
    intro=gettext_lazy(
        "Cofnięcia nie można odwołać. Od podanego dnia nie można przydzielać do jednostki "
        "nowych skierowań; skierowania już przydzielone zachowują swoje miejsca. Urząd "
        "wojewódzki i jednostka zostaną powiadomieni e-mailem."
    ),
    submit=gettext_lazy("Cofnij akredytację"),
    success=gettext_lazy("Akredytacja została cofnięta."),
    danger=True,
)

PREFIX = "akredytacje/<accreditation_kind:kind>/<int:pk>/"

urlpatterns = [
    path("akredytacje/", AccreditationListView.as_view(), name="accreditation_list"),
    path(PREFIX, accreditation_detail, name="accreditation_detail"),
    path(PREFIX + "miejsca/", ChangeView.as_view(action=PLACES), name="change_places"),
    path(PREFIX + "zawies/", ChangeView.as_view(action=SUSPEND), name="suspend"),
    path(PREFIX + "uchyl-zawieszenie/", ChangeView.as_view(action=RESUME), name="resume"),
    path(PREFIX + "cofnij/", ChangeView.as_view(action=WITHDRAW), name="withdraw"),
    path("jednostka/" + PREFIX, unit_accreditation_detail, name="unit_accreditation_detail"),
]
