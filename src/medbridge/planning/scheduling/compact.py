"""The compact CP-SAT model: one boolean per *feasible* (expert, host, week, specialty).

Days inside a week are not modelled. An expert's trips in one week are either one
day (session only) or two (travel day, then session), packed into the runs of
consecutive weekdays they are free. Items of size 1 and 2 fit into runs r_1..r_k
exactly when  #2-day trips <= sum(r_i // 2)  and  2*#2-day + #1-day <= sum(r_i),
so two linear constraints per expert-week replace the whole day grid, and the
weekdays are chosen afterwards by ``days.assign_weekdays``. Spacing (at most one
visit of an expert to a host in any ``min_spacing_weeks`` window) also makes a
second visit in the same week impossible, so the variables can stay boolean.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from typing import TypeVar

from ortools.sat.python import cp_model

from medbridge.planning.scheduling.problem import ScheduleProblem, can_serve, month_of, runs
from medbridge.planning.scheduling.solving import Visit, add_fairness

Key = tuple[int, int, int, int]  # expert, host, week, specialty
G = TypeVar("G", bound=Hashable)


@dataclass
class CompactModel:
    model: cp_model.CpModel
    visits: dict[Key, cp_model.IntVar]
    beyond_share: cp_model.IntVar


def feasible_keys(problem: ScheduleProblem) -> list[Key]:
    """Every (expert, host, week, specialty) the expert could serve and the host wants."""
    by_specialty: defaultdict[int, list[int]] = defaultdict(list)
    for e, expert in enumerate(problem.experts):
        for specialty in expert.specialties:
            by_specialty[specialty].append(e)
    keys = []
    for h, host in enumerate(problem.hosts):
        for (specialty, week), wanted in host.demand.items():
            if wanted > 0 and 0 <= week < problem.n_weeks:
                keys += [
                    (e, h, week, specialty)
                    for e in by_specialty[specialty]
                    if can_serve(problem, e, h, specialty, week)
                ]
    return sorted(keys)


def build(problem: ScheduleProblem, keys: list[Key] | None = None, hint: Sequence[Visit] = ()) -> CompactModel:
    model = cp_model.CpModel()
    visits = {key: model.new_bool_var("") for key in (feasible_keys(problem) if keys is None else keys)}
    hinted = {(v.expert, v.host, v.week, v.specialty) for v in hint}
    for key, var in visits.items():
        model.add_hint(var, key in hinted)
    _expert_weeks(problem, model, visits)
    _spacing(problem, model, visits)
    _host_limits(problem, model, visits)
    beyond = add_fairness(problem, model, _by(visits, lambda k: k[1]))
    weights = [problem.hosts[k[1]].weight for k in visits]
    model.maximize(cp_model.LinearExpr.weighted_sum(list(visits.values()), weights))
    return CompactModel(model=model, visits=visits, beyond_share=beyond)


def _by(visits: dict[Key, cp_model.IntVar], group: Callable[[Key], G]) -> dict[G, list[cp_model.IntVar]]:
    grouped: defaultdict[G, list[cp_model.IntVar]] = defaultdict(list)
    for key, var in visits.items():
        grouped[group(key)].append(var)
    return grouped


def _expert_weeks(problem: ScheduleProblem, model: cp_model.CpModel, visits: dict[Key, cp_model.IntVar]) -> None:
    days: defaultdict[tuple[int, int], list[tuple[int, cp_model.IntVar]]] = defaultdict(list)
    for (e, h, week, _), var in visits.items():
        days[(e, week)].append((problem.trip_days(e, h) or 1, var))
    for (e, _), trips in days.items():
        free = runs(problem.experts[e].weekdays)
        lengths, variables = [t[0] for t in trips], [t[1] for t in trips]
        model.add(cp_model.LinearExpr.weighted_sum(variables, lengths) <= sum(len(r) for r in free))
        two_day = [var for length, var in trips if length == 2]
        if two_day:
            model.add(cp_model.LinearExpr.sum(two_day) <= sum(len(r) // 2 for r in free))
    for (e, _), monthly in _by(visits, lambda k: (k[0], month_of(k[2]))).items():
        limit = problem.experts[e].max_per_month
        if len(monthly) > limit:
            model.add(cp_model.LinearExpr.sum(monthly) <= limit)


def _spacing(problem: ScheduleProblem, model: cp_model.CpModel, visits: dict[Key, cp_model.IntVar]) -> None:
    by_week: defaultdict[tuple[int, int], defaultdict[int, list[cp_model.IntVar]]] = defaultdict(
        lambda: defaultdict(list)
    )
    for (e, h, week, _), var in visits.items():
        by_week[(e, h)][week].append(var)
    gap = max(problem.min_spacing_weeks, 1)
    for weeks in by_week.values():
        for start in sorted(weeks):
            window = [v for w in range(start, start + gap) for v in weeks.get(w, [])]
            if len(window) > 1:
                model.add_at_most_one(window)


def _host_limits(problem: ScheduleProblem, model: cp_model.CpModel, visits: dict[Key, cp_model.IntVar]) -> None:
    for (h, _), sessions in _by(visits, lambda k: (k[1], k[2])).items():
        capacity = problem.hosts[h].capacity
        if len(sessions) > capacity:
            model.add(cp_model.LinearExpr.sum(sessions) <= capacity)
    for (h, week, specialty), sessions in _by(visits, lambda k: (k[1], k[2], k[3])).items():
        wanted = problem.hosts[h].demand[(specialty, week)]
        if len(sessions) > wanted:
            model.add(cp_model.LinearExpr.sum(sessions) <= wanted)


def chosen(solver: cp_model.CpSolver, compact: CompactModel) -> list[Visit]:
    return [Visit(*key) for key, var in compact.visits.items() if solver.boolean_value(var)]
