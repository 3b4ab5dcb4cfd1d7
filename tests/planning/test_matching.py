"""Placement matching: the result is the applicant-optimal stable matching, checked
against a brute force on tiny markets and against the ``matching`` library on
medium ones; bad input is refused with the place of every problem."""

from __future__ import annotations

import itertools
import sys
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from medbridge.planning.matching import (
    InvalidMatchingInput,
    MatchingProblem,
    blocking_pairs,
    prepare,
    solve,
)
from medbridge.planning.matching.instances import generate

Lists = list[list[int]]


@st.composite
def tiny_markets(draw: st.DrawFn) -> tuple[Lists, Lists, list[int]]:
    n_app = draw(st.integers(1, 4))
    n_dept = draw(st.integers(1, 3))
    applicants = [draw(st.permutations(range(n_dept)))[: draw(st.integers(0, n_dept))] for _ in range(n_app)]
    departments = [draw(st.permutations(range(n_app)))[: draw(st.integers(0, n_app))] for _ in range(n_dept)]
    quotas = [draw(st.integers(0, 2)) for _ in range(n_dept)]
    return applicants, departments, quotas


def naive_blocking(applicants: Lists, departments: Lists, quotas: list[int], match: list[int | None]) -> bool:
    """A blocking pair exists, or the matching breaks a quota or acceptability (written from the definition)."""
    for d, quota in enumerate(quotas):
        held = [a for a, m in enumerate(match) if m == d]
        if len(held) > quota or any(a not in departments[d] or d not in applicants[a] for a in held):
            return True
    for a, prefs in enumerate(applicants):
        better = prefs if match[a] is None else prefs[: prefs.index(match[a])]  # type: ignore[arg-type]
        for d in better:
            if a not in departments[d]:
                continue
            held = [b for b, m in enumerate(match) if m == d]
            if len(held) < quotas[d] or any(departments[d].index(a) < departments[d].index(b) for b in held):
                return True
    return False


def brute_force_applicant_optimal(applicants: Lists, departments: Lists, quotas: list[int]) -> list[int | None]:
    options = [[None, *prefs] for prefs in applicants]
    stable = [
        list(m) for m in itertools.product(*options) if not naive_blocking(applicants, departments, quotas, list(m))
    ]

    def rank(a: int, d: int | None) -> int:
        return len(applicants[a]) if d is None else applicants[a].index(d)

    return [min((m[a] for m in stable), key=lambda d: rank(a, d)) for a in range(len(applicants))]


@settings(max_examples=300, deadline=None)
@given(tiny_markets())
def test_the_matching_is_stable_and_the_best_stable_one_for_every_applicant(
    market: tuple[Lists, Lists, list[int]],
) -> None:
    applicants, departments, quotas = market
    result = solve(MatchingProblem.from_lists(applicants, departments, quotas))
    placed: list[int | None] = [None if d < 0 else d for d in result.assignment.tolist()]
    assert not naive_blocking(applicants, departments, quotas, placed)
    assert placed == brute_force_applicant_optimal(applicants, departments, quotas)


def matching_library(problem: MatchingProblem) -> np.ndarray:
    from matching.games import HospitalResident

    residents = {a: problem.applicant_prefs.of(a) for a in range(problem.n_applicants)}
    hospitals = {d: problem.department_prefs.of(d) for d in range(problem.n_departments)}
    capacities = {d: int(q) for d, q in enumerate(problem.quotas)}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # it warns for every pair that is not mutually acceptable
        game = HospitalResident.create_from_dictionaries(residents, hospitals, capacities, clean=True)
        solution = game.solve(optimal="resident")
    assignment = np.full(problem.n_applicants, -1)
    for hospital, matched in solution.items():
        for resident in matched:
            assignment[resident.name] = hospital.name
    return assignment


@pytest.mark.parametrize("seed", range(3))
def test_it_places_everyone_exactly_as_the_matching_library_does(seed: int) -> None:
    sys.setrecursionlimit(max(sys.getrecursionlimit(), 100_000))
    problem = generate(300, 30, 5, seed=seed)
    ours = solve(problem).assignment
    assert (ours == matching_library(problem)).all()
    assert (ours >= 0).sum() > 100


def test_the_stability_check_finds_the_pair_that_would_rather_be_together() -> None:
    problem = MatchingProblem.from_lists([[0, 1], [0]], [[0, 1], [1]], [1, 1])
    market = prepare(problem)
    swapped = np.array([1, 0])
    assert blocking_pairs(market, swapped).tolist() == [[0, 0]]
    assert blocking_pairs(market, solve(problem).assignment).tolist() == []


def test_it_refuses_unknown_and_repeated_ids_saying_where_they_are() -> None:
    problem = MatchingProblem.from_lists([[0, 5], [1, 1]], [[0, 1], [7]], [1, -1])
    with pytest.raises(InvalidMatchingInput) as refused:
        solve(problem)
    found = {(p.side, p.owner, p.position, p.code, p.value) for p in refused.value.problems}
    assert found == {
        ("applicant", 0, 1, "unknown", 5),
        ("applicant", 1, 1, "duplicate", 1),
        ("department", 1, 0, "unknown", 7),
        ("department", 1, -1, "negative_quota", -1),
    }


def test_ranking_a_department_that_does_not_rank_you_is_simply_not_a_placement() -> None:
    result = solve(MatchingProblem.from_lists([[0, 1]], [[], [0]], [1, 1]))
    assert result.placements() == {0: 1}


def test_the_explanation_gives_the_cutoff_of_every_department_ranked_higher() -> None:
    # Department 0 (one place) admits applicant 1, whom it ranks first; department 1
    # has room to spare; department 2 never ranked applicant 0.
    problem = MatchingProblem.from_lists([[2, 0, 1], [0]], [[1, 0], [0], []], [1, 2, 1])
    (explanation,) = solve(problem).explain([0])
    assert explanation.placement == 1
    assert [(c.department, c.applicant_rank, c.cutoff_rank) for c in explanation.preferred] == [
        (2, None, None),
        (0, 2, 1),
    ]
    assert explanation.preferred[0].not_full
