"""The home page and error pages."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from medbridge.accounts import access
from medbridge.postings import selectors as posting_selectors


def home(request: HttpRequest) -> HttpResponse:
    context: dict[str, Any] = {}
    if access.can_use_directory(request.user):
        context["institution_count"] = access.institutions_visible_to(request.user).count()
        context["professional_count"] = access.professionals_visible_to(request.user).count()
        context["reminders"] = posting_selectors.reminders(request.user, timezone.localdate())
    return render(request, "web/home.html", context)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "web/403.html", {"message": str(exception or "")}, status=403)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if request.path.startswith("/api/"):
        # An API path the URL patterns do not match (an id that is not a number):
        # API clients get the API's error shape, not an HTML page.
        from medbridge.api import error_response

        return error_response(request, 404, "not_found", _("记录不存在或无权访问"))
    return render(request, "web/404.html", status=404)
