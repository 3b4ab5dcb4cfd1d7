"""Reads for accounts: the audit trail as auditors see it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from auditlog.models import LogEntry
from django.db.models import Q, QuerySet


@dataclass(frozen=True)
class AuditFilter:
    q: str = ""
    model: str = ""
    action: int | None = None
    since: date | None = None
    until: date | None = None


def audit_entries(f: AuditFilter) -> QuerySet[LogEntry]:
    qs: QuerySet[LogEntry] = LogEntry.objects.select_related("actor", "content_type").order_by("-timestamp", "-id")
    if f.q:
        qs = qs.filter(Q(object_repr__icontains=f.q) | Q(actor__username__icontains=f.q))
    if f.model:
        qs = qs.filter(content_type__model=f.model)
    if f.action is not None:
        qs = qs.filter(action=f.action)
    if f.since:
        qs = qs.filter(timestamp__date__gte=f.since)
    if f.until:
        qs = qs.filter(timestamp__date__lte=f.until)
    return qs
