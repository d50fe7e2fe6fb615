from django.contrib import admin

from reference.models import Accreditation, Field, Mode, Programme, TrainingUnit, Voivodeship


@admin.register(Voivodeship)
class VoivodeshipAdmin(admin.ModelAdmin):
    list_display = ["teryt", "name"]
    search_fields = ["name", "teryt"]


@admin.register(Field)
class FieldAdmin(admin.ModelAdmin):
    list_display = ["name", "code"]
    search_fields = ["name", "code"]
    prepopulated_fields = {"code": ["name"]}


@admin.register(Mode)
class ModeAdmin(admin.ModelAdmin):
    list_display = ["name", "code"]


@admin.register(Programme)
class ProgrammeAdmin(admin.ModelAdmin):
    list_display = ["name", "field", "mode", "duration_months", "valid_from", "valid_to"]
    list_filter = ["mode", "field"]
    search_fields = ["name"]
    list_select_related = ["field", "mode"]


class AccreditationInline(admin.TabularInline):
    model = Accreditation
    extra = 0
    fields = ["field", "number", "valid_from", "valid_to", "places"]


@admin.register(TrainingUnit)
class TrainingUnitAdmin(admin.ModelAdmin):
    list_display = ["name", "city", "voivodeship", "nip", "regon"]
    list_filter = ["voivodeship"]
    search_fields = ["name", "city", "nip", "regon"]
    list_select_related = ["voivodeship"]
    inlines = [AccreditationInline]


class AccreditationAdmin(admin.ModelAdmin):
    """Registered by ``referrals.admin``, which adds the free places it counts."""

    list_display = ["unit", "field", "number", "valid_from", "valid_to", "places"]
    list_filter = ["field", "unit__voivodeship"]
    search_fields = ["unit__name", "number"]
    list_select_related = ["unit", "field"]
    autocomplete_fields = ["unit"]
