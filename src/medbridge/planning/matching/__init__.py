"""Placement matching: applicant-proposing deferred acceptance with quotas.

``solve(problem)`` runs the whole pipeline: validation (unknown and repeated ids,
negative quotas), reduction to mutually acceptable pairs, deferred acceptance and
the linear stability check. ``explain`` tells each applicant why."""

from __future__ import annotations

from dataclasses import dataclass

from medbridge.planning.matching.deferred_acceptance import deferred_acceptance
from medbridge.planning.matching.explain import Cutoff, Explanation, explain
from medbridge.planning.matching.problem import (
    InputProblem,
    IntArray,
    InvalidMatchingInput,
    Market,
    MatchingProblem,
    Preferences,
    prepare,
    validate,
)
from medbridge.planning.matching.stability import blocking_pairs, invalid_placements, is_stable


class UnstableMatching(RuntimeError):
    """Raised if the check finds a blocking pair: a bug, never bad input."""


@dataclass(frozen=True)
class MatchingResult:
    """The placement of every applicant (department index, -1 for none) and the market it was computed on."""

    market: Market
    assignment: IntArray

    def placements(self) -> dict[int, int]:
        return {a: int(d) for a, d in enumerate(self.assignment.tolist()) if d >= 0}

    def explain(self, applicants: list[int] | None = None) -> list[Explanation]:
        return explain(self.market, self.assignment, applicants)


def solve(problem: MatchingProblem) -> MatchingResult:
    market = prepare(problem)
    assignment = deferred_acceptance(market)
    problems = invalid_placements(market, assignment)
    pairs = blocking_pairs(market, assignment)
    if problems or len(pairs):
        raise UnstableMatching(problems or [f"blocking pair {pairs[0].tolist()}"])
    return MatchingResult(market=market, assignment=assignment)


__all__ = [
    "Cutoff",
    "Explanation",
    "InputProblem",
    "InvalidMatchingInput",
    "Market",
    "MatchingProblem",
    "MatchingResult",
    "Preferences",
    "UnstableMatching",
    "blocking_pairs",
    "deferred_acceptance",
    "explain",
    "is_stable",
    "prepare",
    "solve",
    "validate",
]
