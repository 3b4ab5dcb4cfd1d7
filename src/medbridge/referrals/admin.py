from django.contrib import admin

from medbridge.referrals import models


class ReferralEventInline(admin.TabularInline):  # type: ignore[type-arg]
    model = models.ReferralEvent
    extra = 0
    readonly_fields = ["action", "from_status", "to_status", "at", "actor", "note"]
    can_delete = False


@admin.register(models.Referral)
class ReferralAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    # Read-only here: the workflow and its timestamps change only through the services.
    list_display = ["__str__", "from_institution", "to_institution", "direction", "urgency", "status", "requested_at"]
    list_filter = ["status", "direction", "urgency", "outside_network"]
    search_fields = ["from_institution__name", "to_institution__name"]
    exclude = ["patient_record_no"]
    readonly_fields = [f.name for f in models.Referral._meta.fields if f.name != "patient_record_no"]
    inlines = [ReferralEventInline]

    def has_add_permission(self, request: object) -> bool:
        return False


class ConsultationEventInline(admin.TabularInline):  # type: ignore[type-arg]
    model = models.ConsultationEvent
    extra = 0
    readonly_fields = ["action", "from_status", "to_status", "at", "actor", "note"]
    can_delete = False


@admin.register(models.Consultation)
class ConsultationAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["__str__", "kind", "requesting_institution", "consulting_institution", "status", "requested_at"]
    list_filter = ["kind", "status"]
    search_fields = ["requesting_institution__name", "consulting_institution__name", "consulting_expert__name"]
    exclude = ["patient_record_no"]
    readonly_fields = [f.name for f in models.Consultation._meta.fields if f.name != "patient_record_no"]
    inlines = [ConsultationEventInline]

    def has_add_permission(self, request: object) -> bool:
        return False
