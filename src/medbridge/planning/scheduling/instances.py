"""Seeded schedule instances for tests and benchmarks, shaped like BRIEF programme 1
(233 experts flexibly introduced from strong cities, 40 host departments in
counties, a year of 52 weeks): a few specialties are common, most are rare; hosts
in poorer counties weigh more; travel time follows the distance between cities."""

from __future__ import annotations

import numpy as np

from medbridge.planning.scheduling.problem import Expert, Host, ScheduleProblem


def generate(
    n_experts: int = 233,
    n_hosts: int = 40,
    n_weeks: int = 52,
    *,
    seed: int,
    n_specialties: int = 12,
    n_cities: int = 12,
    stations_per_expert: tuple[int, int] | None = (2, 7),
) -> ScheduleProblem:
    rng = np.random.default_rng(seed)
    where = rng.uniform(0, 600, size=(n_cities, 2))
    hours = np.linalg.norm(where[:, None, :] - where[None, :, :], axis=2) / 80 + 0.5
    popular = 1.0 / np.arange(1, n_specialties + 1)
    popular /= popular.sum()
    host_cities = rng.integers(3, n_cities, size=n_hosts)
    hosts = tuple(_host(rng, int(city), n_weeks, popular) for city in host_cities)
    experts = tuple(_expert(rng, hours, host_cities, n_weeks, popular, stations_per_expert) for _ in range(n_experts))
    return ScheduleProblem(experts=experts, hosts=hosts, n_weeks=n_weeks)


def _host(rng: np.random.Generator, city: int, n_weeks: int, popular: np.ndarray) -> Host:
    wanted = rng.choice(len(popular), size=int(rng.integers(2, 5)), replace=False, p=popular)
    demand: dict[tuple[int, int], int] = {}
    for specialty in wanted:
        counts = np.minimum(rng.poisson(0.7, size=n_weeks), 2)
        demand.update({(int(specialty), week): int(n) for week, n in enumerate(counts) if n})
    return Host(city=city, weight=int(rng.integers(1, 6)), capacity=int(rng.integers(2, 5)), demand=demand)


def _expert(
    rng: np.random.Generator,
    hours: np.ndarray,
    host_cities: np.ndarray,
    n_weeks: int,
    popular: np.ndarray,
    stations: tuple[int, int] | None,
) -> Expert:
    """``stations``: how many host departments an expert is appointed to (None: all of them)."""
    home = int(rng.integers(0, 3))
    specialties = rng.choice(len(popular), size=1 + int(rng.random() < 0.3), replace=False, p=popular)
    weekdays = rng.choice(5, size=int(rng.integers(2, 5)), replace=False)
    return Expert(
        city=home,
        specialties=frozenset(int(s) for s in specialties),
        weekdays=frozenset(int(d) for d in weekdays),
        weeks=frozenset(int(w) for w in np.flatnonzero(rng.random(n_weeks) < 0.75)),
        max_per_month=int(rng.integers(2, 5)),
        travel_hours=tuple(float(round(hours[home, c], 1)) for c in host_cities),
        hosts=_stations(rng, len(host_cities), stations),
    )


def _stations(rng: np.random.Generator, n_hosts: int, stations: tuple[int, int] | None) -> frozenset[int]:
    if stations is None:
        return frozenset()
    count = min(n_hosts, int(rng.integers(*stations)))
    return frozenset(int(h) for h in rng.choice(n_hosts, size=count, replace=False))
