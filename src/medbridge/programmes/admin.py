from django.contrib import admin

from medbridge.programmes import models


class PartyInline(admin.TabularInline):  # type: ignore[type-arg]
    model = models.Party
    extra = 0
    raw_id_fields = ["institution", "department"]


class TargetInline(admin.TabularInline):  # type: ignore[type-arg]
    model = models.Target
    extra = 0


@admin.register(models.Programme)
class ProgrammeAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["name", "kind", "status", "start_date", "end_date", "parent"]
    list_filter = ["kind", "status"]
    search_fields = ["name", "parties__institution__name"]
    raw_id_fields = ["parent"]
    filter_horizontal = ["specialties"]
    date_hierarchy = "start_date"
    inlines = [PartyInline, TargetInline]


@admin.register(models.Party)
class PartyAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["programme", "institution", "department", "role", "joined_on"]
    list_filter = ["role"]
    search_fields = ["programme__name", "institution__name"]
    raw_id_fields = ["programme", "institution", "department"]


@admin.register(models.Agreement)
class AgreementAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["title", "programme", "signed_on", "signatories"]
    search_fields = ["title", "programme__name", "signatories"]
    raw_id_fields = ["programme"]
    date_hierarchy = "signed_on"


@admin.register(models.Target)
class TargetAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["programme", "year", "metric", "value"]
    list_filter = ["metric", "year"]
    search_fields = ["programme__name"]
    raw_id_fields = ["programme"]


@admin.register(models.Station)
class StationAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["name", "kind", "host", "programme", "opened_on", "closed_on"]
    list_filter = ["kind"]
    search_fields = ["name", "host__name", "programme__name", "plaque_text"]
    raw_id_fields = ["programme", "host", "host_department"]


@admin.register(models.Engagement)
class EngagementAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["professional", "role", "station", "programme", "letter_no", "start_date", "end_date"]
    list_filter = ["role"]
    search_fields = ["professional__name", "letter_no", "station__name", "programme__name"]
    raw_id_fields = ["professional", "programme", "station"]
