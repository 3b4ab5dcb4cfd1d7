"""Seeded market instances for tests and benchmarks: departments' popularity is
Zipf-skewed, and each department ranks the applicants who applied by a score
(a shared merit plus its own taste), leaving out a few it finds unacceptable."""

from __future__ import annotations

import numpy as np

from medbridge.planning.matching.problem import MatchingProblem, Preferences


def generate(
    n_applicants: int,
    n_departments: int,
    list_length: int,
    *,
    seed: int,
    zipf: float = 1.0,
    capacity_ratio: float = 0.9,
    unacceptable: float = 0.05,
) -> MatchingProblem:
    rng = np.random.default_rng(seed)
    popularity = 1.0 / np.arange(1, n_departments + 1) ** zipf
    popularity = rng.permutation(popularity / popularity.sum())
    applicant_lists = _applicant_lists(rng, n_applicants, list_length, popularity)
    applicant_prefs = Preferences(
        ptr=np.arange(0, n_applicants * list_length + 1, list_length, dtype=np.int64),
        items=applicant_lists.ravel(),
    )
    department_prefs = _department_lists(rng, applicant_prefs, n_departments, unacceptable)
    quotas = np.maximum(1, rng.poisson(capacity_ratio * n_applicants / n_departments, n_departments)).astype(np.int64)
    return MatchingProblem(applicant_prefs=applicant_prefs, department_prefs=department_prefs, quotas=quotas)


def _applicant_lists(rng: np.random.Generator, n: int, k: int, popularity: np.ndarray) -> np.ndarray:
    """k distinct departments per applicant, drawn by popularity without replacement."""
    k = min(k, len(popularity))
    draws = rng.choice(len(popularity), size=(n, 4 * k), p=popularity)
    lists = np.empty((n, k), dtype=np.int64)
    for row in range(n):
        _, first = np.unique(draws[row], return_index=True)
        distinct = draws[row][np.sort(first)]
        if len(distinct) < k:
            rest = rng.choice(len(popularity), size=len(popularity), replace=False, p=popularity)
            distinct = np.concatenate([distinct, rest[~np.isin(rest, distinct)]])
        lists[row] = distinct[:k]
    return lists


def _department_lists(
    rng: np.random.Generator, applicant_prefs: Preferences, n_departments: int, unacceptable: float
) -> Preferences:
    owners = applicant_prefs.owners()
    departments = applicant_prefs.items
    merit = rng.normal(size=len(applicant_prefs))
    score = merit[owners] + 0.5 * rng.normal(size=len(owners))
    keep = rng.random(len(owners)) >= unacceptable
    owners, departments, score = owners[keep], departments[keep], score[keep]
    order = np.lexsort((-score, departments))
    counts = np.bincount(departments, minlength=n_departments)
    ptr = np.concatenate(([0], np.cumsum(counts))).astype(np.int64)
    return Preferences(ptr=ptr, items=owners[order].astype(np.int64))
