"""Visiting schedules: every plan keeps every rule, on tiny instances it is as good
as the best plan found by trying them all, and the unmet demand of each host is
put down to the reason a programme office can act on."""

from __future__ import annotations

import dataclasses
import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from medbridge.planning.scheduling import (
    Expert,
    Host,
    InvalidScheduleInput,
    ScheduleProblem,
    Session,
    objective,
    plan,
    violations,
)
from medbridge.planning.scheduling.instances import generate


@st.composite
def tiny_problems(draw: st.DrawFn) -> ScheduleProblem:
    n_hosts, n_weeks = draw(st.integers(1, 2)), draw(st.integers(1, 2))
    specialties = st.frozensets(st.integers(0, 1), min_size=1, max_size=2)

    def expert() -> Expert:
        return Expert(
            city=0,
            specialties=draw(specialties),
            weekdays=draw(st.frozensets(st.integers(0, 4), min_size=1, max_size=2)),
            weeks=draw(st.frozensets(st.integers(0, n_weeks - 1), min_size=1, max_size=n_weeks)),
            max_per_month=draw(st.integers(1, 3)),
            travel_hours=tuple(draw(st.sampled_from([1.0, 1.0, 5.0, 10.0])) for _ in range(n_hosts)),
            hosts=draw(st.frozensets(st.integers(0, n_hosts - 1), max_size=n_hosts)),
        )

    def host() -> Host:
        keys = [(s, w) for s in range(2) for w in range(n_weeks)]
        demand = {key: n for key in keys if (n := draw(st.integers(0, 2)))}
        return Host(city=1, weight=draw(st.integers(1, 3)), capacity=draw(st.integers(1, 2)), demand=demand)

    return ScheduleProblem(
        experts=tuple(expert() for _ in range(draw(st.integers(1, 2)))),
        hosts=tuple(host() for _ in range(n_hosts)),
        n_weeks=n_weeks,
        min_spacing_weeks=draw(st.integers(1, 2)),
        fair_share=draw(st.sampled_from([0.0, 0.5, 1.0])),
    )


def expert_plans(problem: ScheduleProblem, e: int) -> list[list[Session]]:
    """Every set of sessions one expert could hold, checked against the rules except fairness."""
    unfair_ok = dataclasses.replace(problem, fair_share=0.0)
    expert = problem.experts[e]
    slots = [(w, d) for w in sorted(expert.weeks) for d in sorted(expert.weekdays)]
    options = [None, *[(h, s) for h in range(len(problem.hosts)) for s in sorted(expert.specialties)]]
    plans = []
    for choice in itertools.product(options, repeat=len(slots)):
        sessions = [Session(w, d, e, *c) for (w, d), c in zip(slots, choice, strict=True) if c is not None]
        if not violations(unfair_ok, sessions):
            plans.append(sessions)
    return plans


def brute_force_optimum(problem: ScheduleProblem) -> int:
    per_expert = [expert_plans(problem, e) for e in range(len(problem.experts))]
    return max(
        objective(problem, sessions)
        for combination in itertools.product(*per_expert)
        if not violations(problem, sessions := [s for part in combination for s in part])
    )


@settings(max_examples=60, deadline=None)
@given(tiny_problems())
def test_the_plan_keeps_every_rule_and_is_as_good_as_trying_every_plan(problem: ScheduleProblem) -> None:
    result = plan(problem, seconds=10, workers=1, gap=0.0)
    assert violations(problem, result.sessions) == []
    assert objective(problem, result.sessions) == result.objective == brute_force_optimum(problem)


@pytest.mark.parametrize("seed", range(2))
def test_a_programme_sized_down_gets_a_valid_plan_and_every_unmet_session_has_a_reason(seed: int) -> None:
    problem = generate(30, 8, 12, seed=seed, stations_per_expert=(2, 5))
    result = plan(problem, seconds=20, workers=1)
    assert violations(problem, result.sessions) == []
    assert result.stats.gap <= 0.02
    for outcome in result.outcomes:
        assert outcome.covered + outcome.no_expert + outcome.capacity + outcome.fairness == outcome.demand
    assert sum(o.covered for o in result.outcomes) == len(result.sessions) > 0


def expert(**changes: object) -> Expert:
    base = Expert(
        city=0,
        specialties=frozenset({0}),
        weekdays=frozenset({0, 1, 2, 3, 4}),
        weeks=frozenset({0, 1, 2, 3}),
        max_per_month=2,
        travel_hours=(1.0, 1.0),
    )
    return dataclasses.replace(base, **changes)  # type: ignore[arg-type]


def test_demand_nobody_can_serve_is_put_down_to_a_missing_expert() -> None:
    needy = Host(city=1, weight=5, capacity=3, demand={(0, 0): 1, (7, 0): 2})
    problem = ScheduleProblem(experts=(expert(travel_hours=(1.0,)),), hosts=(needy,), n_weeks=4, fair_share=0.0)
    (outcome,) = plan(problem, workers=1).outcomes
    assert (outcome.covered, outcome.no_expert, outcome.missing_specialties) == (1, 2, (7,))


def test_no_host_gets_more_than_its_share_while_another_lacks_its_share() -> None:
    # One expert, two sessions a month. Without fairness both would go to the
    # heavier host; with fair shares of half the demand each host gets one.
    heavy = Host(city=1, weight=5, capacity=2, demand={(0, 0): 1, (0, 2): 1})
    light = Host(city=2, weight=1, capacity=2, demand={(0, 1): 1, (0, 3): 1})
    problem = ScheduleProblem(experts=(expert(),), hosts=(heavy, light), n_weeks=4, fair_share=0.5)
    result = plan(problem, workers=1, gap=0.0)
    assert sorted(s.host for s in result.sessions) == [0, 1]
    assert [(o.covered, o.fairness, o.capacity) for o in result.outcomes] == [(1, 1, 0), (1, 1, 0)]
    unfair = plan(dataclasses.replace(problem, fair_share=0.0), workers=1, gap=0.0)
    assert sorted(s.host for s in unfair.sessions) == [0, 0]


def test_a_far_host_costs_the_expert_a_travel_day_before_the_session() -> None:
    host = Host(city=1, weight=1, capacity=5, demand={(0, 0): 1})
    near = expert(weekdays=frozenset({0, 2}), travel_hours=(1.0,), max_per_month=5)
    far = expert(weekdays=frozenset({0, 2}), travel_hours=(5.0,), max_per_month=5)
    assert len(plan(ScheduleProblem((near,), (host,), 1, fair_share=0.0), workers=1).sessions) == 1
    assert plan(ScheduleProblem((far,), (host,), 1, fair_share=0.0), workers=1).sessions == []
    two_days = expert(weekdays=frozenset({1, 2}), travel_hours=(5.0,), max_per_month=5)
    (session,) = plan(ScheduleProblem((two_days,), (host,), 1, fair_share=0.0), workers=1).sessions
    assert session.weekday == 2


def test_it_refuses_input_it_cannot_plan_with_and_says_what_is_wrong() -> None:
    host = Host(city=1, weight=1, capacity=1, demand={(0, 9): 1})
    problem = ScheduleProblem(experts=(expert(travel_hours=(1.0, 2.0)),), hosts=(host,), n_weeks=4)
    with pytest.raises(InvalidScheduleInput) as refused:
        plan(problem)
    assert refused.value.problems == [
        "host 0: demand outside the horizon",
        "expert 0: travel time needed for each of the 1 hosts",
    ]
