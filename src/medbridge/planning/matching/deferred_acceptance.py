"""Applicant-proposing deferred acceptance with department quotas.

Each department keeps a slot per position of its own ranked list (``held``) and
the worst rank it holds. Once a department is full its worst rank only improves,
so the scan for the next-worst holder walks each department's list at most once:
the whole run is linear in the total length of the lists.
"""

from __future__ import annotations

import numpy as np

from medbridge.planning.matching.problem import IntArray, Market


def deferred_acceptance(market: Market) -> IntArray:
    """The applicant-optimal stable matching: department per applicant, -1 if none."""
    ptr = market.ptr.tolist()
    departments = market.departments.tolist()
    ranks = market.ranks.tolist()
    offset = market.problem.department_prefs.ptr.tolist()
    quota = market.quotas.tolist()
    held = [-1] * (offset[-1] + 1)
    count = [0] * market.n_departments
    worst = [-1] * market.n_departments
    nxt = ptr[:-1]
    assigned = [-1] * market.n_applicants
    for first in range(market.n_applicants):
        applicant = first
        while applicant >= 0:
            applicant = _propose(applicant, ptr, nxt, departments, ranks, offset, quota, held, count, worst, assigned)
    return np.asarray(assigned, dtype=np.int64)


def _propose(
    applicant: int,
    ptr: list[int],
    nxt: list[int],
    departments: list[int],
    ranks: list[int],
    offset: list[int],
    quota: list[int],
    held: list[int],
    count: list[int],
    worst: list[int],
    assigned: list[int],
) -> int:
    """Walk ``applicant`` down their list until held; return whom that displaced (-1: nobody)."""
    p = nxt[applicant]
    end = ptr[applicant + 1]
    while p < end:
        d = departments[p]
        r = ranks[p]
        p += 1
        if count[d] < quota[d]:
            held[offset[d] + r] = applicant
            count[d] += 1
            if r > worst[d]:
                worst[d] = r
            nxt[applicant] = p
            assigned[applicant] = d
            return -1
        w = worst[d]
        if r < w:
            base = offset[d]
            displaced = held[base + w]
            held[base + w] = -1
            held[base + r] = applicant
            w -= 1
            while held[base + w] < 0:
                w -= 1
            worst[d] = w
            nxt[applicant] = p
            assigned[applicant] = d
            assigned[displaced] = -1
            return displaced
    nxt[applicant] = p
    return -1
