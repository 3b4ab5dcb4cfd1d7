"""Bench-only URLconf (``_bare_settings`` points ROOT_URLCONF here): the product's
URLs, plus one bare Django view at
``/bench/bare/sessions`` that answers the same query as the public sessions API
(``/api/v1/clinics/public/sessions``, first page) with a hand-built JsonResponse.

Served by the same gunicorn as the product endpoint, the two are measured side
by side; the ratio says what django-ninja, the schema and the pagination cost.
Never part of the product: nothing under src/ imports this.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, JsonResponse
from django.urls import include, path

from medbridge.clinics import selectors

handler403 = "medbridge.web.views.permission_denied"
handler404 = "medbridge.web.views.page_not_found"
PAGE_SIZE = 25  # the API's page size (medbridge.directory.api.Page)


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


def bare_sessions(request: HttpRequest) -> JsonResponse:
    sessions = selectors.public_sessions(selectors.PublicFilter())
    items = [
        {
            "id": s.pk,
            "date": s.date.isoformat(),
            "start_time": s.start_time.isoformat(),
            "end_time": s.end_time.isoformat(),
            "kind": s.kind,
            "expert_id": s.expert_id,
            "expert_name": s.expert.name,
            "expert_title": _text(s.expert.title and s.expert.title.name),
            "expert_institution": _text(s.expert.institution and s.expert.institution.name),
            "host_id": s.host_id,
            "host_name": s.host.name,
            "department_name": _text(s.department and s.department.name),
            "capacity": s.capacity,
            "remaining": s.remaining,
        }
        for s in sessions[:PAGE_SIZE]
    ]
    return JsonResponse({"items": items, "count": sessions.count()})


urlpatterns = [
    path("bench/bare/sessions", bare_sessions),
    path("", include("medbridge.urls")),
]
