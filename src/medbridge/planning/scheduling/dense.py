"""The dense baseline kept for the benchmark: a boolean for every expert x day x
host, with every rule written day by day (trips occupying days, availability,
spacing, monthly limits) and the specialty served chosen per expert, host and week.
It describes the same plans as the compact model; it is only much larger."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from ortools.sat.python import cp_model

from medbridge.planning.scheduling.problem import WEEKDAYS, ScheduleProblem, month_of
from medbridge.planning.scheduling.solving import add_fairness

Day = tuple[int, int, int]  # expert, host, day (week * WEEKDAYS + weekday)


@dataclass
class DenseModel:
    model: cp_model.CpModel
    sessions: dict[Day, cp_model.IntVar]


def build(problem: ScheduleProblem) -> DenseModel:
    model = cp_model.CpModel()
    n_days = problem.n_weeks * WEEKDAYS
    hosts = range(len(problem.hosts))
    x = {(e, h, d): model.new_bool_var("") for e in range(len(problem.experts)) for d in range(n_days) for h in hosts}
    for e in range(len(problem.experts)):
        _expert_rules(problem, model, x, e)
    _specialties_and_hosts(problem, model, x)
    per_host: defaultdict[int, list[cp_model.IntVar]] = defaultdict(list)
    for (_, h, _), var in x.items():
        per_host[h].append(var)
    add_fairness(problem, model, per_host)
    model.maximize(sum(problem.hosts[h].weight * var for (_, h, _), var in x.items()))
    return DenseModel(model=model, sessions=x)


def _expert_rules(problem: ScheduleProblem, model: cp_model.CpModel, x: dict[Day, cp_model.IntVar], e: int) -> None:
    expert = problem.experts[e]
    n_days = problem.n_weeks * WEEKDAYS
    for d in range(n_days):
        week, weekday = divmod(d, WEEKDAYS)
        for h in range(len(problem.hosts)):
            length = problem.trip_days(e, h)
            trip = range(weekday - (length or 1) + 1, weekday + 1)
            if length is None or week not in expert.weeks or any(t < 0 or t not in expert.weekdays for t in trip):
                model.add(x[(e, h, d)] == 0)
        busy = [x[(e, h, d)] for h in range(len(problem.hosts))]
        if (d + 1) % WEEKDAYS:
            busy += [x[(e, h, d + 1)] for h in range(len(problem.hosts)) if problem.trip_days(e, h) == 2]
        model.add_at_most_one(busy)
    gap = max(problem.min_spacing_weeks, 1) * WEEKDAYS
    for h in range(len(problem.hosts)):
        for start in range(0, n_days, WEEKDAYS):
            model.add(sum(x[(e, h, d)] for d in range(start, min(start + gap, n_days))) <= 1)
    months: defaultdict[int, list[cp_model.IntVar]] = defaultdict(list)
    for (e2, _, d), var in x.items():
        if e2 == e:
            months[month_of(d // WEEKDAYS)].append(var)
    for sessions in months.values():
        model.add(sum(sessions) <= expert.max_per_month)


def _specialties_and_hosts(problem: ScheduleProblem, model: cp_model.CpModel, x: dict[Day, cp_model.IntVar]) -> None:
    served: defaultdict[tuple[int, int, int], list[cp_model.IntVar]] = defaultdict(list)
    for e, expert in enumerate(problem.experts):
        for h in range(len(problem.hosts)):
            for week in range(problem.n_weeks):
                days = [x[(e, h, week * WEEKDAYS + i)] for i in range(WEEKDAYS)]
                serve = {s: model.new_bool_var("") for s in expert.specialties}
                model.add(sum(serve.values()) == sum(days))
                for s, var in serve.items():
                    served[(h, s, week)].append(var)
    for (h, s, week), sessions in served.items():
        model.add(sum(sessions) <= problem.hosts[h].demand.get((s, week), 0))
    for h, host in enumerate(problem.hosts):
        for week in range(problem.n_weeks):
            model.add(
                sum(x[(e, h, week * WEEKDAYS + i)] for e in range(len(problem.experts)) for i in range(WEEKDAYS))
                <= host.capacity
            )
