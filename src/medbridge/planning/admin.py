from django.contrib import admin

from medbridge.planning import models


@admin.register(models.MatchingRound)
class MatchingRoundAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["title", "programme", "kind", "status", "placement_start", "placement_end"]
    list_filter = ["status", "kind"]
    search_fields = ["title", "programme__name"]
    readonly_fields = ["status"]


@admin.register(models.HostDemand)
class HostDemandAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["department", "specialty", "programme", "sessions_per_week", "weight"]
    search_fields = ["department__name", "programme__name"]
    raw_id_fields = ["department"]


@admin.register(models.SchedulePlan)
class SchedulePlanAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["programme", "start_date", "weeks", "status", "objective", "created_at"]
    list_filter = ["status"]
    readonly_fields = ["status"]
