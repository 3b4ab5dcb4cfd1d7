"""Visiting-schedule optimisation with OR-Tools CP-SAT.

``plan(problem)`` builds the compact model (``compact.py``), solves it until the
plan is within ``gap`` of the proven bound or the time runs out, picks the weekdays
and explains the unmet demand of every host. ``dense.py`` keeps the day-by-day
formulation the benchmark compares against."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from medbridge.planning.scheduling import compact
from medbridge.planning.scheduling.days import assign_weekdays
from medbridge.planning.scheduling.explain import HostOutcome, explain
from medbridge.planning.scheduling.greedy import greedy_plan
from medbridge.planning.scheduling.problem import (
    Expert,
    Host,
    InvalidScheduleInput,
    ScheduleProblem,
    Session,
    input_problems,
    objective,
    violations,
)
from medbridge.planning.scheduling.solving import Progress, SolveStats, Visit, record, run_solver


@dataclass(frozen=True)
class Plan:
    """The sessions chosen, each host's outcome, and how the solve went."""

    sessions: list[Session]
    outcomes: list[HostOutcome]
    stats: SolveStats

    @property
    def objective(self) -> int:
        return round(self.stats.objective)


def plan(
    problem: ScheduleProblem,
    *,
    seconds: float = 60.0,
    workers: int = 2,
    gap: float = 0.02,
    on_progress: Callable[[Progress], None] | None = None,
) -> Plan:
    """The best plan found within ``seconds``; a greedy plan first, then CP-SAT improving on it."""
    problems = input_problems(problem)
    if problems:
        raise InvalidScheduleInput(problems)
    stats = SolveStats()
    started = time.perf_counter()
    keys = compact.feasible_keys(problem)
    first = greedy_plan(problem, keys)
    record(stats, Progress(time.perf_counter() - started, _value(problem, first), float("inf")), on_progress)
    model = compact.build(problem, keys, hint=first)
    stats.build_seconds = time.perf_counter() - started
    solver = run_solver(
        model.model, stats, seconds=seconds, workers=workers, gap=gap, started=started, on_progress=on_progress
    )
    solved = stats.status in ("OPTIMAL", "FEASIBLE") and stats.objective >= _value(problem, first)
    visits = compact.chosen(solver, model) if solved else first
    stats.objective = _value(problem, visits)
    stats.total_seconds = time.perf_counter() - started
    sessions = assign_weekdays(problem, visits)
    return Plan(sessions=sessions, outcomes=explain(problem, sessions), stats=stats)


def _value(problem: ScheduleProblem, visits: list[Visit]) -> float:
    return float(sum(problem.hosts[v.host].weight for v in visits))


__all__ = [
    "Expert",
    "Host",
    "HostOutcome",
    "InvalidScheduleInput",
    "Plan",
    "Progress",
    "ScheduleProblem",
    "Session",
    "SolveStats",
    "Visit",
    "explain",
    "input_problems",
    "objective",
    "plan",
    "violations",
]
