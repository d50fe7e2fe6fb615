from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from reference.admin import AccreditationAdmin
from reference.models import Accreditation
from referrals import places
from referrals.models import Referral
from smk.admin import ReadOnlyAdmin


@admin.register(Accreditation)
class AccreditationWithPlacesAdmin(AccreditationAdmin):
    """The catalogue's accreditation admin with the free places counted here
    (:mod:`referrals.places`): ``reference`` knows nothing of referrals."""

    list_display = [*AccreditationAdmin.list_display, "free_places"]

    def get_queryset(self, request):
        return places.with_free_places(super().get_queryset(request))

    @admin.display(description=_("wolne miejsca"), ordering="free_places")
    def free_places(self, obj):
        return obj.free_places


@admin.register(Referral)
class ReferralAdmin(ReadOnlyAdmin):
    """Read-only: referrals change only through the state machine's services."""

    list_display = ["number", "voivodeship", "field", "mode", "unit", "status"]
    list_filter = ["status", "voivodeship", "mode", "field"]
    search_fields = ["number"]
    list_select_related = ["voivodeship", "field", "mode", "unit"]
    #: As many rows as the office's list shows (the benchmark compares the two pages).
    list_per_page = 25
