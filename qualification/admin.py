from django.contrib import admin, messages
from django.utils.translation import gettext as _

from qualification.models import (
    Application,
    PreferredUnit,
    Procedure,
    Session,
    SlotList,
    SlotListItem,
)
from qualification.services.procedures import open_session
from referrals.models import COPIED_FROM_APPLICATION
from referrals.services import update_copies_of_application


@admin.register(Session)
class SessionAdmin(admin.ModelAdmin):
    """Session dates are data set by the central administrator (SPEC §3)."""

    list_display = [
        "name",
        "applications_from",
        "applications_to",
        "procedure_from",
        "procedure_to",
    ]
    search_fields = ["name"]

    def save_model(self, request, obj, form, change):
        """Every voivodeship runs its own procedure in every session (SPEC §3): saving a
        session gives each one a procedure and a draft slot list if it has none yet."""
        super().save_model(request, obj, form, change)
        open_session(obj)


@admin.register(Procedure)
class ProcedureAdmin(admin.ModelAdmin):
    list_display = ["session", "voivodeship", "stage", "closed_at"]
    list_filter = ["stage", "session", "voivodeship"]
    readonly_fields = ["stage", "closed_at", "closed_by"]
    list_select_related = ["session", "voivodeship"]


class SlotListItemInline(admin.TabularInline):
    """Places can be changed only while the list is a draft, here as on the office's screen."""

    model = SlotListItem
    extra = 0

    def has_add_permission(self, request, obj=None):
        return (obj is None or obj.is_editable) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return (obj is None or obj.is_editable) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return (obj is None or obj.is_editable) and super().has_delete_permission(request, obj)


@admin.register(SlotList)
class SlotListAdmin(admin.ModelAdmin):
    list_display = ["session", "voivodeship", "status"]
    list_filter = ["status", "session", "voivodeship"]
    readonly_fields = ["status", "approved_at", "approved_by", "published_at", "published_by"]
    inlines = [SlotListItemInline]
    list_select_related = ["session", "voivodeship"]


class PreferredUnitInline(admin.TabularInline):
    model = PreferredUnit
    extra = 0
    autocomplete_fields = ["unit"]


@admin.register(Application)
class ApplicationAdmin(admin.ModelAdmin):
    list_display = [
        "number",
        "last_name",
        "first_name",
        "session",
        "voivodeship",
        "field",
        "mode",
        "status",
        "formal_evaluation",
        "points",
        "qualified",
    ]
    list_filter = ["status", "formal_evaluation", "qualified", "session", "voivodeship", "mode"]
    search_fields = ["number", "last_name", "pesel"]
    list_select_related = ["session", "voivodeship", "field", "mode"]
    inlines = [PreferredUnitInline]
    readonly_fields = ["ranking_position", "qualified", "qualified_manually", "version"]

    def save_model(self, request, obj, form, change):
        """A corrected name or points reach the referrals' copies in the same transaction (the
        admin wraps the save in one), so the list's search and order, the referral's PDF and
        ``check_invariants`` agree with the application. Chosen over making the fields
        read-only: the administrator is who corrects a misspelt surname, and no other screen
        can once a referral exists; the referral's history records the correction."""
        super().save_model(request, obj, form, change)
        if change and set(form.changed_data) & set(COPIED_FROM_APPLICATION):
            updated = update_copies_of_application(
                obj, user=request.user, profile=getattr(request, "profile", None)
            )
            if updated:
                messages.info(
                    request,
                    _("Zaktualizowano dane wniosku w skierowaniach: %(numbers)s.")
                    % {"numbers": ", ".join(r.number for r in updated)},
                )
