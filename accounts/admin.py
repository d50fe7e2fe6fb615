from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.utils.translation import gettext_lazy as _

from accounts.models import Profile, ProfileRole, User


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
    fields = ["role"]


@admin.register(Profile)
class ProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "kind", "voivodeship", "unit"]
    list_filter = ["kind", "voivodeship"]
    search_fields = ["user__email", "user__last_name", "unit__name"]
    list_select_related = ["user", "voivodeship", "unit"]
    autocomplete_fields = ["user", "unit"]
    inlines = [ProfileRoleInline]
