from django.contrib import admin

from referrals.models import Referral
from smk.admin import ReadOnlyAdmin


@admin.register(Referral)
class ReferralAdmin(ReadOnlyAdmin):
    """Read-only: referrals change only through the state machine's services."""

    list_display = ["number", "voivodeship", "field", "mode", "unit", "status"]
    list_filter = ["status", "voivodeship", "mode", "field"]
    search_fields = ["number"]
    list_select_related = ["voivodeship", "field", "mode", "unit"]
