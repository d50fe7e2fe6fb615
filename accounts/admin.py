from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.utils.translation import gettext_lazy as _

from accounts.models import (
    Profile,
    ProfileRole,
    RoleRequest,
    RoleRequestAttachment,
    RoleRequestBatch,
    User,
)


class UserCreationForm(AdminUserCreationForm):
    class Meta:
        model = User
        fields = ["email"]


class UserEditForm(UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"


class ProfileInline(admin.TabularInline):
    model = Profile
    extra = 0
    fields = ["kind", "voivodeship", "unit"]
    autocomplete_fields = ["unit"]
    show_change_link = True


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    add_form = UserCreationForm
    form = UserEditForm
    ordering = ["email"]
    list_display = ["email", "first_name", "last_name", "is_active", "is_staff"]
    search_fields = ["email", "first_name", "last_name"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (_("Dane osobowe"), {"fields": ["first_name", "last_name", "phone"]}),
        (
            _("Uprawnienia"),
            {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]},
        ),
        (_("Daty"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (
            None,
            {"classes": ["wide"], "fields": ["email", "usable_password", "password1", "password2"]},
        ),
    ]
    inlines = [ProfileInline]


class ProfileRoleInline(admin.TabularInline):
    model = ProfileRole
    extra = 1
    fields = ["role", "request"]
    readonly_fields = ["request"]


@admin.register(Profile)
class ProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "kind", "voivodeship", "unit", "blocked_at"]
    list_filter = ["kind", "voivodeship"]
    fields = [
        "user",
        "kind",
        "voivodeship",
        "unit",
        "contact_phone",
        "contact_email",
        "blocked_at",
        "block_reason",
    ]
    readonly_fields = ["blocked_at", "block_reason"]
    search_fields = ["user__email", "user__last_name", "unit__name"]
    list_select_related = ["user", "voivodeship", "unit"]
    autocomplete_fields = ["user", "unit"]
    inlines = [ProfileRoleInline]


class RoleRequestInline(admin.TabularInline):
    model = RoleRequest
    extra = 0
    fields = ["number", "role", "status", "rejection_reason", "decided_at", "decided_by"]
    readonly_fields = fields
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False


class AttachmentInline(admin.TabularInline):
    model = RoleRequestAttachment
    extra = 0
    fields = ["original_name", "size", "content_type", "state", "uploaded_at"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(RoleRequestBatch)
class RoleRequestBatchAdmin(admin.ModelAdmin):
    """Read-only: requests are decided in the application ("Wnioski o role"), where every
    decision writes its history and e-mails the requester."""

    list_display = ["__str__", "user", "profile", "created_at"]
    list_select_related = ["user", "profile__voivodeship", "profile__unit"]
    search_fields = ["user__email", "requests__number"]
    readonly_fields = [
        "user",
        "profile",
        "contact_phone",
        "contact_email",
        "created_at",
        "downloaded_at",
    ]
    inlines = [RoleRequestInline, AttachmentInline]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(RoleRequest)
class RoleRequestAdmin(admin.ModelAdmin):
    list_display = ["number", "role", "status", "profile", "created_at", "decided_at"]
    list_filter = ["status", "role"]
    list_select_related = ["profile__user", "profile__voivodeship", "profile__unit"]
    search_fields = ["number", "batch__user__email"]
    readonly_fields = [f.name for f in RoleRequest._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
