from django.contrib import admin

from accreditation.models import AccreditationRequest, ExpiryNotice, InternshipAccreditation
from smk.admin import ReadOnlyAdmin


@admin.register(AccreditationRequest)
class AccreditationRequestAdmin(ReadOnlyAdmin):
    """Read-only: requests change only through the procedure's services."""

    list_display = ["number", "unit", "kind", "field", "places_requested", "status", "submitted_at"]
    list_filter = ["status", "kind", "field"]
    search_fields = ["number", "unit__name"]
    list_select_related = ["unit", "field"]


@admin.register(InternshipAccreditation)
class InternshipAccreditationAdmin(ReadOnlyAdmin):
    list_display = ["unit", "internship", "number", "valid_from", "valid_to", "places", "status"]
    list_filter = ["status"]
    search_fields = ["unit__name", "number"]
    list_select_related = ["unit", "internship"]


@admin.register(ExpiryNotice)
class ExpiryNoticeAdmin(ReadOnlyAdmin):
    list_display = ["accreditation", "days_before", "valid_to", "sent_at"]
    list_select_related = ["accreditation__unit", "accreditation__field"]
