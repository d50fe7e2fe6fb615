from django.contrib import admin

from portal.models import Announcement


@admin.register(Announcement)
class AnnouncementAdmin(admin.ModelAdmin):
    list_display = ["published_on", "title", "is_published"]
    list_filter = ["is_published"]
    search_fields = ["title", "body"]
    date_hierarchy = "published_on"
