"""The EKS's kierownicy in the admin: read-only, the unit's staff appoint them on the card."""

from django.contrib import admin

from eks.models import Appointment
from smk.admin import ReadOnlyAdmin


@admin.register(Appointment)
class AppointmentAdmin(ReadOnlyAdmin):
    list_display = ["card", "kierownik", "since", "until", "appointed_by"]
    list_filter = ["since"]
    search_fields = ["card__number", "card__last_name", "kierownik__user__last_name"]
    list_select_related = ["card", "kierownik__user", "kierownik__unit", "appointed_by"]
