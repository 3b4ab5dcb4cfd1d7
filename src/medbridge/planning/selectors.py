"""Reads of matching rounds and schedule plans, always starting from the access module."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _

from medbridge.accounts import access
from medbridge.planning.models import (
    Application,
    HostDemand,
    MatchingRound,
    PlannedSession,
    RoundDepartment,
    SchedulePlan,
)
from medbridge.programmes.models import Programme


@dataclass(frozen=True)
class RoundFilter:
    q: str = ""
    status: str = ""
    kind: str = ""


def round_list(user: Any, f: RoundFilter) -> QuerySet[MatchingRound]:
    qs = access.matching_rounds_visible_to(user)
    if f.q:
        qs = qs.filter(Q(title__icontains=f.q) | Q(programme__name__icontains=f.q))
    if f.status:
        qs = qs.filter(status=f.status)
    if f.kind:
        qs = qs.filter(kind=f.kind)
    return qs.annotate(
        application_count=Count("applications", distinct=True), department_count=Count("departments", distinct=True)
    ).order_by("-placement_start", "title")


def round_departments(round_: MatchingRound) -> QuerySet[RoundDepartment]:
    return round_.departments.select_related("department__institution").annotate(chosen=Count("choices"))


@dataclass(frozen=True)
class PreferredRow:
    """A department the applicant ranked above their placement, and why it did not take them."""

    department: RoundDepartment | None
    applicant_rank: int | None
    cutoff_rank: int | None

    @property
    def reason(self) -> str:
        if self.applicant_rank is None:
            return _("该科室未将其列入排序")
        if self.cutoff_rank is None:
            return _("名额未满（不应出现）")
        return _("本人排第%(mine)s位，录取线为第%(cut)s位") % {"mine": self.applicant_rank, "cut": self.cutoff_rank}


@dataclass(frozen=True)
class ReviewRow:
    application: Application
    choices: list[RoundDepartment]
    preferred: list[PreferredRow]


def round_review(round_: MatchingRound, q: str = "") -> list[ReviewRow]:
    """Each applicant with their list, placement and the cutoffs above it."""
    departments = {d.pk: d for d in round_departments(round_)}
    applications = round_.applications.select_related(
        "professional__title", "home_institution", "placement__department__institution", "posting"
    ).prefetch_related("choices")
    if q:
        applications = applications.filter(professional__name__icontains=q)
    return [
        ReviewRow(
            application=a,
            choices=[departments[c.department_id] for c in sorted(a.choices.all(), key=lambda c: c.rank)],
            preferred=[
                PreferredRow(departments.get(row["department"]), row["applicant_rank"], row["cutoff_rank"])
                for row in a.explanation
            ],
        )
        for a in applications
    ]


# --- Schedule plans --------------------------------------------------------------------


def plan_list(user: Any, programme_id: int | None = None) -> QuerySet[SchedulePlan]:
    qs = access.schedule_plans_visible_to(user)
    if programme_id:
        qs = qs.filter(programme_id=programme_id)
    return qs.annotate(session_count=Count("sessions")).order_by("-created_at")


def programme_demands(programme: Programme) -> QuerySet[HostDemand]:
    return HostDemand.objects.filter(programme=programme).select_related("department__institution", "specialty")


def plan_sessions(plan: SchedulePlan, q: str = "") -> QuerySet[PlannedSession]:
    qs = plan.sessions.select_related("expert", "department__institution", "specialty")
    if q:
        qs = qs.filter(Q(expert__name__icontains=q) | Q(department__name__icontains=q))
    return qs.order_by("day", "department__name", "expert__name")


@dataclass(frozen=True)
class Heatmap:
    """Sessions per host per week, the shape ECharts' heatmap takes."""

    weeks: list[str]
    hosts: list[str]
    cells: list[list[int]]  # [week index, host index, sessions]
    most: int


def plan_heatmap(plan: SchedulePlan) -> Heatmap:
    names = {row["department"]: row["name"] for row in plan.outcomes}
    hosts = list(names)
    counts: dict[tuple[int, int], int] = {}
    for department_id, day in plan.sessions.values_list("department_id", "day"):
        key = ((day - plan.start_date).days // 7, hosts.index(department_id) if department_id in names else 0)
        counts[key] = counts.get(key, 0) + 1
    weeks = [(plan.start_date + timedelta(weeks=w)).strftime("%m-%d") for w in range(plan.weeks)]
    cells = [[w, h, counts.get((w, h), 0)] for w in range(plan.weeks) for h in range(len(hosts))]
    return Heatmap(weeks=weeks, hosts=[names[h] for h in hosts], cells=cells, most=max(counts.values(), default=1))
