"""Szkolenie w jednostce: the screens on which a training unit's staff do what a unit's own
system does through the API (the seed 004 operations), for units without such a system.

Every screen works on the staff's own unit, reached through the scoped queryset of the
catalogue (another unit is never in it); the writes are :mod:`training.services`.
"""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from accounts.models import Role
from accounts.permissions import role_required
from reference.models import TrainingUnit
from smk.audit import describe, history
from smk.csv_export import csv_response
from smk.scoping import get_scoped_object_or_404, scoped
from training import capacity, services
from training.forms import (
    CSV_HEADER,
    ContactForm,
    OfferedPlacesForm,
    RemoveStartForm,
    StartForm,
    TraineeFileForm,
    listed,
)
from training.models import OfferedPlaces, ScheduledStart, Trainee, UnitContact

TABS = (
    ("training:integration", gettext_lazy("Integracja")),
    ("training:contact", gettext_lazy("Dane jednostki")),
    ("training:schedule", gettext_lazy("Harmonogram rozpoczęć")),
    ("training:trainees", gettext_lazy("Osoby w trakcie szkolenia")),
    ("training:offered_places", gettext_lazy("Miejsca oferowane")),
)

unit_staff_only = role_required(Role.UNIT_STAFF)


def _own_unit(request) -> TrainingUnit:
    return get_scoped_object_or_404(
        TrainingUnit.objects.select_related("voivodeship"), request, pk=request.profile.unit_id
    )


def _render(request, template, current, context):
    tabs = [
        {"label": label, "url": reverse(name), "current": name == current} for name, label in TABS
    ]
    return render(request, template, {"tabs": tabs, **context})


def _refused(form, error: services.TrainingError):
    """Put a service's refusal next to the form's fields (or above them)."""
    for name, message in error.field_errors.items():
        form.add_error(name if name in form.fields else None, message)
    if error.message:
        form.add_error(None, error.message)


# ---- Integracja -----------------------------------------------------------------------------


@unit_staff_only
def integration(request):
    unit = _own_unit(request)
    status = services.integration_status(unit.pk)
    return _render(
        request,
        "training/integration.html",
        "training:integration",
        {
            "unit": unit,
            "status": status,
            "steps": [
                (_("Dane jednostki"), scoped(UnitContact, request).exists()),
                (
                    _("Harmonogram rozpoczęć"),
                    scoped(ScheduledStart, request).count(),
                ),
                (
                    _("Osoby w trakcie szkolenia"),
                    scoped(Trainee, request).holding_place().count(),
                ),
                (_("Miejsca oferowane"), scoped(OfferedPlaces, request).count()),
            ],
            "events": [
                (event, describe(event))
                for event in history(unit).filter(action__startswith="training.")[:50]
            ],
        },
    )


@require_POST
@unit_staff_only
def activate(request):
    unit = _own_unit(request)
    try:
        services.activate(unit.pk, user=request.user, profile=request.profile)
    except services.TrainingError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Integracja jednostki jest aktywna."))
    return redirect("training:integration")


# ---- Dane jednostki -------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@unit_staff_only
def contact(request):
    unit = _own_unit(request)
    current = scoped(UnitContact, request).first()
    initial = (
        {
            "contact_person": current.contact_person,
            "phone": current.phone,
            "email": current.email,
            "notification_emails": "\n".join(current.notification_emails),
        }
        if current
        else {"phone": unit.phone, "email": unit.email}
    )
    form = ContactForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_contact(
                unit.pk, **form.cleaned_data, user=request.user, profile=request.profile
            )
        except services.TrainingError as error:
            _refused(form, error)
        else:
            messages.success(request, _("Zapisano dane jednostki."))
            return redirect("training:contact")
    return _render(
        request,
        "training/contact.html",
        "training:contact",
        {"unit": unit, "form": form, "contact": current},
    )


# ---- Harmonogram rozpoczęć ------------------------------------------------------------------


#: The schedule's row fields → the fields of "Dodaj termin".
START_FIELDS = {"field": "field", "date": "starts_on", "places": "places"}


def _start_rows(starts):
    return [
        services.StartRow(i, s.field.code, s.starts_on, s.places) for i, s in enumerate(starts, 1)
    ]


@require_http_methods(["GET", "POST"])
@unit_staff_only
def schedule(request):
    """The schedule, "Dodaj termin" (POST) and "Usuń" (POST to ``schedule_remove``)."""
    unit = _own_unit(request)
    accreditations = services.active_accreditations(unit.pk)
    starts = list(scoped(ScheduledStart, request).select_related("field"))
    form = StartForm(
        request.POST if request.method == "POST" else None, accreditations=accreditations
    )
    if request.method == "POST" and form.is_valid():
        new = services.StartRow(
            len(starts) + 1,
            form.cleaned_data["field"],
            form.cleaned_data["starts_on"],
            form.cleaned_data["places"],
        )
        try:
            services.save_schedule(
                unit.pk, [*_start_rows(starts), new], user=request.user, profile=request.profile
            )
        except services.TrainingError as error:
            for problem in error.row_errors:
                if problem.row == new.row:
                    form.add_error(START_FIELDS.get(problem.field), problem.message)
                else:
                    form.add_error(
                        None,
                        _("Termin zapisany wcześniej (%(n)d. w harmonogramie): %(message)s")
                        % {"n": problem.row, "message": problem.message},
                    )
            if error.message:
                form.add_error(None, error.message)
        else:
            messages.success(request, _("Dodano termin rozpoczęcia szkolenia."))
            return redirect("training:schedule")
    return _render(
        request,
        "training/schedule.html",
        "training:schedule",
        {"unit": unit, "form": form, "starts": starts, "accreditations": accreditations},
    )


@require_POST
@unit_staff_only
def schedule_remove(request):
    unit = _own_unit(request)
    form = RemoveStartForm(request.POST)
    starts = list(scoped(ScheduledStart, request).select_related("field"))
    wanted = form.cleaned_data["start"] if form.is_valid() else None
    if wanted not in {s.pk for s in starts}:
        messages.error(request, _("Tego terminu nie ma już w harmonogramie."))
        return redirect("training:schedule")
    try:
        services.save_schedule(
            unit.pk,
            _start_rows([s for s in starts if s.pk != wanted]),
            user=request.user,
            profile=request.profile,
        )
    except services.TrainingError as error:
        messages.error(request, error.message or "; ".join(e.message for e in error.row_errors))
    else:
        messages.success(request, _("Usunięto termin z harmonogramu."))
    return redirect("training:schedule")


# ---- Osoby w trakcie szkolenia --------------------------------------------------------------


def _field_codes(accreditations) -> dict[str, str]:
    codes = {}
    for code, accreditation in accreditations.items():
        codes[code.lower()] = code
        codes[accreditation.field.name.lower()] = code
    return codes


@require_http_methods(["GET", "POST"])
@unit_staff_only
def trainees(request):
    """The unit's trainees, and the initial load as a CSV file: all rows or none."""
    unit = _own_unit(request)
    accreditations = services.active_accreditations(unit.pk)
    form = TraineeFileForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
        field_codes=_field_codes(accreditations),
    )
    if request.method == "POST" and form.is_valid():
        try:
            result = services.load_trainees(
                unit.pk, form.rows, user=request.user, profile=request.profile
            )
        except services.TrainingError as error:
            for message in [error.message] if error.message else listed(error.row_errors):
                form.add_error("file", message)
        else:
            messages.success(
                request,
                _(
                    "Zasilenie przyjęte: nowych osób %(created)d, zmienionych %(updated)d, "
                    "bez zmian %(unchanged)d. Nic nie zostało pominięte."
                )
                % vars(result),
            )
            return redirect("training:trainees")
    rows = scoped(Trainee, request).select_related("field")
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    return _render(
        request,
        "training/trainees.html",
        "training:trainees",
        {
            "unit": unit,
            "form": form,
            "page_obj": page,
            "trainees": page.object_list,
            "in_training": scoped(Trainee, request).holding_place().count(),
            "header": ";".join(CSV_HEADER),
            "accreditations": sorted(accreditations.items(), key=lambda i: i[1].field.name),
        },
    )


@unit_staff_only
def trainees_csv(request):
    """The unit's trainees in the load's own format: edit it and load it again."""
    unit = _own_unit(request)
    rows = scoped(Trainee, request).select_related("field").order_by("field__code", "pesel")
    return csv_response(
        f"osoby-w-trakcie-szkolenia-{unit.pk}.csv",
        CSV_HEADER,
        rows,
        lambda t: [
            t.pesel,
            t.field.code,
            t.started_on.isoformat(),
            t.ended_on.isoformat() if t.ended_on else "",
        ],
    )


# ---- Miejsca oferowane ----------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@unit_staff_only
def offered_places(request):
    unit = _own_unit(request)
    accreditations = services.active_accreditations(unit.pk)
    current = {o.field.code: o for o in scoped(OfferedPlaces, request).select_related("field")}
    form = OfferedPlacesForm(
        request.POST if request.method == "POST" else None,
        accreditations=accreditations,
        offered={code: o.places for code, o in current.items()},
    )
    if request.method == "POST" and form.is_valid():
        offers = [
            services.OfferRow(i, code, n) for i, (code, n) in enumerate(form.offers().items(), 1)
        ]
        try:
            services.save_offered_places(
                unit.pk, offers, user=request.user, profile=request.profile
            )
        except services.TrainingError as error:
            by_row = {offer.row: form.field_name(offer.field) for offer in offers}
            for row_error in error.row_errors:
                form.add_error(by_row.get(row_error.row), row_error.message)
            if error.message:
                form.add_error(None, error.message)
        else:
            messages.success(request, _("Zapisano miejsca oferowane na najbliższą sesję."))
            return redirect("training:offered_places")
    rows = [
        {
            "accreditation": accreditation,
            "free": capacity.free_places(accreditation),
            "input": form[name],
            "updated_at": current[code].updated_at if code in current else None,
        }
        for code, accreditation, name in form.rows
    ]
    return _render(
        request,
        "training/offered_places.html",
        "training:offered_places",
        {"unit": unit, "form": form, "rows": rows},
    )


app_name = "training"

urlpatterns = [
    path("", integration, name="integration"),
    path("aktywuj/", activate, name="activate"),
    path("dane/", contact, name="contact"),
    path("harmonogram/", schedule, name="schedule"),
    path("harmonogram/usun/", schedule_remove, name="schedule_remove"),
    path("osoby/", trainees, name="trainees"),
    path("osoby/osoby.csv", trainees_csv, name="trainees_csv"),
    path("miejsca/", offered_places, name="offered_places"),
]
