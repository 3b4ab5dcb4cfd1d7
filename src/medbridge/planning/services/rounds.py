"""Writes for matching rounds. Pages, the API and the importer call these; each rule
lives here once:

- a round's departments and applicants belong to the programme's parties;
- a round is edited while it collects applications; any edit after a run clears the
  run's results, so a published result is always the result of the data shown;
- running calls the pure matcher through ``adapters``; publishing turns every
  placement into a planned posting through ``posting_create`` (so the posting
  rules, overlaps first, apply), all or nothing, naming everyone who cannot go.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from medbridge.accounts import access
from medbridge.accounts.audit import acting_as
from medbridge.directory.models import Department, Institution, Professional
from medbridge.directory.services import Errors, data_values
from medbridge.planning.adapters import matching as adapters
from medbridge.planning.matching import InvalidMatchingInput, solve
from medbridge.planning.models import (
    Application,
    ApplicationChoice,
    DepartmentRanking,
    MatchingRound,
    RankingRule,
    RoundDepartment,
    RoundKind,
    RoundStatus,
)
from medbridge.postings.services import PostingData, posting_create
from medbridge.programmes.models import Programme

# --- Rounds --------------------------------------------------------------------------


@dataclass
class RoundData:
    programme: Programme
    kind: str
    title: str
    placement_start: date
    placement_end: date


def round_validate(data: RoundData) -> None:
    errors = Errors()
    if data.kind not in RoundKind.values:
        errors.add("kind", _("未知的轮次类型"))
    if not data.title.strip():
        errors.add("title", _("请填写名称"))
    if data.placement_end < data.placement_start:
        errors.add("placement_end", _("结束日期不能早于开始日期"))
    programme = data.programme
    if data.placement_start < programme.start_date:
        errors.add("placement_start", _("不能早于项目开始日期（%(d)s）") % {"d": programme.start_date})
    if programme.end_date and data.placement_end > programme.end_date:
        errors.add("placement_end", _("不能晚于项目结束日期（%(d)s）") % {"d": programme.end_date})
    errors.raise_if_any()


def round_open(*, actor: Any, data: RoundData) -> MatchingRound:
    access.require_can_edit_programme(actor, data.programme)
    data.title = data.title.strip()
    round_validate(data)
    with transaction.atomic(), acting_as(actor):
        return MatchingRound.objects.create(**data_values(data))


def _require_editable(actor: Any, round_: MatchingRound) -> None:
    access.require_can_edit_programme(actor, round_.programme)
    if round_.status == RoundStatus.PUBLISHED:
        raise ValidationError({"status": [_("已发布的轮次不能修改")]})


def _reopen(round_: MatchingRound) -> None:
    """Clears a run's results: the data it was computed on has changed."""
    if round_.status != RoundStatus.RUN:
        return
    round_.applications.update(placement=None, explanation=[])
    round_.departments.update(admitted=0, cutoff_rank=None)
    round_.status = RoundStatus.OPEN
    round_.run_at = None
    round_.save()


def _party_ids(programme: Programme) -> set[int]:
    return set(programme.parties.values_list("institution_id", flat=True))


# --- Departments -----------------------------------------------------------------------


def round_department_add(
    *, actor: Any, round_: MatchingRound, department: Department, quota: int, rule: str
) -> RoundDepartment:
    _require_editable(actor, round_)
    errors = Errors()
    if department.institution_id not in _party_ids(round_.programme):
        errors.add("department", _("接收科室须属于该项目的参与单位"))
    elif round_.departments.filter(department=department).exists():
        errors.add("department", _("该科室已在本轮中"))
    if quota < 1:
        errors.add("quota", _("名额至少为1"))
    if rule not in RankingRule.values:
        errors.add("rule", _("未知的排序规则"))
    errors.raise_if_any()
    with transaction.atomic(), acting_as(actor):
        _reopen(round_)
        return RoundDepartment.objects.create(round=round_, department=department, quota=quota, rule=rule)


def round_department_remove(*, actor: Any, department: RoundDepartment) -> None:
    _require_editable(actor, department.round)
    with transaction.atomic(), acting_as(actor):
        _reopen(department.round)
        department.delete()


def department_ranking_set(*, actor: Any, department: RoundDepartment, applications: Sequence[Application]) -> None:
    """A department's own ranking, best first; it is used when its rule is 人工排序."""
    _require_editable(actor, department.round)
    chose = set(department.choices.values_list("application_id", flat=True))
    strangers = [a.professional.name for a in applications if a.pk not in chose]
    if strangers:
        raise ValidationError({"ranking": [_("以下人员未申请该科室：%(names)s") % {"names": "、".join(strangers)}]})
    if len({a.pk for a in applications}) != len(applications):
        raise ValidationError({"ranking": [_("排序中有重复的人员")]})
    with transaction.atomic(), acting_as(actor):
        _reopen(department.round)
        department.rankings.all().delete()
        for rank, application in enumerate(applications, start=1):
            DepartmentRanking.objects.create(department=department, application=application, rank=rank)
        department.rule = RankingRule.MANUAL
        department.save()


# --- Applications ----------------------------------------------------------------------


@dataclass
class ApplicationData:
    professional: Professional
    home_institution: Institution
    years_of_service: int = 0
    choices: list[RoundDepartment] = field(default_factory=list)


def application_validate(round_: MatchingRound, data: ApplicationData) -> None:
    errors = Errors()
    if data.home_institution.pk not in _party_ids(round_.programme):
        errors.add("home_institution", _("派出单位须为该项目的参与单位"))
    if round_.applications.filter(professional=data.professional).exists():
        errors.add("professional", _("%(name)s 已申请本轮") % {"name": data.professional.name})
    if not data.choices:
        errors.add("choices", _("请至少填写一个志愿"))
    if any(d.round_id != round_.pk for d in data.choices):
        errors.add("choices", _("志愿须为本轮的接收科室"))
    if len({d.pk for d in data.choices}) != len(data.choices):
        errors.add("choices", _("同一科室不能重复填报"))
    if not 0 <= data.years_of_service <= 60:
        errors.add("years_of_service", _("工作年限须在0到60之间"))
    errors.raise_if_any()


def application_add(*, actor: Any, round_: MatchingRound, data: ApplicationData) -> Application:
    _require_editable(actor, round_)
    application_validate(round_, data)
    try:
        with transaction.atomic(), acting_as(actor):
            _reopen(round_)
            application = Application.objects.create(round=round_, **data_values(data, exclude={"choices"}))
            for rank, department in enumerate(data.choices, start=1):
                ApplicationChoice.objects.create(application=application, department=department, rank=rank)
    except IntegrityError as error:
        # Two offices entering the same person at once: the constraint decides.
        raise ValidationError(
            {"professional": [_("%(name)s 已申请本轮") % {"name": data.professional.name}]}
        ) from error
    return application


def application_remove(*, actor: Any, application: Application) -> None:
    _require_editable(actor, application.round)
    with transaction.atomic(), acting_as(actor):
        _reopen(application.round)
        application.delete()


# --- Run and publish -------------------------------------------------------------------


def round_run(*, actor: Any, round_: MatchingRound) -> MatchingRound:
    """Computes the applicant-optimal stable placement and stores it with each
    applicant's explanation and each department's cutoff."""
    _require_editable(actor, round_)
    if not round_.applications.exists() or not round_.departments.exists():
        raise ValidationError({"status": [_("请先添加接收科室和申请")]})
    data = adapters.round_input(round_)
    try:
        result = solve(data.problem)
    except InvalidMatchingInput as error:
        raise ValidationError({"status": [adapters.input_message(p, data) for p in error.problems]}) from error
    placements = result.placements()
    with transaction.atomic(), acting_as(actor):
        for index, (application, explanation) in enumerate(zip(data.applications, result.explain(), strict=True)):
            placed = placements.get(index)
            application.placement = data.departments[placed] if placed is not None else None
            application.explanation = adapters.explanation_rows(explanation, data)
            application.save()
        for department, admitted, cutoff in adapters.department_results(result, data):
            department.admitted, department.cutoff_rank = admitted, cutoff
            department.save()
        round_.status, round_.run_at = RoundStatus.RUN, timezone.now()
        round_.save()
    return round_


def round_publish(*, actor: Any, round_: MatchingRound) -> int:
    """Every placement becomes a planned posting, all or nothing: anyone who cannot
    go (already posted in that period, say) is named with the reason and nothing is
    written. Returns the number of postings created."""
    access.require_can_edit_programme(actor, round_.programme)
    if round_.status != RoundStatus.RUN:
        raise ValidationError({"status": [_("只有已匹配的轮次可以发布")]})
    placed = list(
        round_.applications.filter(placement__isnull=False).select_related(
            "professional", "home_institution", "placement__department__institution"
        )
    )
    with transaction.atomic(), acting_as(actor):
        # Two offices pressing 发布 at once: the second waits here, then finds the round published.
        if MatchingRound.objects.select_for_update().get(pk=round_.pk).status != RoundStatus.RUN:
            raise ValidationError({"status": [_("只有已匹配的轮次可以发布")]})
        problems = [_publish_one(actor, round_, application) for application in placed]
        if any(problems):
            raise ValidationError({"status": [p for p in problems if p]})
        round_.status, round_.published_at = RoundStatus.PUBLISHED, timezone.now()
        round_.save()
    return len(placed)


def _publish_one(actor: Any, round_: MatchingRound, application: Application) -> str | None:
    assert application.placement is not None
    person = application.professional
    host = application.placement.department
    home_department = person.department if person.institution_id == application.home_institution.pk else None
    data = PostingData(
        professional=person,
        programme=round_.programme,
        kind=round_.kind,
        home_institution=application.home_institution,
        home_department=home_department,
        host_institution=host.institution,
        host_department=host,
        planned_start=round_.placement_start,
        planned_end=round_.placement_end,
    )
    try:
        with transaction.atomic():
            application.posting = posting_create(actor=actor, data=data)
            application.save()
    except ValidationError as error:
        messages = [m for ms in error.message_dict.values() for m in ms]
        return f"{person.name}：{'；'.join(messages)}"
    return None
