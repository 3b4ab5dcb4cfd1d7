"""Turning a week's visits into days: two-day trips (travel day, session day) go
into runs of consecutive free weekdays first, then day trips fill what is left.
The compact model's two packing constraints guarantee this always fits."""

from __future__ import annotations

from collections import defaultdict

from medbridge.planning.scheduling.problem import ScheduleProblem, Session, runs
from medbridge.planning.scheduling.solving import Visit


def assign_weekdays(problem: ScheduleProblem, visits: list[Visit]) -> list[Session]:
    weekly: defaultdict[tuple[int, int], list[Visit]] = defaultdict(list)
    for visit in visits:
        weekly[(visit.expert, visit.week)].append(visit)
    sessions = []
    for (expert, _), trips in sorted(weekly.items()):
        sessions += _pack(problem, expert, trips)
    return sorted(sessions)


def _pack(problem: ScheduleProblem, expert: int, trips: list[Visit]) -> list[Session]:
    free = runs(problem.experts[expert].weekdays)
    pairs = [run[i + 1] for run in free for i in range(0, len(run) - 1, 2)]
    two_day = [t for t in trips if problem.trip_days(t.expert, t.host) == 2]
    one_day = [t for t in trips if problem.trip_days(t.expert, t.host) == 1]
    used = {day for session_day in pairs[: len(two_day)] for day in (session_day - 1, session_day)}
    singles = [day for run in free for day in run if day not in used]
    if len(two_day) > len(pairs) or len(one_day) > len(singles):
        raise ValueError(f"expert {expert}'s trips do not fit their free days")
    placed = list(zip(two_day, pairs, strict=False)) + list(zip(one_day, singles, strict=False))
    return [Session(t.week, day, t.expert, t.host, t.specialty) for t, day in placed]
