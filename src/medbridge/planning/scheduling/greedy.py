"""A first plan in well under a second, before the solver has finished presolving.

Candidates go by host priority, scarcest demand first. The first pass stops every
host at its fair share; only if every host then has its share does a second pass
go beyond it, so the plan is fair by construction. It also seeds the solver
(as a hint), which then only has to improve on it."""

from __future__ import annotations

from collections import Counter, defaultdict

from medbridge.planning.scheduling.problem import ScheduleProblem, month_of, runs
from medbridge.planning.scheduling.solving import Visit

Key = tuple[int, int, int, int]


class _Ledger:
    """What the plan so far has used of every limit."""

    def __init__(self, problem: ScheduleProblem) -> None:
        self.problem = problem
        free = [runs(e.weekdays) for e in problem.experts]
        self.days = [sum(len(r) for r in rs) for rs in free]
        self.pairs = [sum(len(r) // 2 for r in rs) for rs in free]
        self.used_days: Counter[tuple[int, int]] = Counter()
        self.used_pairs: Counter[tuple[int, int]] = Counter()
        self.monthly: Counter[tuple[int, int]] = Counter()
        self.host_week: Counter[tuple[int, int]] = Counter()
        self.served: Counter[tuple[int, int, int]] = Counter()
        self.totals: Counter[int] = Counter()
        self.visited: defaultdict[tuple[int, int], set[int]] = defaultdict(set)

    def fits(self, key: Key, cap: list[int]) -> bool:
        e, h, w, s = key
        problem, length = self.problem, self.problem.trip_days(e, h) or 1
        gap = max(problem.min_spacing_weeks, 1)
        return (
            self.totals[h] < cap[h]
            and self.served[(h, s, w)] < problem.hosts[h].demand[(s, w)]
            and self.host_week[(h, w)] < problem.hosts[h].capacity
            and self.monthly[(e, month_of(w))] < problem.experts[e].max_per_month
            and self.used_days[(e, w)] + length <= self.days[e]
            and (length == 1 or self.used_pairs[(e, w)] < self.pairs[e])
            and not any(abs(w - other) < gap for other in self.visited[(e, h)])
        )

    def take(self, key: Key) -> None:
        e, h, w, s = key
        length = self.problem.trip_days(e, h) or 1
        self.served[(h, s, w)] += 1
        self.host_week[(h, w)] += 1
        self.monthly[(e, month_of(w))] += 1
        self.used_days[(e, w)] += length
        self.used_pairs[(e, w)] += length == 2
        self.totals[h] += 1
        self.visited[(e, h)].add(w)


def greedy_plan(problem: ScheduleProblem, keys: list[Key]) -> list[Visit]:
    able = Counter((h, w, s) for _, h, w, s in keys)
    order = sorted(keys, key=lambda k: (-problem.hosts[k[1]].weight, able[(k[1], k[2], k[3])], k[2], k[0]))
    ledger = _Ledger(problem)
    shares = problem.shares()
    chosen = _fill(ledger, order, shares)
    if all(ledger.totals[h] >= share for h, share in enumerate(shares)):
        chosen += _fill(ledger, order, [host.total_demand for host in problem.hosts])
    return sorted(chosen)


def _fill(ledger: _Ledger, order: list[Key], cap: list[int]) -> list[Visit]:
    chosen = []
    for key in order:
        if ledger.fits(key, cap):
            ledger.take(key)
            chosen.append(Visit(*key))
    return chosen
