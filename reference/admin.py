from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from reference.models import (
    Accreditation,
    Field,
    Mode,
    Programme,
    ProgrammeElement,
    ProgrammeModule,
    TrainingUnit,
    Voivodeship,
)


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


class ProgrammeModuleInline(admin.TabularInline):
    """A programme's modules; each module's elements are edited on its own page (the link
    "Zmień"), as the admin does not nest inlines."""

    model = ProgrammeModule
    extra = 0
    fields = ["number", "name"]
    show_change_link = True


@admin.register(Programme)
class ProgrammeAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "field",
        "mode",
        "duration_months",
        "duration_years",
        "valid_from",
        "valid_to",
    ]
    list_filter = ["mode", "field"]
    search_fields = ["name"]
    list_select_related = ["field", "mode"]
    readonly_fields = ["duration_years"]
    inlines = [ProgrammeModuleInline]

    @admin.display(description=_("czas trwania (lata)"))
    def duration_years(self, programme):
        return programme.duration_years


class ProgrammeElementInline(admin.TabularInline):
    model = ProgrammeElement
    extra = 0
    fields = ["number", "kind", "name", "weeks", "required_count"]


@admin.register(ProgrammeModule)
class ProgrammeModuleAdmin(admin.ModelAdmin):
    list_display = ["name", "programme", "number"]
    list_filter = ["programme__field", "programme__mode"]
    search_fields = ["name", "programme__name"]
    list_select_related = ["programme"]
    autocomplete_fields = ["programme"]
    inlines = [ProgrammeElementInline]


class AccreditationInline(admin.TabularInline):
    model = Accreditation
    extra = 0
    fields = ["field", "number", "valid_from", "valid_to", "places"]


@admin.register(TrainingUnit)
class TrainingUnitAdmin(admin.ModelAdmin):
    list_display = ["name", "city", "voivodeship", "nip", "regon", "register_book_number"]
    list_filter = ["voivodeship"]
    search_fields = ["name", "city", "nip", "regon", "register_book_number", "krs", "teryt"]
    list_select_related = ["voivodeship"]
    inlines = [AccreditationInline]
    fieldsets = [
        (None, {"fields": ["name", "voivodeship", "email", "phone"]}),
        (
            _("Adres"),
            {"fields": ["street", "building_number", "postal_code", "city"]},
        ),
        (
            _("Dane rejestrowe"),
            {
                "fields": [
                    "nip",
                    "regon",
                    "register_book_number",
                    "krs",
                    "teryt",
                    "county",
                    "commune",
                ]
            },
        ),
    ]


class AccreditationAdmin(admin.ModelAdmin):
    """Registered by ``referrals.admin``, which adds the free places it counts."""

    list_display = ["unit", "field", "number", "valid_from", "valid_to", "places"]
    list_filter = ["field", "unit__voivodeship"]
    search_fields = ["unit__name", "number"]
    list_select_related = ["unit", "field"]
    autocomplete_fields = ["unit"]
