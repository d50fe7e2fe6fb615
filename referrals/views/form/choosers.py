"""Wybierz jednostkę / Wybierz program (seed §6): the choice is not saved, it goes back to the
form in the query string."""

import datetime

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from accounts.permissions import role_required
from reference.models import Accreditation, Programme
from referrals import places, planned_dates
from referrals.forms import EDITABLE_FIELDS
from referrals.views.form.common import (
    OFFICE_ROLES,
    form_url,
    get_referral,
    pending_from_query,
    raw,
    saved_raw,
)
from smk.scoping import scoped
from training.queries import start_days


def _date_or_none(raw: str) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(raw) if raw else None
    except ValueError:
        return None


def _refuse_editing(request, referral):
    messages.error(
        request,
        _("Jednostkę i program można zmieniać tylko w statusie Wersja robocza lub Przydzielone."),
    )
    return redirect("referrals:referral_form", pk=referral.pk)


@require_GET
@role_required(*OFFICE_ROLES)
def referral_choose_unit(request, pk):
    referral = get_referral(request, pk)
    if not referral.can_edit_unit_and_programme:
        return _refuse_editing(request, referral)
    keep = pending_from_query(request)
    accreditations = list(
        places.with_free_places(scoped(Accreditation, request).active())
        .filter(field_id=referral.field_id, unit__voivodeship_id=referral.voivodeship_id)
        .select_related("unit")
        .order_by("unit__name", "unit_id")
    )
    if len(accreditations) == 1:
        unit = accreditations[0].unit
        messages.info(
            request,
            _(
                "W województwie jest jedna jednostka akredytowana w tej dziedzinie — wybrano ją "
                "automatycznie: %(unit)s. Aby zachować wybór, zapisz wersję roboczą."
            )
            % {"unit": unit},
        )
        return redirect(form_url(referral, {**keep, "unit": str(unit.pk)}))
    by_unit = {accreditation.unit_id: accreditation for accreditation in accreditations}
    preferred = [
        {
            "position": preference.position,
            "unit": preference.unit,
            "accreditation": by_unit.get(preference.unit_id),
            "url": form_url(referral, {**keep, "unit": str(preference.unit_id)}),
        }
        for preference in referral.application.preferred_units.select_related("unit").order_by(
            "position"
        )
    ]
    units = [
        {
            "unit": accreditation.unit,
            "accreditation": accreditation,
            "url": form_url(referral, {**keep, "unit": str(accreditation.unit_id)}),
        }
        for accreditation in accreditations
    ]
    return render(
        request,
        "referrals/form/choose_unit.html",
        {
            "referral": referral,
            "preferred": preferred,
            "units": units,
            "current_unit_id": keep.get("unit", raw(referral.unit)),
            "back_url": form_url(referral, keep),
        },
    )


@require_GET
@role_required(*OFFICE_ROLES)
def referral_choose_programme(request, pk):
    referral = get_referral(request, pk)
    if not referral.can_edit_unit_and_programme:
        return _refuse_editing(request, referral)
    keep = pending_from_query(request)
    saved = saved_raw(referral)
    current = {name: keep.get(name, saved[name]) for name in EDITABLE_FIELDS}
    start = _date_or_none(current["planned_start"])
    # The unit's schedule in the field: its next start there is the start proposed.
    unit_id = current["unit"]
    scheduled = start_days(int(unit_id), referral.field_id) if unit_id.isdigit() else []
    programmes = list(
        Programme.objects.in_force()
        .filter(field_id=referral.field_id, mode_id=referral.mode_id)
        .order_by("name", "pk")
    )

    def choice_url(programme):
        # Seed §6.2: the planned end comes from the programme. A start already given stays;
        # so does the end, unless another programme is chosen.
        pending = {**keep, "programme": str(programme.pk)}
        if start is None:
            proposed, end = planned_dates.proposed_dates(
                referral.session, programme, scheduled=scheduled
            )
            pending |= {"planned_start": proposed.isoformat(), "planned_end": end.isoformat()}
        elif str(programme.pk) != current["programme"] or not current["planned_end"]:
            pending["planned_end"] = programme.planned_end_from(start).isoformat()
        return form_url(referral, pending)

    if len(programmes) == 1:
        messages.info(
            request,
            _(
                "Dla dziedziny i trybu skierowania obowiązuje jeden program — wybrano go "
                "automatycznie: %(programme)s. Aby zachować wybór, zapisz wersję roboczą."
            )
            % {"programme": programmes[0]},
        )
        return redirect(choice_url(programmes[0]))
    return render(
        request,
        "referrals/form/choose_programme.html",
        {
            "referral": referral,
            "programmes": [
                {
                    "programme": p,
                    "url": choice_url(p),
                    "current": str(p.pk) == current["programme"],
                }
                for p in programmes
            ],
            "back_url": form_url(referral, keep),
        },
    )
