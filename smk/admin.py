from django.contrib import admin

from smk.models import Event, Notification


class ReadOnlyAdmin(admin.ModelAdmin):
    """Rows written only by the application's services: visible, never edited here."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "recipient", "subject", "status", "attempts", "sent_at"]
    list_filter = ["status"]
    search_fields = ["recipient", "subject", "reason"]


@admin.register(Event)
class EventAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "action", "target_type", "target_id", "user", "new_status"]
    list_filter = ["action", "target_type"]
    list_select_related = ["user", "target_type"]
