"""Which accounts log in with Profil Zaufany, for the administrator: read-only, and "Usuń"
unbinds an account (a PESEL bound to the wrong one by a migration) through the service, so
the account's history says who did it. The PESEL is shown on the binding's page only, and is
not searchable: a search would put it in the URL and the access log."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from pz import services
from pz.models import Identity
from smk.admin import ReadOnlyAdmin


@admin.register(Identity)
class IdentityAdmin(ReadOnlyAdmin):
    list_display = ["user", "email", "migrated", "created_at", "activated_at"]
    list_filter = ["migrated", ("activated_at", admin.EmptyFieldListFilter)]
    list_select_related = ["user"]
    search_fields = ["user__email", "user__last_name"]
    fields = ["user", "pesel", "migrated", "created_at", "activated_at"]
    readonly_fields = fields

    @admin.display(description=_("adres e-mail"), ordering="user__email")
    def email(self, identity):
        return identity.user.email

    def has_delete_permission(self, request, obj=None):
        return admin.ModelAdmin.has_delete_permission(self, request, obj)

    def delete_model(self, request, obj):
        services.unbind(obj.pk, by=request.user)

    def delete_queryset(self, request, queryset):
        for pk in queryset.values_list("pk", flat=True):
            services.unbind(pk, by=request.user)
