"""„Wykaz jednostek akredytowanych”: the accreditations in force, with their places, free
places and validity — what applicants consult when they choose their preferred units. Public:
no login, linked from every page's footer, searchable, exported as CSV.

Accreditations in force are public by nature (the published slot lists' precedent), so these
views read them without a profile's scope; they show nothing that is not in force today.
"""

from itertools import chain

from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from django_filters.views import FilterView

from accreditation.filters import InternshipSearchFilter, UnitSearchFilter
from accreditation.models import InternshipAccreditation
from reference.models import Accreditation
from referrals import places
from smk.csv_export import csv_response


def in_force():
    return places.with_free_places(
        Accreditation.objects.active().select_related("unit__voivodeship", "field")
    ).order_by("unit__voivodeship__name", "unit__name", "field__name")


def internships_in_force():
    return (
        InternshipAccreditation.objects.active()
        .select_related("unit__voivodeship", "internship__module__programme__field")
        .order_by("unit__voivodeship__name", "unit__name", "internship__name")
    )


class PublicListView(FilterView):
    filterset_class = UnitSearchFilter
    template_name = "accreditation/public_list.html"
    context_object_name = "accreditations"
    paginate_by = 50

    def get_queryset(self):
        return in_force()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        internships = InternshipSearchFilter(self.request.GET, queryset=internships_in_force())
        context["internships"] = internships.qs[:200]
        context["today"] = timezone.localdate()
        query = self.request.GET.urlencode()
        context["csv_url"] = reverse("accreditation:public_list_csv") + (
            f"?{query}" if query else ""
        )
        return context


CSV_HEADER = (
    "Województwo",
    "Jednostka szkoleniowa",
    "Adres",
    "Akredytacja na",
    "Liczba miejsc",
    "Wolne miejsca",
    "Ważna od",
    "Ważna do",
    "Numer akredytacji",
)


def _row(accreditation) -> list:
    unit = accreditation.unit
    if isinstance(accreditation, InternshipAccreditation):
        subject = _("staż kierunkowy: %(name)s (%(field)s)") % {
            "name": accreditation.internship.name,
            "field": accreditation.field,
        }
        free = ""
    else:
        subject, free = accreditation.field.name, accreditation.free_places
    return [
        unit.voivodeship.name,
        unit.name,
        unit.address,
        subject,
        accreditation.places,
        free,
        f"{accreditation.valid_from:%d.%m.%Y}",
        f"{accreditation.valid_to:%d.%m.%Y}" if accreditation.valid_to else "",
        accreditation.number,
    ]


@require_GET
def public_list_csv(request):
    """The same rows as the page (with its search), every one, as CSV for Excel."""
    fields = UnitSearchFilter(request.GET, queryset=in_force()).qs
    internships = InternshipSearchFilter(request.GET, queryset=internships_in_force()).qs
    return csv_response(
        f"jednostki-akredytowane-{timezone.localdate():%Y-%m-%d}.csv",
        CSV_HEADER,
        chain(fields.iterator(chunk_size=500), internships.iterator(chunk_size=500)),
        _row,
    )


urlpatterns = [
    path("wykaz/", PublicListView.as_view(), name="public_list"),
    path("wykaz/csv/", public_list_csv, name="public_list_csv"),
]
