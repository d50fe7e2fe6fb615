from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import VOIVODESHIP_ROLES
from accounts.permissions import role_required
from qualification.models import Procedure
from qualification.services.closing import ProcedureError
from qualification.services.manual import qualify_next
from reference.models import Field, Mode
from smk.scoping import get_scoped_object_or_404


@role_required(*VOIVODESHIP_ROLES)
@require_POST
def qualify_next_application(request, pk, field_pk, mode_pk):
    """ "Zakwalifikuj kolejny wniosek" on a ranking list (seed 000 §13)."""
    procedure = get_scoped_object_or_404(Procedure, request, pk=pk)
    field = get_object_or_404(Field, pk=field_pk)
    mode = get_object_or_404(Mode, pk=mode_pk)
    try:
        referral = qualify_next(
            procedure.pk, field.pk, mode.pk, user=request.user, profile=request.profile
        )
    except ProcedureError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _(
                "Zakwalifikowano wniosek %(application)s (%(applicant)s). Utworzono skierowanie "
                "%(number)s w statusie Wersja robocza."
            )
            % {
                "application": referral.application.number,
                "applicant": referral.application.applicant_name,
                "number": referral.number,
            },
        )
    return redirect(
        "qualification:ranking_detail", pk=procedure.pk, field_pk=field.pk, mode_pk=mode.pk
    )


urlpatterns = [
    path(
        "<int:pk>/rankingi/<int:field_pk>/<int:mode_pk>/zakwalifikuj-kolejny/",
        qualify_next_application,
        name="ranking_qualify_next",
    ),
]
