from django.contrib import admin

from medbridge.interop.models import ImportJob


@admin.register(ImportJob)
class ImportJobAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Read-only: jobs are written by the importer, never by hand."""

    list_display = ["file_name", "user", "status", "rows_total", "created_at", "finished_at"]
    list_filter = ["status"]
    search_fields = ["file_name", "user__username"]
    readonly_fields = [f.name for f in ImportJob._meta.fields]

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False
