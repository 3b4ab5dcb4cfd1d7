"""Checking a matching, vectorised and linear in the total length of the lists.

A pair (applicant a, department d) blocks when both are acceptable to each other,
a prefers d to their placement (or has none), and d has a free place or admitted
someone it ranks below a. With the cutoff of every department (the worst rank it
admitted) that is one comparison per entry of the applicants' lists."""

from __future__ import annotations

import numpy as np

from medbridge.planning.matching.problem import IntArray, Market


def cutoffs(market: Market, assignment: IntArray) -> tuple[IntArray, IntArray]:
    """Per department: how many it admitted, and the 0-based rank of its last admitted (-1 if none)."""
    placed = assignment >= 0
    counts = np.bincount(assignment[placed], minlength=market.n_departments).astype(np.int64)
    entry_owner = np.repeat(np.arange(market.n_applicants, dtype=np.int64), np.diff(market.ptr))
    chosen = market.departments == assignment[entry_owner]
    worst = np.full(market.n_departments, -1, dtype=np.int64)
    np.maximum.at(worst, market.departments[chosen], market.ranks[chosen])
    return counts, worst


def placement_positions(market: Market, assignment: IntArray) -> IntArray:
    """Per applicant, the position of their placement in their acceptable list (list length if unplaced)."""
    entry_owner = np.repeat(np.arange(market.n_applicants, dtype=np.int64), np.diff(market.ptr))
    chosen = np.flatnonzero(market.departments == assignment[entry_owner])
    position = np.diff(market.ptr).copy()
    position[entry_owner[chosen]] = chosen - market.ptr[entry_owner[chosen]]
    return position


def blocking_pairs(market: Market, assignment: IntArray) -> IntArray:
    """Every blocking pair as rows (applicant, department); empty when stable."""
    counts, worst = cutoffs(market, assignment)
    position = placement_positions(market, assignment)
    entry_owner = np.repeat(np.arange(market.n_applicants, dtype=np.int64), np.diff(market.ptr))
    entry_position = np.arange(len(market.departments), dtype=np.int64) - market.ptr[entry_owner]
    d = market.departments
    wanted = entry_position < position[entry_owner]
    open_or_beaten = (counts[d] < market.quotas[d]) | (market.ranks < worst[d])
    rows = np.flatnonzero(wanted & open_or_beaten)
    return np.stack([entry_owner[rows], d[rows]], axis=1)


def invalid_placements(market: Market, assignment: IntArray) -> list[str]:
    """Placements outside the acceptable pairs, and departments over quota."""
    problems: list[str] = []
    position = placement_positions(market, assignment)
    lengths = np.diff(market.ptr)
    for applicant in np.flatnonzero((assignment >= 0) & (position >= lengths))[:10]:
        problems.append(f"applicant {applicant} placed in unacceptable department {assignment[applicant]}")
    counts, _ = cutoffs(market, assignment)
    for department in np.flatnonzero(counts > market.quotas)[:10]:
        problems.append(f"department {department} over quota")
    return problems


def is_stable(market: Market, assignment: IntArray) -> bool:
    return not invalid_placements(market, assignment) and len(blocking_pairs(market, assignment)) == 0
