from django.contrib import admin

from medbridge.directory import models


@admin.register(models.Region)
class RegionAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["code", "name", "level", "parent"]
    list_filter = ["level"]
    search_fields = ["code", "name"]
    raw_id_fields = ["parent"]


@admin.register(models.Specialty)
class SpecialtyAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["code", "name", "parent", "note"]
    search_fields = ["code", "name"]


@admin.register(models.InstitutionCategory, models.HospitalGrade, models.ProfessionalTitle)
class CodeAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["code", "name"]
    search_fields = ["code", "name"]


@admin.register(models.Institution)
class InstitutionAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["name", "category", "grade", "region"]
    list_filter = ["category", "grade"]
    search_fields = ["name", "short_name", "region__name"]
    raw_id_fields = ["region", "parent"]


@admin.register(models.Department)
class DepartmentAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["name", "institution", "specialty"]
    search_fields = ["name", "institution__name"]
    raw_id_fields = ["institution"]


@admin.register(models.Professional)
class ProfessionalAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["name", "title", "institution", "department", "masked_phone"]
    list_filter = ["profession", "title"]
    search_fields = ["name", "institution__name"]
    raw_id_fields = ["institution", "department", "home_region"]
    exclude = ["id_number_hash"]
    readonly_fields = ["id_number_last4"]
