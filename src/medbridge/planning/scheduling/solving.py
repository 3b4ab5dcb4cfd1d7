"""What the compact and the dense model share: the fairness rule, the solver
set-up with its progress log, and the visit a model decides on."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from medbridge.planning.scheduling.problem import ScheduleProblem


@dataclass(frozen=True, order=True)
class Visit:
    """A session decided for a week; ``days.assign_weekdays`` picks its weekday."""

    expert: int
    host: int
    week: int
    specialty: int


@dataclass(frozen=True)
class Progress:
    """One improving plan: seconds since planning started, its objective, the proven bound (if any yet)."""

    seconds: float
    objective: float
    bound: float


@dataclass
class SolveStats:
    status: str = "UNKNOWN"
    objective: float = 0.0
    bound: float = 0.0
    build_seconds: float = 0.0
    solve_seconds: float = 0.0
    total_seconds: float = 0.0
    variables: int = 0
    constraints: int = 0
    progress: list[Progress] = field(default_factory=list)

    @property
    def gap(self) -> float:
        return (self.bound - self.objective) / max(abs(self.bound), 1.0)

    def first_seconds(self) -> float | None:
        """Seconds from the start to the first plan."""
        return self.progress[0].seconds if self.progress else None

    def seconds_to_reach(self, objective: float) -> float | None:
        """Seconds from the start to a plan at least this good."""
        for step in self.progress:
            if step.objective >= objective - 1e-9:
                return step.seconds
        return None


def add_fairness(
    problem: ScheduleProblem, model: cp_model.CpModel, per_host: Mapping[int, Sequence[cp_model.IntVar]]
) -> cp_model.IntVar:
    """Either no host gets more than its share, or every host gets at least its share."""
    beyond = model.new_bool_var("beyond_share")
    for h, (host, share) in enumerate(zip(problem.hosts, problem.shares(), strict=True)):
        total = cp_model.LinearExpr.sum(list(per_host.get(h, [])))
        model.add(total <= share + (host.total_demand - share) * beyond)
        if share > 0:
            model.add(total >= share).only_enforce_if(beyond)
    return beyond


def record(stats: SolveStats, step: Progress, on_progress: Callable[[Progress], None] | None) -> None:
    if not stats.progress or step.objective > stats.progress[-1].objective:
        stats.progress.append(step)
        if on_progress:
            on_progress(step)


class _Recorder(cp_model.CpSolverSolutionCallback):
    def __init__(self, stats: SolveStats, started: float, on_progress: Callable[[Progress], None] | None) -> None:
        super().__init__()
        self._stats = stats
        self._on_progress = on_progress
        self._started = started

    def on_solution_callback(self) -> None:
        seconds = time.perf_counter() - self._started
        record(self._stats, Progress(seconds, self.objective_value, self.best_objective_bound), self._on_progress)


def run_solver(
    model: cp_model.CpModel,
    stats: SolveStats,
    *,
    seconds: float,
    workers: int,
    gap: float,
    started: float,
    on_progress: Callable[[Progress], None] | None = None,
    light_presolve: bool = True,
) -> cp_model.CpSolver:
    """Solve, logging every improving plan with its time since ``started`` (a perf_counter)."""
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = seconds
    solver.parameters.num_workers = workers
    solver.parameters.relative_gap_limit = gap
    if light_presolve:
        # Measured (docs/planning.md): full presolve spends 10-20 s probing a model
        # whose LP is already tight; one light pass reaches the 2 % gap sooner.
        solver.parameters.max_presolve_iterations = 1
        solver.parameters.cp_model_probing_level = 0
        solver.parameters.symmetry_level = 0
    proto = model.proto
    stats.variables, stats.constraints = len(proto.variables), len(proto.constraints)
    solve_started = time.perf_counter()
    status = solver.solve(model, _Recorder(stats, started, on_progress))
    stats.solve_seconds = time.perf_counter() - solve_started
    stats.status = solver.status_name(status)
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        stats.objective, stats.bound = solver.objective_value, solver.best_objective_bound
    return solver
