"""The register and the EKS cards in the admin: read-only, like everywhere else (append-only)."""

from django.contrib import admin

from registry.models import EKS, RegisterEntry
from smk.admin import ReadOnlyAdmin


@admin.register(RegisterEntry)
class RegisterEntryAdmin(ReadOnlyAdmin):
    list_display = [
        "number",
        "entry_date",
        "kind",
        "last_name",
        "first_name",
        "pesel",
        "field",
        "unit",
        "voivodeship",
        "referral",
        "created_by",
    ]
    list_filter = ["kind", "entry_date", "voivodeship", "field"]
    search_fields = ["number", "last_name", "pesel", "referral__number"]
    list_select_related = ["field", "unit", "voivodeship", "referral", "created_by"]
    date_hierarchy = "entry_date"


@admin.register(EKS)
class EKSAdmin(ReadOnlyAdmin):
    list_display = [
        "number",
        "last_name",
        "first_name",
        "pesel",
        "field",
        "mode",
        "unit",
        "start_date",
        "planned_end",
        "status",
        "referral",
    ]
    list_filter = ["status", "field", "mode", "start_date"]
    search_fields = ["number", "last_name", "pesel", "referral__number"]
    list_select_related = ["field", "mode", "unit", "referral"]
