from django.contrib import admin

from referrals.models import Referral


@admin.register(Referral)
class ReferralAdmin(admin.ModelAdmin):
    """Read-only: referrals change only through the state machine's services."""

    list_display = ["number", "voivodeship", "field", "mode", "unit", "status"]
    list_filter = ["status", "voivodeship", "mode", "field"]
    search_fields = ["number"]
    list_select_related = ["voivodeship", "field", "mode", "unit"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
