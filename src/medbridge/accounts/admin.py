from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from medbridge.accounts.models import ApiToken, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):  # type: ignore[type-arg]
    list_display = ["username", "first_name", "role", "region", "institution", "is_active"]
    list_filter = ["role", "is_active"]
    raw_id_fields = ["region", "institution", "professional"]
    fieldsets = (
        *(BaseUserAdmin.fieldsets or ()),
        (_("角色与范围"), {"fields": ("role", "region", "institution", "professional", "password_changed_at")}),
    )


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["name", "user", "prefix", "created_at", "last_used_at", "revoked_at"]
    readonly_fields = ["key_hash", "prefix", "created_at", "last_used_at"]
