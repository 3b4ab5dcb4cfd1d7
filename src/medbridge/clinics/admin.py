"""Read-mostly admin for system administrators. Bookings are changed only through
the services (pages, API), so their admin is view-only."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from medbridge.clinics.models import Booking, ClinicSession, OutboxMessage, SessionSeries


@admin.register(ClinicSession)
class ClinicSessionAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["date", "start_time", "expert", "host", "kind", "status", "booked", "capacity", "walk_ins"]
    list_filter = ["status", "kind"]
    search_fields = ["expert__name", "host__name"]
    date_hierarchy = "date"
    raw_id_fields = ["expert", "host", "department", "series", "programme", "engagement"]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(SessionSeries)
class SessionSeriesAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["expert", "host", "weekday", "start_time", "first_date", "last_date", "capacity"]
    raw_id_fields = ["expert", "host", "department", "programme", "engagement"]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Booking)
class BookingAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["code", "session", "status", "masked_phone", "created_at"]
    list_filter = ["status"]
    search_fields = ["code"]
    exclude = ["phone"]
    readonly_fields = ["session", "code", "status", "patient_name", "masked_phone", "id_tail", "consent_at"]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["created_at", "status", "attempts", "text", "sent_at"]
    list_filter = ["status"]
    exclude = ["phone"]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
