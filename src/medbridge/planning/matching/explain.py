"""Why each applicant landed where they did: for every department they ranked
above their placement, that department's cutoff (the rank of its last admitted
applicant) next to the applicant's own rank there, or that it was not full."""

from __future__ import annotations

from dataclasses import dataclass

from medbridge.planning.matching.problem import IntArray, Market
from medbridge.planning.matching.stability import cutoffs


@dataclass(frozen=True)
class Cutoff:
    """One department the applicant preferred. Ranks are 1-based, as people read them.

    ``applicant_rank`` is None when the department did not rank the applicant at all;
    ``cutoff_rank`` is None when the department did not fill its places."""

    department: int
    applicant_rank: int | None
    cutoff_rank: int | None

    @property
    def not_full(self) -> bool:
        return self.cutoff_rank is None


@dataclass(frozen=True)
class Explanation:
    applicant: int
    placement: int | None
    preferred: list[Cutoff]


def explain(market: Market, assignment: IntArray, applicants: list[int] | None = None) -> list[Explanation]:
    counts, worst = cutoffs(market, assignment)
    full = (counts >= market.quotas).tolist()
    worst_list = worst.tolist()
    wanted = range(market.n_applicants) if applicants is None else applicants
    return [_explain_one(market, assignment, a, full, worst_list) for a in wanted]


def _explain_one(
    market: Market, assignment: IntArray, applicant: int, full: list[bool], worst: list[int]
) -> Explanation:
    placement = int(assignment[applicant])
    lo, hi = int(market.ptr[applicant]), int(market.ptr[applicant + 1])
    acceptable_rank = dict(zip(market.departments[lo:hi].tolist(), market.ranks[lo:hi].tolist(), strict=True))
    preferred: list[Cutoff] = []
    for department in market.problem.applicant_prefs.of(applicant):
        if department == placement:
            break
        rank = acceptable_rank.get(department)
        cutoff = worst[department] + 1 if full[department] else None
        preferred.append(Cutoff(department, None if rank is None else rank + 1, cutoff))
    return Explanation(applicant, placement if placement >= 0 else None, preferred)
