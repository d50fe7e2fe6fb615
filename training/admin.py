"""What the units report about themselves, in the admin: read-only (their staff and their
systems write it, through the services, so that the history names them)."""

from django.contrib import admin

from smk.admin import ReadOnlyAdmin
from training.models import Integration, OfferedPlaces, ScheduledStart, Trainee, UnitContact


@admin.register(UnitContact)
class UnitContactAdmin(ReadOnlyAdmin):
    list_display = ["unit", "contact_person", "phone", "email", "updated_at"]
    search_fields = ["unit__name", "contact_person", "email"]
    list_select_related = ["unit"]


@admin.register(ScheduledStart)
class ScheduledStartAdmin(ReadOnlyAdmin):
    list_display = ["unit", "field", "starts_on", "places"]
    list_filter = ["field"]
    search_fields = ["unit__name"]
    list_select_related = ["unit", "field"]
    date_hierarchy = "starts_on"


@admin.register(Trainee)
class TraineeAdmin(ReadOnlyAdmin):
    list_display = ["pesel", "unit", "field", "started_on", "ended_on"]
    list_filter = ["field"]
    search_fields = ["pesel", "unit__name"]
    list_select_related = ["unit", "field"]


@admin.register(OfferedPlaces)
class OfferedPlacesAdmin(ReadOnlyAdmin):
    list_display = ["unit", "field", "places", "updated_at"]
    list_filter = ["field"]
    search_fields = ["unit__name"]
    list_select_related = ["unit", "field"]


@admin.register(Integration)
class IntegrationAdmin(ReadOnlyAdmin):
    list_display = ["unit", "activated_at", "activated_by"]
    search_fields = ["unit__name"]
    list_select_related = ["unit"]
