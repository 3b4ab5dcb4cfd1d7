"""Why a host did not get all it asked for, split into three reasons a programme
office can act on: no expert of that specialty could come at all (recruit one),
the experts' time, monthly limits or the host's session capacity ran out (add
capacity), or the host already had its fair share while others still lacked theirs."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from medbridge.planning.scheduling.problem import ScheduleProblem, Session, can_serve


@dataclass(frozen=True)
class HostOutcome:
    host: int
    demand: int
    covered: int
    share: int
    no_expert: int
    capacity: int
    fairness: int
    missing_specialties: tuple[int, ...]

    @property
    def unmet(self) -> int:
        return self.demand - self.covered


def explain(problem: ScheduleProblem, sessions: list[Session]) -> list[HostOutcome]:
    totals = Counter(s.host for s in sessions)
    shares = problem.shares()
    capped = not any(totals[h] > shares[h] for h in range(len(problem.hosts)))
    return [_host(problem, h, totals[h], shares[h], capped) for h in range(len(problem.hosts))]


def _host(problem: ScheduleProblem, h: int, covered: int, share: int, capped: bool) -> HostOutcome:
    host = problem.hosts[h]
    no_expert = 0
    missing: set[int] = set()
    for (specialty, week), wanted in host.demand.items():
        able = sum(can_serve(problem, e, h, specialty, week) for e in range(len(problem.experts)))
        no_expert += max(0, wanted - able)
        if able == 0 and wanted > 0:
            missing.add(specialty)
    rest = max(0, host.total_demand - covered - no_expert)
    fairness = rest if capped and covered >= share and share < host.total_demand else 0
    return HostOutcome(
        host=h,
        demand=host.total_demand,
        covered=covered,
        share=share,
        no_expert=no_expert,
        capacity=rest - fairness,
        fairness=fairness,
        missing_specialties=tuple(sorted(missing)),
    )
