from django.contrib import admin

from medbridge.postings import models


@admin.register(models.EvaluationCriterion)
class EvaluationCriterionAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Where the evaluation form is configured: criteria, weights, order; retire a
    criterion by unticking 启用 rather than deleting it."""

    list_display = ["name", "weight", "order", "active"]
    list_editable = ["weight", "order", "active"]


class WorkLogInline(admin.TabularInline):  # type: ignore[type-arg]
    model = models.WorkLog
    extra = 0
    fields = readonly_fields = (
        "day",
        "patients_seen",
        "surgeries_performed",
        "surgeries_assisted",
        "lectures",
        "staff_trained",
    )
    can_delete = False


@admin.register(models.Posting)
class PostingAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Read-mostly: postings are written through the pages, API and imports, whose
    services hold the rules."""

    list_display = ["professional", "kind", "host_institution", "planned_start", "planned_end", "status"]
    list_filter = ["kind", "status"]
    search_fields = ["professional__name", "host_institution__name", "home_institution__name"]
    date_hierarchy = "planned_start"
    readonly_fields = [f.name for f in models.Posting._meta.fields]
    inlines = [WorkLogInline]

    def has_add_permission(self, request: object) -> bool:
        return False


@admin.register(models.PostingBatch)
class PostingBatchAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["programme", "kind", "number", "planned_start", "planned_end", "approved_at"]
    list_filter = ["kind"]
    readonly_fields = [f.name for f in models.PostingBatch._meta.fields]

    def has_add_permission(self, request: object) -> bool:
        return False
