"""Adapters between the database and the pure matching algorithm: a round's rows
become a ``MatchingProblem`` of integer lists, and the result (placements, cutoffs,
explanations, input problems in English codes) comes back as ids and Chinese text.

The numbering is the order of ``RoundInput.applications`` and
``RoundInput.departments``; nothing else needs to know it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from medbridge.planning.matching import Explanation, InputProblem, MatchingProblem, MatchingResult
from medbridge.planning.models import Application, MatchingRound, RankingRule, RoundDepartment

# Senior titles first when a department ranks by title; no title last.
TITLE_LEVELS = ("senior", "deputy_senior", "intermediate", "junior", "assistant")


@dataclass(frozen=True)
class RoundInput:
    """A round as the matcher sees it, with the map back to its rows."""

    problem: MatchingProblem
    applications: list[Application]
    departments: list[RoundDepartment]


def _title_level(application: Application) -> int:
    title = application.professional.title
    return TITLE_LEVELS.index(title.level) if title and title.level in TITLE_LEVELS else len(TITLE_LEVELS)


def _need(application: Application) -> int:
    # The weaker the sending hospital (lower grade rank, or no grade at all), the
    # greater its county's need of a trained doctor.
    grade = application.home_institution.grade
    return grade.rank if grade is not None else -1


def rule_key(rule: str, application: Application) -> tuple[int, ...]:
    """Sort key of an applicant under a ranking rule; ties go to whoever applied first."""
    years = -application.years_of_service
    if rule == RankingRule.TITLE:
        return (_title_level(application), years, application.pk)
    if rule == RankingRule.SERVICE:
        return (years, _title_level(application), application.pk)
    return (_need(application), years, application.pk)


def department_order(department: RoundDepartment, applicants: list[Application]) -> list[Application]:
    """How a department ranks the applicants who chose it, best first."""
    if department.rule == RankingRule.MANUAL:
        ranked = {r.application_id: r.rank for r in department.rankings.all()}
        return sorted((a for a in applicants if a.pk in ranked), key=lambda a: ranked[a.pk])
    return sorted(applicants, key=lambda a: rule_key(department.rule, a))


def round_input(round_: MatchingRound) -> RoundInput:
    departments = list(
        round_.departments.select_related("department__institution").prefetch_related("rankings").order_by("pk")
    )
    applications = list(
        round_.applications.select_related("professional__title", "home_institution__grade")
        .prefetch_related("choices")
        .order_by("pk")
    )
    dept_index = {d.pk: i for i, d in enumerate(departments)}
    app_index = {a.pk: i for i, a in enumerate(applications)}
    choosers: dict[int, list[Application]] = {d.pk: [] for d in departments}
    applicant_prefs = []
    for application in applications:
        chosen = sorted(application.choices.all(), key=lambda c: c.rank)
        applicant_prefs.append([dept_index[c.department_id] for c in chosen])
        for choice in chosen:
            choosers[choice.department_id].append(application)
    department_prefs = [[app_index[a.pk] for a in department_order(d, choosers[d.pk])] for d in departments]
    problem = MatchingProblem.from_lists(applicant_prefs, department_prefs, [d.quota for d in departments])
    return RoundInput(problem=problem, applications=applications, departments=departments)


def input_message(problem: InputProblem, data: RoundInput) -> str:
    """An algorithm's input problem (English code) as a Chinese message naming the row."""
    if problem.side == "applicant":
        owner = data.applications[problem.owner].professional.name
    else:
        owner = str(data.departments[problem.owner]) if problem.owner < len(data.departments) else ""
    messages = {
        "unknown": _("%(owner)s 的排序中第%(pos)s位不是本轮的科室或申请人"),
        "duplicate": _("%(owner)s 的排序中第%(pos)s位重复"),
        "negative_quota": _("%(owner)s 的名额不能为负数"),
        "quota_count": _("科室名额与科室数量不一致"),
    }
    return messages[problem.code] % {"owner": owner, "pos": problem.position + 1}


def explanation_rows(explanation: Explanation, data: RoundInput) -> list[dict[str, Any]]:
    """For each department ranked above the placement: its id, the applicant's rank
    there (None if it did not rank them) and its cutoff (None if not full)."""
    return [
        {
            "department": data.departments[c.department].pk,
            "applicant_rank": c.applicant_rank,
            "cutoff_rank": c.cutoff_rank,
        }
        for c in explanation.preferred
    ]


def department_results(result: MatchingResult, data: RoundInput) -> list[tuple[RoundDepartment, int, int | None]]:
    """Each department with how many it admitted and its cutoff (1-based rank of
    its last admitted applicant, None when it admitted nobody)."""
    market = result.market
    admitted: dict[int, list[int]] = {}
    for a, d in result.placements().items():
        lo, hi = int(market.ptr[a]), int(market.ptr[a + 1])
        ranks = dict(zip(market.departments[lo:hi].tolist(), market.ranks[lo:hi].tolist(), strict=True))
        admitted.setdefault(d, []).append(ranks[d] + 1)
    return [
        (dept, len(admitted.get(i, [])), max(admitted[i]) if i in admitted else None)
        for i, dept in enumerate(data.departments)
    ]
