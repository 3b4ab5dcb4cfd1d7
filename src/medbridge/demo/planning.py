"""Demo planning data: the Fuqing programme's 2026 training round, still collecting
applications (the 2025 cohort is in Shanghai until February 2026), and the weekly
demand of its three famous-doctor workstations, so a schedule plan can be built."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date
from typing import Any

from medbridge.demo.programmes import FUQING, FUQING_STATIONS
from medbridge.directory.models import Department, Institution, Professional
from medbridge.planning import services
from medbridge.planning.models import HostDemand, MatchingRound, RankingRule, RoundKind
from medbridge.programmes.models import Programme

# Host departments of the round: (hospital, department, places, ranking rule).
ROUND_DEPARTMENTS = (
    ("沪东医学院附属中山医院", "超声医学科", 2, RankingRule.TITLE),
    ("沪东医学院附属中山医院", "肝胆外科", 1, RankingRule.SERVICE),
    ("沪东医学院附属妇产科医院", "产科", 2, RankingRule.NEED),
)
APPLICANTS = 7
ROUND_TITLE = "2026年度赴沪进修"


@dataclass(frozen=True)
class PlanningReport:
    rounds: int
    applications: int
    demands: int


def seed_planning(*, actor: Any) -> PlanningReport:
    programme = Programme.objects.get(name=FUQING)
    applications = _round(actor, programme)
    demands = _demand(actor, programme)
    return PlanningReport(rounds=1 if applications else 0, applications=applications, demands=demands)


def _round(actor: Any, programme: Programme) -> int:
    if MatchingRound.objects.filter(programme=programme, title=ROUND_TITLE).exists():
        return 0  # seeded before: seeding again adds nothing
    round_ = services.round_open(
        actor=actor,
        data=services.RoundData(
            programme=programme,
            kind=RoundKind.TRAINING,
            title=ROUND_TITLE,
            placement_start=date(2026, 9, 1),
            placement_end=date(2027, 8, 31),
        ),
    )
    departments = [
        services.round_department_add(
            actor=actor,
            round_=round_,
            department=Department.objects.get(institution__name=hospital, name=name),
            quota=quota,
            rule=rule,
        )
        for hospital, name, quota, rule in ROUND_DEPARTMENTS
    ]
    rng = random.Random(2026)
    home = Institution.objects.get(name="福清市医院")
    people = Professional.objects.filter(institution=home, postings__isnull=True, title__isnull=False)
    for n, person in enumerate(people.order_by("pk")[:APPLICANTS]):
        choices = rng.sample(departments, k=rng.randint(1, len(departments)))
        data = services.ApplicationData(
            professional=person, home_institution=home, years_of_service=3 + (n * 5) % 17, choices=choices
        )
        services.application_add(actor=actor, round_=round_, data=data)
    return min(APPLICANTS, people.count())


def _demand(actor: Any, programme: Programme) -> int:
    created = 0
    for n, station in enumerate(FUQING_STATIONS):
        department = Department.objects.filter(institution__name="福清市医院", name=station.department).first()
        if department is None or department.specialty is None:
            continue
        if HostDemand.objects.filter(programme=programme, department=department).exists():
            continue
        data = services.DemandData(
            department=department, specialty=department.specialty, sessions_per_week=1, weight=3 - n
        )
        services.host_demand_add(actor=actor, programme=programme, data=data)
        created += 1
    return created
