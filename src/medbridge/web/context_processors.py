"""Navigation entries, shown only to roles that can use them."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from medbridge.accounts import access


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = request.user
    return {
        "nav_directory": access.can_use_directory(user),
        "nav_audit": access.can_read_audit(user),
        "nav_admin": access.is_system_admin(user),
    }
