"""Adapter between a programme's rows and the pure schedule optimiser.

Experts are the programme's engagements (聘任) current during the horizon: their
home city, their specialty, and — when appointed to a station — the host
departments of that station. Hosts are the departments with a ``HostDemand``: one
host per department, its demand per specialty every week of the horizon, its
weight the highest priority of its demands and its capacity the sum of what it
asked for. Travel time comes from the institutions' coordinates."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from medbridge.directory.models import Department, Institution, Professional, Region, Specialty
from medbridge.planning.models import HostDemand, SchedulePlan
from medbridge.planning.scheduling import Expert, Host, HostOutcome, ScheduleProblem, Session
from medbridge.programmes.models import Engagement

# How long a visit takes to arrange: an hour to and from stations plus the distance
# at 200 km/h (high-speed rail mixed with the road to a county). Beyond the
# optimiser's eight hours an expert is out of range.
TRAVEL_KMH = 200.0
TRAVEL_OVERHEAD_HOURS = 1.0
# When coordinates are missing: a guess by how much of the region code is shared.
FALLBACK_HOURS = {6: 1.0, 4: 2.0, 2: 5.0, 0: 12.0}
# An expert's visiting sessions per month unless their programme says otherwise.
MAX_SESSIONS_PER_MONTH = 4


@dataclass(frozen=True)
class PlanInput:
    """A plan's problem and the rows behind its integer ids."""

    problem: ScheduleProblem
    experts: list[Professional]
    hosts: list[Department]
    specialties: list[Specialty]


def _place(institution: Institution) -> tuple[float, float] | None:
    if institution.latitude is not None and institution.longitude is not None:
        return institution.latitude, institution.longitude
    region: Region | None = institution.region
    while region is not None:
        if region.latitude is not None and region.longitude is not None:
            return region.latitude, region.longitude
        region = region.parent
    return None


def travel_hours(home: Institution, host: Institution) -> float:
    a, b = _place(home), _place(host)
    if a is None or b is None:
        code_a, code_b = home.region.code, host.region.code
        shared = next(n for n in (6, 4, 2, 0) if code_a[:n] == code_b[:n])
        return FALLBACK_HOURS[shared]
    return TRAVEL_OVERHEAD_HOURS + _km(a, b) / TRAVEL_KMH


def _km(a: tuple[float, float], b: tuple[float, float]) -> float:
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(h))


def _serves(expert_specialty: Specialty | None, wanted: Specialty) -> bool:
    """An expert serves a demand of their own specialty, of its parent (a 心血管内科
    expert serves a 内科 demand) or of a child (a 内科 expert serves 心血管内科)."""
    if expert_specialty is None:
        return False
    return wanted.pk in (expert_specialty.pk, expert_specialty.parent_id) or wanted.parent_id == expert_specialty.pk


def _engagements(plan: SchedulePlan) -> list[Engagement]:
    end = plan.start_date + timedelta(weeks=plan.weeks) - timedelta(days=1)
    qs = plan.programme.engagements.filter(start_date__lte=end).exclude(end_date__lt=plan.start_date)
    return list(
        qs.select_related(
            "professional__specialty", "professional__institution__region__parent__parent", "station"
        ).order_by("professional_id", "pk")
    )


def plan_input(plan: SchedulePlan) -> PlanInput:
    demands = list(
        HostDemand.objects.filter(programme=plan.programme)
        .select_related("department__institution__region__parent__parent", "specialty")
        .order_by("department_id", "specialty_id")
    )
    hosts = list({d.department_id: d.department for d in demands}.values())
    specialties = list({d.specialty_id: d.specialty for d in demands}.values())
    host_index = {d.pk: i for i, d in enumerate(hosts)}
    spec_index = {s.pk: i for i, s in enumerate(specialties)}
    problem_hosts = tuple(
        _host(h, [d for d in demands if d.department_id == h.pk], spec_index, plan.weeks) for h in hosts
    )
    people, appointed = _appointments(_engagements(plan), hosts, host_index)
    rows = [_expert(people[p], appointed[p], hosts, specialties, plan.weeks) for p in people]
    problem = ScheduleProblem(experts=tuple(rows), hosts=problem_hosts, n_weeks=plan.weeks)
    return PlanInput(problem=problem, experts=list(people.values()), hosts=hosts, specialties=specialties)


def _city(institution: Institution) -> int:
    return int(institution.region.code[:4])


def _host(department: Department, demands: list[HostDemand], spec_index: dict[int, int], weeks: int) -> Host:
    demand = {(spec_index[d.specialty_id], w): d.sessions_per_week for d in demands for w in range(weeks)}
    return Host(
        city=_city(department.institution),
        weight=max(d.weight for d in demands),
        capacity=sum(d.sessions_per_week for d in demands),
        demand=demand,
    )


def _appointments(
    engagements: list[Engagement], hosts: list[Department], host_index: dict[int, int]
) -> tuple[dict[int, Professional], dict[int, frozenset[int]]]:
    """Each expert and the hosts their engagements tie them to: any host (an empty
    set) for a programme-wide engagement, else the hosts of their stations. An
    expert whose stations ask for nothing is left out: there is nowhere to send them."""
    people: dict[int, Professional] = {}
    anywhere: set[int] = set()
    tied: dict[int, set[int]] = {}
    for engagement in engagements:
        person = engagement.professional
        people[person.pk] = person
        if engagement.station is None:
            anywhere.add(person.pk)
        else:
            tied.setdefault(person.pk, set()).update(_station_hosts(engagement, hosts, host_index))
    appointed = {p: frozenset() if p in anywhere else frozenset(tied.get(p, ())) for p in people}
    kept = {p: person for p, person in people.items() if p in anywhere or appointed[p]}
    return kept, appointed


def _station_hosts(engagement: Engagement, hosts: list[Department], host_index: dict[int, int]) -> set[int]:
    station = engagement.station
    assert station is not None
    if station.host_department_id is not None:
        return {host_index[station.host_department_id]} if station.host_department_id in host_index else set()
    return {i for i, h in enumerate(hosts) if h.institution_id == station.host_id}


def _expert(
    person: Professional, appointed: frozenset[int], hosts: list[Department], specialties: list[Specialty], weeks: int
) -> Expert:
    home = person.institution
    return Expert(
        city=_city(home) if home else 0,
        specialties=frozenset(i for i, s in enumerate(specialties) if _serves(person.specialty, s)),
        weekdays=frozenset(range(5)),
        weeks=frozenset(range(weeks)),
        max_per_month=MAX_SESSIONS_PER_MONTH,
        # Someone with no employer on record has no home to travel from: out of range.
        travel_hours=tuple(travel_hours(home, h.institution) if home else 99.0 for h in hosts),
        hosts=appointed,
    )


def session_day(plan: SchedulePlan, session: Session) -> date:
    return plan.start_date + timedelta(weeks=session.week, days=session.weekday)


def outcome_row(outcome: HostOutcome, data: PlanInput) -> dict[str, Any]:
    host = data.hosts[outcome.host]
    return {
        "department": host.pk,
        "name": f"{host.institution.name}·{host.name}",
        "demand": outcome.demand,
        "covered": outcome.covered,
        "share": outcome.share,
        "no_expert": outcome.no_expert,
        "capacity": outcome.capacity,
        "fairness": outcome.fairness,
        "missing": [data.specialties[s].name for s in outcome.missing_specialties],
    }
