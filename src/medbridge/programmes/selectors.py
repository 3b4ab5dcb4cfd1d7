"""Reads of programmes, always starting from the access module's scoped querysets."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from medbridge.accounts import access
from medbridge.activities.selectors import programme_activities
from medbridge.directory.selectors import region_prefix
from medbridge.programmes.models import Engagement, Programme, Station, Target, TargetMetric


@dataclass(frozen=True)
class ProgrammeFilter:
    q: str = ""
    kind: str = ""
    status: str = ""
    region: str = ""  # any party inside this GB/T 2260 region
    year: int | None = None  # running at some point in this year


def programme_list(user: Any, f: ProgrammeFilter) -> QuerySet[Programme]:
    qs = access.programmes_visible_to(user)
    if f.q:
        qs = qs.filter(Q(name__icontains=f.q) | Q(parties__institution__name__icontains=f.q)).distinct()
    if f.kind:
        qs = qs.filter(kind=f.kind)
    if f.status:
        qs = qs.filter(status=f.status)
    if f.region:
        prefix = region_prefix(f.region)
        qs = qs.filter(
            pk__in=Programme.objects.filter(parties__institution__region__code__startswith=prefix).values("pk")
        )
    if f.year:
        qs = qs.filter(start_date__year__lte=f.year).filter(Q(end_date__isnull=True) | Q(end_date__year__gte=f.year))
    return (
        qs.select_related("parent")
        .annotate(party_count=Count("parties", distinct=True), station_count=Count("stations", distinct=True))
        .order_by("-start_date", "name")
    )


def programme_parties(programme: Programme) -> Any:
    return programme.parties.select_related("institution__region", "department").order_by("role", "institution__name")


def programme_children(user: Any, programme: Programme) -> QuerySet[Programme]:
    return access.programmes_visible_to(user).filter(parent=programme).order_by("start_date", "name")


@dataclass(frozen=True)
class TargetRow:
    metric: str
    label: str
    by_year: dict[int, int]


def programme_targets(programme: Programme) -> tuple[list[int], list[TargetRow]]:
    """Targets as a metric × year table, in the metric order of TargetMetric."""
    cells: dict[str, dict[int, int]] = defaultdict(dict)
    for target in Target.objects.filter(programme=programme):
        cells[target.metric][target.year] = target.value
    years = sorted({y for row in cells.values() for y in row})
    rows = [TargetRow(m.value, str(m.label), cells[m.value]) for m in TargetMetric if m.value in cells]
    return years, rows


def station_list(user: Any, *, q: str = "", kind: str = "", programme: Programme | None = None) -> QuerySet[Station]:
    qs = access.stations_visible_to(user)
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(host__name__icontains=q))
    if kind:
        qs = qs.filter(kind=kind)
    if programme is not None:
        qs = qs.filter(programme=programme)
    return qs.annotate(expert_count=Count("engagements")).order_by("-opened_on", "name")


def engagements_split(
    engagements: QuerySet[Engagement], today: date | None = None
) -> tuple[list[Engagement], list[Engagement]]:
    """(current, past) appointments: current ones have started and not yet ended."""
    today = today or timezone.localdate()
    rows = list(
        engagements.select_related("professional__title", "professional__institution").order_by("role", "start_date")
    )
    current = [e for e in rows if e.start_date <= today and (e.end_date is None or e.end_date >= today)]
    past = [e for e in rows if e not in current]
    return current, past


@dataclass(frozen=True)
class TimelineEvent:
    day: date
    kind: str
    title: str
    url: str = ""


def programme_timeline(programme: Programme, user: Any = None) -> list[TimelineEvent]:
    """What happened when: start and end, signings, plaques, appointments, sub-programmes
    (only those ``user`` may see). Activities are listed on their start dates."""
    events = [TimelineEvent(programme.start_date, _("启动"), _("项目启动"))]
    events += [TimelineEvent(a.signed_on, _("签约"), a.title) for a in programme.agreements.all()]
    events += [
        TimelineEvent(s.opened_on, _("授牌"), f"{s.get_kind_display()}：{s.name}", s.get_absolute_url())
        for s in programme.stations.all()
    ]
    events += _appointment_events(programme)
    events += [TimelineEvent(c.start_date, _("子项目"), c.name, c.get_absolute_url()) for c in programme.children.all()]
    events += _activity_events(programme)
    if programme.end_date:
        events.append(TimelineEvent(programme.end_date, _("结束"), _("项目期满")))
    return sorted(events, key=lambda e: e.day)


def _appointment_events(programme: Programme) -> list[TimelineEvent]:
    # One line per appointment day: eight letters handed out at one ceremony are one event.
    by_day: dict[date, int] = defaultdict(int)
    for engagement in programme.engagements.all():
        by_day[engagement.start_date] += 1
    return [TimelineEvent(day, _("聘任"), _("聘任专家 %(n)d 名") % {"n": n}) for day, n in sorted(by_day.items())]


def _activity_events(programme: Programme) -> list[TimelineEvent]:
    # Activities hang off programmes, so a programme visible to a user shows them all.
    return [
        TimelineEvent(a.start_date, str(a.get_kind_display()), a.title, a.get_absolute_url())
        for a in programme_activities(programme)
    ]
