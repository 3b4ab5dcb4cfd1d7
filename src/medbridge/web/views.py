"""The home page and error pages."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from medbridge.accounts import access
from medbridge.postings import selectors as posting_selectors
from medbridge.reports import selectors as report_selectors
from medbridge.reports.selectors import FigureScope


def home(request: HttpRequest) -> HttpResponse:
    context: dict[str, Any] = {}
    if access.can_use_directory(request.user):
        context["institution_count"] = access.institutions_visible_to(request.user).count()
        context["professional_count"] = access.professionals_visible_to(request.user).count()
        context["reminders"] = posting_selectors.reminders(request.user, timezone.localdate())
        context.update(_at_a_glance(request.user))
    return render(request, "web/home.html", context)


# The cumulative figures a commission officer or medical-affairs office quotes most.
GLANCE_METRICS = ("stationed", "attachment", "training", "visiting_experts", "clinic_visits", "new_techniques")


def _at_a_glance(user: Any) -> dict[str, Any]:
    """Cumulative figures over everything the user may see, and the paragraph an
    officer pastes into a press release; empty when nothing has been recorded."""
    figures = report_selectors.figures(user, FigureScope())
    cards = [(m, report_selectors.METRICS[m], figures.total(m)) for m in GLANCE_METRICS if figures.total(m)]
    if not cards:
        return {}
    return {"glance": cards, "glance_summary": report_selectors.summary_paragraph(figures)}


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "web/403.html", {"message": str(exception or "")}, status=403)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if request.path.startswith("/api/"):
        # An API path the URL patterns do not match (an id that is not a number):
        # API clients get the API's error shape, not an HTML page.
        from medbridge.api import error_response

        return error_response(request, 404, "not_found", _("记录不存在或无权访问"))
    return render(request, "web/404.html", status=404)
