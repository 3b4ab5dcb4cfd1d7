"""The visiting-schedule problem as plain dataclasses, and the rules every plan obeys.

Time is counted in weeks of five working days (weekday 0 = Monday .. 4 = Friday);
a month is four weeks. A *trip* of an expert to a host is the travel day (only when
the host is more than ``day_trip_hours`` away) followed by the session day, all in
one week and on days the expert is available. ``violations`` is the specification:
the optimiser's output, the brute force of the tests and the adapters all go by it.
"""

from __future__ import annotations

import itertools
import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cached_property

WEEKDAYS = 5
WEEKS_PER_MONTH = 4


@dataclass(frozen=True)
class Expert:
    """A visiting expert: where they live, what they can treat, when they are free,
    and the host departments they are appointed to (their 聘任 engagements; empty
    means any host within travel range)."""

    city: int
    specialties: frozenset[int]
    weekdays: frozenset[int]
    weeks: frozenset[int]
    max_per_month: int
    travel_hours: tuple[float, ...]
    hosts: frozenset[int] = frozenset()


@dataclass(frozen=True)
class Host:
    """A host department: its priority (neediest counties weigh most), how many
    visiting sessions it can run in a week, and its demand in sessions keyed by
    (specialty, week)."""

    city: int
    weight: int
    capacity: int
    demand: Mapping[tuple[int, int], int]

    @property
    def total_demand(self) -> int:
        return sum(self.demand.values())


@dataclass(frozen=True)
class ScheduleProblem:
    experts: tuple[Expert, ...]
    hosts: tuple[Host, ...]
    n_weeks: int
    min_spacing_weeks: int = 2
    fair_share: float = 0.5
    day_trip_hours: float = 3.0
    max_travel_hours: float = 8.0

    def trip_days(self, expert: int, host: int) -> int | None:
        """1 for a day trip, 2 with a travel day before the session, None if too far."""
        hours = self.experts[expert].travel_hours[host]
        if hours <= self.day_trip_hours:
            return 1
        return 2 if hours <= self.max_travel_hours else None

    def shares(self) -> list[int]:
        """Each host's fair share: ``fair_share`` of its demand, capped by what it could get at all."""
        return self._shares

    @cached_property
    def _shares(self) -> list[int]:
        reach = _reach(self)
        return [min(math.ceil(self.fair_share * host.total_demand), reach[h]) for h, host in enumerate(self.hosts)]

    @cached_property
    def longest_free_run(self) -> list[int]:
        """Per expert, the most consecutive weekdays they are free (a two-day trip needs two)."""
        return [max((len(r) for r in runs(e.weekdays)), default=0) for e in self.experts]


@dataclass(frozen=True, order=True)
class Session:
    """One planned clinic session: the expert, the host, the specialty served, and the day."""

    week: int
    weekday: int
    expert: int
    host: int
    specialty: int


def month_of(week: int) -> int:
    return week // WEEKS_PER_MONTH


def runs(weekdays: Iterable[int]) -> list[list[int]]:
    """Consecutive runs of available weekdays: {0, 1, 3} -> [[0, 1], [3]]."""
    result: list[list[int]] = []
    for day in sorted(weekdays):
        if result and result[-1][-1] == day - 1:
            result[-1].append(day)
        else:
            result.append([day])
    return result


def can_serve(problem: ScheduleProblem, expert: int, host: int, specialty: int, week: int) -> bool:
    """Whether this expert could hold this session at all (ignoring every other session)."""
    person = problem.experts[expert]
    length = problem.trip_days(expert, host)
    if length is None or specialty not in person.specialties or week not in person.weeks:
        return False
    if person.hosts and host not in person.hosts:
        return False
    return problem.longest_free_run[expert] >= length


def _reach(problem: ScheduleProblem) -> list[int]:
    """Per host, an upper bound of the sessions it could get if it were alone."""
    reach = []
    for h, host in enumerate(problem.hosts):
        per_week: dict[int, int] = defaultdict(int)
        for (specialty, week), wanted in host.demand.items():
            if not 0 <= week < problem.n_weeks:
                continue
            able = sum(can_serve(problem, e, h, specialty, week) for e in range(len(problem.experts)))
            per_week[week] += min(wanted, able)
        reach.append(sum(min(host.capacity, n) for n in per_week.values()))
    return reach


class InvalidScheduleInput(ValueError):
    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems[:5]))
        self.problems = problems


def input_problems(problem: ScheduleProblem) -> list[str]:
    """What is wrong with the input itself (the adapter shows these next to the rows)."""
    found = [f"host {h}: demand outside the horizon" for h, host in enumerate(problem.hosts) if _outside(problem, host)]
    found += [
        f"host {h}: negative weight, capacity or demand" for h, host in enumerate(problem.hosts) if _negative(host)
    ]
    for e, expert in enumerate(problem.experts):
        if len(expert.travel_hours) != len(problem.hosts):
            found.append(f"expert {e}: travel time needed for each of the {len(problem.hosts)} hosts")
        if not expert.weekdays <= set(range(WEEKDAYS)) or expert.max_per_month < 0:
            found.append(f"expert {e}: weekdays must lie in 0..4 and the monthly maximum be >= 0")
        if not expert.hosts <= set(range(len(problem.hosts))):
            found.append(f"expert {e}: appointed to an unknown host")
    if problem.min_spacing_weeks < 1 or not 0 <= problem.fair_share <= 1:
        found.append("spacing must be at least one week and the fair share between 0 and 1")
    return found


def _outside(problem: ScheduleProblem, host: Host) -> bool:
    return any(not 0 <= week < problem.n_weeks for _, week in host.demand)


def _negative(host: Host) -> bool:
    return host.weight < 0 or host.capacity < 0 or any(n < 0 for n in host.demand.values())


def violations(problem: ScheduleProblem, sessions: Iterable[Session]) -> list[str]:
    """Every rule a plan breaks (empty for a valid plan)."""
    plan = sorted(sessions)
    found = [message for s in plan for message in _session_violations(problem, s)]
    found += _overlaps(problem, plan)
    found += _limits(problem, plan)
    found += _fairness(problem, plan)
    return found


def _session_violations(problem: ScheduleProblem, s: Session) -> list[str]:
    expert = problem.experts[s.expert]
    length = problem.trip_days(s.expert, s.host)
    if length is None:
        return [f"{s}: host out of travel range"]
    if expert.hosts and s.host not in expert.hosts:
        return [f"{s}: expert not appointed to this host"]
    days = range(s.weekday - length + 1, s.weekday + 1)
    found = []
    if s.specialty not in expert.specialties:
        found.append(f"{s}: expert lacks the specialty")
    if s.week not in expert.weeks or any(day not in expert.weekdays for day in days):
        found.append(f"{s}: expert not available on every day of the trip")
    if not 0 <= s.week < problem.n_weeks:
        found.append(f"{s}: outside the horizon")
    return found


def _overlaps(problem: ScheduleProblem, plan: list[Session]) -> list[str]:
    busy: Counter[tuple[int, int, int]] = Counter()
    for s in plan:
        length = problem.trip_days(s.expert, s.host) or 1
        for day in range(s.weekday - length + 1, s.weekday + 1):
            busy[(s.expert, s.week, day)] += 1
    return [f"expert {e} in two places in week {w} day {d}" for (e, w, d), n in busy.items() if n > 1]


def _limits(problem: ScheduleProblem, plan: list[Session]) -> list[str]:
    found = []
    served = Counter((s.host, s.specialty, s.week) for s in plan)
    for (h, specialty, week), n in served.items():
        if n > problem.hosts[h].demand.get((specialty, week), 0):
            found.append(f"host {h} gets more {specialty} sessions than wanted in week {week}")
    for (h, week), n in Counter((s.host, s.week) for s in plan).items():
        if n > problem.hosts[h].capacity:
            found.append(f"host {h} over its session capacity in week {week}")
    for (e, month), n in Counter((s.expert, month_of(s.week)) for s in plan).items():
        if n > problem.experts[e].max_per_month:
            found.append(f"expert {e} over the monthly maximum in month {month}")
    visits: defaultdict[tuple[int, int], list[int]] = defaultdict(list)
    for s in plan:
        visits[(s.expert, s.host)].append(s.week)
    for (e, h), weeks in visits.items():
        if any(b - a < problem.min_spacing_weeks for a, b in itertools.pairwise(weeks)):
            found.append(f"expert {e} visits host {h} too often")
    return found


def _fairness(problem: ScheduleProblem, plan: list[Session]) -> list[str]:
    totals = Counter(s.host for s in plan)
    shares = problem.shares()
    beyond = [h for h in range(len(problem.hosts)) if totals[h] > shares[h]]
    short = [h for h in range(len(problem.hosts)) if totals[h] < shares[h]]
    if beyond and short:
        return [f"host {beyond[0]} gets more than its share while host {short[0]} lacks its share"]
    return []


def objective(problem: ScheduleProblem, sessions: Iterable[Session]) -> int:
    """Weighted covered demand: each session counts its host's priority weight."""
    return sum(problem.hosts[s.host].weight for s in sessions)
