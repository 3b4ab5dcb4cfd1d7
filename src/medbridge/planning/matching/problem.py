"""The input of a placement round as integer arrays, its validation, and the
prepared market the algorithm runs on.

Applicants and departments are numbered ``0..n-1``; the adapter keeps the map to
database ids. A preference list is stored in CSR form (``ptr``/``items``), the
layout that keeps 45,000 lists in two flat arrays instead of 45,000 Python lists.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import NDArray

IntArray = NDArray[np.int64]


@dataclass(frozen=True)
class Preferences:
    """Ranked lists, best first: owner ``i`` ranks ``items[ptr[i]:ptr[i + 1]]``."""

    ptr: IntArray
    items: IntArray

    @classmethod
    def from_lists(cls, lists: Sequence[Sequence[int]]) -> Preferences:
        lengths = np.fromiter((len(row) for row in lists), dtype=np.int64, count=len(lists))
        ptr = np.zeros(len(lists) + 1, dtype=np.int64)
        np.cumsum(lengths, out=ptr[1:])
        items = np.fromiter((item for row in lists for item in row), dtype=np.int64, count=int(ptr[-1]))
        return cls(ptr=ptr, items=items)

    def __len__(self) -> int:
        return len(self.ptr) - 1

    def of(self, owner: int) -> list[int]:
        return [int(x) for x in self.items[self.ptr[owner] : self.ptr[owner + 1]]]

    def owners(self) -> IntArray:
        """The owner of every entry of ``items``."""
        return np.repeat(np.arange(len(self), dtype=np.int64), np.diff(self.ptr))

    def positions(self) -> IntArray:
        """The 0-based position of every entry within its owner's list."""
        return np.arange(len(self.items), dtype=np.int64) - np.repeat(self.ptr[:-1], np.diff(self.ptr))


@dataclass(frozen=True)
class MatchingProblem:
    """Who ranks whom, and how many places each department has."""

    applicant_prefs: Preferences
    department_prefs: Preferences
    quotas: IntArray

    @classmethod
    def from_lists(
        cls,
        applicant_prefs: Sequence[Sequence[int]],
        department_prefs: Sequence[Sequence[int]],
        quotas: Sequence[int],
    ) -> MatchingProblem:
        return cls(
            applicant_prefs=Preferences.from_lists(applicant_prefs),
            department_prefs=Preferences.from_lists(department_prefs),
            quotas=np.asarray(quotas, dtype=np.int64),
        )

    @property
    def n_applicants(self) -> int:
        return len(self.applicant_prefs)

    @property
    def n_departments(self) -> int:
        return len(self.department_prefs)


ProblemCode = Literal["unknown", "duplicate", "negative_quota", "quota_count"]
Side = Literal["applicant", "department"]


@dataclass(frozen=True)
class InputProblem:
    """One thing wrong with the input: ``owner``'s list holds ``value`` at
    ``position`` which is unknown or repeated; or a quota is negative. The adapter
    turns the code into a Chinese message next to the right row."""

    side: Side
    owner: int
    position: int
    code: ProblemCode
    value: int


class InvalidMatchingInput(ValueError):
    def __init__(self, problems: list[InputProblem]) -> None:
        super().__init__(f"{len(problems)} problem(s) in the matching input, first: {problems[0]}")
        self.problems = problems


@dataclass(frozen=True)
class Market:
    """The problem reduced to mutually acceptable pairs: applicant lists keep only
    departments that rank the applicant back, and each entry carries the
    applicant's 0-based rank in that department's list."""

    problem: MatchingProblem
    ptr: IntArray
    departments: IntArray
    ranks: IntArray
    quotas: IntArray

    @property
    def n_applicants(self) -> int:
        return self.problem.n_applicants

    @property
    def n_departments(self) -> int:
        return self.problem.n_departments


def validate(problem: MatchingProblem, limit: int = 100) -> list[InputProblem]:
    """Every unknown id, repeated id and negative quota, at most ``limit`` of them."""
    found: list[InputProblem] = []
    found += _list_problems(problem.applicant_prefs, problem.n_departments, "applicant")
    found += _list_problems(problem.department_prefs, problem.n_applicants, "department")
    if len(problem.quotas) != problem.n_departments:
        found.append(InputProblem("department", -1, -1, "quota_count", len(problem.quotas)))
    for department in np.flatnonzero(problem.quotas < 0)[:limit]:
        found.append(InputProblem("department", int(department), -1, "negative_quota", int(problem.quotas[department])))
    return found[:limit]


def _list_problems(prefs: Preferences, n_other: int, side: Side) -> list[InputProblem]:
    items = prefs.items
    unknown = np.flatnonzero((items < 0) | (items >= n_other))
    owners = prefs.owners()
    keys = owners * max(n_other, 1) + np.clip(items, 0, max(n_other - 1, 0))
    order = np.argsort(keys, kind="stable")
    repeated = order[1:][keys[order[1:]] == keys[order[:-1]]]
    repeated = np.setdiff1d(repeated, unknown)
    positions = prefs.positions()

    def problem(entry: int, code: ProblemCode) -> InputProblem:
        return InputProblem(side, int(owners[entry]), int(positions[entry]), code, int(items[entry]))

    return [problem(e, "unknown") for e in unknown[:100]] + [problem(e, "duplicate") for e in repeated[:100]]


def prepare(problem: MatchingProblem) -> Market:
    """Validate, then keep only mutually acceptable pairs with their ranks.

    An applicant who ranks a department that does not rank them back is not an
    error: the pair is simply not acceptable, as in the ``matching`` library."""
    problems = validate(problem)
    if problems:
        raise InvalidMatchingInput(problems)
    n_app = max(problem.n_applicants, 1)
    dept = problem.department_prefs
    dept_keys = dept.owners() * n_app + dept.items
    order = np.argsort(dept_keys)
    sorted_keys = dept_keys[order]
    app = problem.applicant_prefs
    keys = app.items * n_app + app.owners()
    if len(sorted_keys) == 0:  # nobody is ranked by any department
        sorted_keys, order = np.array([-1], dtype=np.int64), np.zeros(1, dtype=np.int64)
    at = np.minimum(np.searchsorted(sorted_keys, keys), len(sorted_keys) - 1)
    acceptable = sorted_keys[at] == keys
    ranks = np.append(dept.positions(), 0)[order[at]]
    return Market(
        problem=problem,
        ptr=_kept_ptr(app.ptr, acceptable),
        departments=app.items[acceptable],
        ranks=ranks[acceptable],
        quotas=problem.quotas.astype(np.int64, copy=False),
    )


def _kept_ptr(ptr: IntArray, keep: NDArray[np.bool_]) -> IntArray:
    counts = np.concatenate(([0], np.cumsum(keep, dtype=np.int64)))
    return counts[ptr]
