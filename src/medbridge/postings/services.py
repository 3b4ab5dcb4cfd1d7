"""Writes for postings. Pages, the API, the importer, the CLI and the demo call
these; each rule lives here once:

- a person holds at most one non-visiting posting at a time, and cannot make a
  visiting posting while stationed at another host;
- a posting's dates lie inside its programme, actual dates near the plan;
- who may approve (the home institution, or the commission for a batch), start,
  complete, cancel or withdraw a posting;
- work logs and evaluations inside the posting's period, by the right people.

Every write locks the person's directory row first: two offices entering
overlapping postings for one person at the same moment are serialised, so the
second sees the first and is refused (SQLite serialises writers anyway).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, fields
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from medbridge.accounts import access
from medbridge.accounts.audit import acting_as
from medbridge.directory.models import Department, Institution, Professional, Specialty
from medbridge.directory.services import Errors, assign, data_values
from medbridge.postings.models import (
    CareerGoal,
    CareerGoalStatus,
    Evaluation,
    EvaluationCriterion,
    EvaluationPeriod,
    EvaluationResult,
    EvaluationScore,
    EvaluatorRole,
    Posting,
    PostingBatch,
    PostingKind,
    PostingStatus,
    Technique,
    WorkLog,
)
from medbridge.programmes.models import Programme

# How far the actual dates may stray from the plan before we suspect a typo.
START_SLACK = timedelta(days=90)
END_SLACK = timedelta(days=180)

# The one life of a posting: the states each may move to.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    PostingStatus.PLANNED: (PostingStatus.APPROVED, PostingStatus.CANCELLED),
    PostingStatus.APPROVED: (PostingStatus.ACTIVE, PostingStatus.CANCELLED),
    PostingStatus.ACTIVE: (PostingStatus.COMPLETED, PostingStatus.WITHDRAWN),
}
# The path a record of history walks to reach its recorded state.
PATH = (PostingStatus.PLANNED, PostingStatus.APPROVED, PostingStatus.ACTIVE, PostingStatus.COMPLETED)


def _today() -> date:
    return timezone.localdate()


def _label(choices: Any, value: str) -> str:
    return str(choices(value).label) if value in choices.values else value


# --- Postings ------------------------------------------------------------------------


@dataclass
class PostingData:
    professional: Professional
    programme: Programme
    kind: str
    home_institution: Institution
    host_institution: Institution
    planned_start: date
    planned_end: date
    home_department: Department | None = None
    host_department: Department | None = None
    batch: PostingBatch | None = None
    mentor: Professional | None = None
    liaison: Professional | None = None
    goals: str = ""
    visit_pattern: str = ""
    relieves: Posting | None = None


def posting_validate(data: PostingData, *, instance: Posting | None = None) -> None:
    errors = Errors()
    if data.kind not in PostingKind.values:
        errors.add("kind", _("未知的派驻类型"))
    _check_places(errors, data)
    _check_people(errors, data)
    _check_plan(errors, data)
    if data.batch is not None:
        _check_batch(errors, data, data.batch)
    if instance is not None:
        _check_actual_dates(errors, data.planned_start, data.planned_end, instance.actual_start, instance.actual_end)
    if data.relieves is not None:
        _check_relief(errors, data, data.relieves, instance)
    errors.raise_if_any()
    check_overlaps(data.professional, data.kind, data.host_institution, _period(data, instance), exclude=instance)


def _check_places(errors: Errors, data: PostingData) -> None:
    if data.home_institution.pk == data.host_institution.pk:
        errors.add("host_institution", _("接收单位不能与派出单位相同"))
    for name, dept, inst in (
        ("home_department", data.home_department, data.home_institution),
        ("host_department", data.host_department, data.host_institution),
    ):
        if dept is not None and dept.institution_id != inst.pk:
            errors.add(name, _("科室不属于所选机构"))
    parties = set(data.programme.parties.values_list("institution_id", flat=True))
    if data.home_institution.pk not in parties:
        errors.add("home_institution", _("派出单位须为该项目的参与单位"))
    if data.host_institution.pk not in parties:
        errors.add("host_institution", _("接收单位须为该项目的参与单位"))


def _check_people(errors: Errors, data: PostingData) -> None:
    if data.mentor is not None and data.mentor.institution_id != data.host_institution.pk:
        errors.add("mentor", _("带教老师须为接收单位的人员"))
    if data.liaison is not None and data.liaison.institution_id != data.home_institution.pk:
        errors.add("liaison", _("挂钩领导须为派出单位的人员"))
    for name in ("mentor", "liaison"):
        person = getattr(data, name)
        if person is not None and person.pk == data.professional.pk:
            errors.add(name, _("不能由本人担任"))


def _check_plan(errors: Errors, data: PostingData) -> None:
    if data.planned_end < data.planned_start:
        errors.add("planned_end", _("结束日期不能早于开始日期"))
    programme = data.programme
    if data.planned_start < programme.start_date:
        errors.add("planned_start", _("不能早于项目开始日期（%(d)s）") % {"d": programme.start_date})
    if programme.end_date and data.planned_end > programme.end_date:
        errors.add("planned_end", _("不能晚于项目结束日期（%(d)s）") % {"d": programme.end_date})


def _check_batch(errors: Errors, data: PostingData, batch: PostingBatch) -> None:
    if batch.programme_id != data.programme.pk:
        errors.add("batch", _("批次不属于所选项目"))
    if batch.kind != data.kind:
        errors.add("batch", _("批次的派驻类型为%(kind)s") % {"kind": batch.get_kind_display()})


def _check_actual_dates(
    errors: Errors, planned_start: date, planned_end: date, actual_start: date | None, actual_end: date | None
) -> None:
    today = _today()
    if actual_start is not None:
        if abs(actual_start - planned_start) > START_SLACK:
            errors.add("actual_start", _("实际开始日期与计划开始日期（%(d)s）相差超过90天") % {"d": planned_start})
        if actual_start > today:
            errors.add("actual_start", _("实际开始日期不能晚于今天"))
    if actual_end is not None:
        if actual_start is not None and actual_end < actual_start:
            errors.add("actual_end", _("实际结束日期不能早于实际开始日期（%(d)s）") % {"d": actual_start})
        if actual_end > planned_end + END_SLACK:
            errors.add("actual_end", _("实际结束日期比计划结束日期（%(d)s）晚180天以上") % {"d": planned_end})
        if actual_end > today:
            errors.add("actual_end", _("实际结束日期不能晚于今天"))


def _check_relief(errors: Errors, data: PostingData, relieved: Posting, instance: Posting | None) -> None:
    if instance is not None and relieved.pk == instance.pk:
        errors.add("relieves", _("不能接替本人本次派驻"))
    elif relieved.host_institution_id != data.host_institution.pk:
        errors.add("relieves", _("被接替者须在同一接收单位"))
    elif relieved.planned_start >= data.planned_start:
        errors.add("relieves", _("被接替者的派驻须早于本次派驻开始"))


def _period(data: PostingData, instance: Posting | None) -> tuple[date, date]:
    start = instance.actual_start if instance and instance.actual_start else data.planned_start
    end = instance.actual_end if instance and instance.actual_end else data.planned_end
    return start, end


def _effective() -> Any:
    return Posting.objects.exclude(status=PostingStatus.CANCELLED).annotate(
        eff_start=Coalesce("actual_start", "planned_start"), eff_end=Coalesce("actual_end", "planned_end")
    )


def check_overlaps(
    professional: Professional,
    kind: str,
    host: Institution,
    period: tuple[date, date],
    *,
    exclude: Posting | None = None,
) -> None:
    """The two rules about a person's time, for any posting being written."""
    start, end = period
    others = _effective().filter(professional=professional, eff_start__lte=end, eff_end__gte=start)
    if exclude is not None:
        others = others.exclude(pk=exclude.pk)
    if kind == PostingKind.VISITING:
        clash = others.filter(kind=PostingKind.STATIONED).exclude(host_institution=host).first()
        message = _("%(name)s 此期间正在%(host)s驻点帮扶（%(start)s–%(end)s），不能安排到其他机构柔性坐诊")
    else:
        clash = others.exclude(kind=PostingKind.VISITING).first()
        message = _("%(name)s 此期间已有派驻：%(host)s%(kind)s（%(start)s–%(end)s）")
    if clash is not None:
        raise ValidationError(
            {
                "planned_start": [
                    message
                    % {
                        "name": professional.name,
                        "host": clash.host_institution.name,
                        "kind": clash.get_kind_display(),
                        "start": clash.start,
                        "end": clash.end,
                    }
                ]
            }
        )


def _lock_person(professional: Professional) -> None:
    # Serialises concurrent writers for one person so the overlap check sees them.
    Professional.objects.select_for_update().filter(pk=professional.pk).first()


def _require_can_plan(actor: Any, data: PostingData) -> None:
    if not access.can_plan_posting(actor, data.programme, data.home_institution):
        raise PermissionDenied(_("只有派出单位或项目牵头方可以安排“%(name)s”的派驻") % {"name": data.professional.name})


def posting_create(*, actor: Any, data: PostingData) -> Posting:
    _require_can_plan(actor, data)
    with transaction.atomic(), acting_as(actor):
        _lock_person(data.professional)
        posting_validate(data)
        posting = Posting(**data_values(data))
        posting.save()
    return posting


def posting_update(*, actor: Any, posting: Posting, data: PostingData) -> Posting:
    _require_can_plan(actor, data)
    if posting.status in (PostingStatus.CANCELLED, PostingStatus.WITHDRAWN):
        raise ValidationError({"status": [_("已取消或撤回的派驻不能修改")]})
    with transaction.atomic(), acting_as(actor):
        _lock_person(data.professional)
        posting_validate(data, instance=posting)
        assign(posting, data)
        posting.save()
    return posting


# --- Status --------------------------------------------------------------------------


def posting_transition(*, actor: Any, posting: Posting, to: str, on: date | None = None, reason: str = "") -> Posting:
    """Moves a posting one step along its life. ``on`` is the actual start (to
    active) or end (to completed / withdrawn); ``reason`` is required to cancel or
    withdraw."""
    with transaction.atomic(), acting_as(actor):
        # Lock the row and re-read it: a concurrent step may have moved it on.
        Posting.objects.select_for_update().filter(pk=posting.pk).first()
        posting.refresh_from_db()
        _require_transition_allowed(actor, posting, to)
        _apply_transition(actor, posting, to, on, reason.strip())
        posting.save()
    return posting


def _require_transition_allowed(actor: Any, posting: Posting, to: str) -> None:
    if to not in TRANSITIONS.get(posting.status, ()):
        raise ValidationError(
            {
                "status": [
                    _("“%(from)s”的派驻不能改为“%(to)s”")
                    % {"from": posting.get_status_display(), "to": _label(PostingStatus, to)}
                ]
            }
        )
    if to == PostingStatus.APPROVED:
        allowed = access.can_approve_posting(actor, posting)
        refusal = _("派出须由派出单位管理员批准；批次由主管卫健委批准")
    else:
        allowed = access.can_run_posting(actor, posting)
        refusal = _("只有派出、接收单位的管理员或项目牵头方可以变更派驻状态")
    if not allowed:
        raise PermissionDenied(refusal)


def _apply_transition(actor: Any, posting: Posting, to: str, on: date | None, reason: str) -> None:
    errors = Errors()
    if to == PostingStatus.APPROVED:
        posting.approved_by = actor if getattr(actor, "pk", None) else None
        posting.approved_at = timezone.now()
    elif to == PostingStatus.ACTIVE:
        posting.actual_start = on or posting.planned_start
    elif to in (PostingStatus.COMPLETED, PostingStatus.WITHDRAWN):
        posting.actual_end = on or min(posting.planned_end, _today())
    if to in (PostingStatus.CANCELLED, PostingStatus.WITHDRAWN):
        if not reason:
            errors.add("status_reason", _("请填写原因"))
        posting.status_reason = reason
    errors.raise_if_any()
    _check_actual_dates(errors, posting.planned_start, posting.planned_end, posting.actual_start, posting.actual_end)
    errors.raise_if_any()
    if to == PostingStatus.ACTIVE or posting.actual_end != posting.planned_end:
        check_overlaps(
            posting.professional, posting.kind, posting.host_institution, (posting.start, posting.end), exclude=posting
        )
    posting.status = to


def posting_bring_to(
    *,
    actor: Any,
    posting: Posting,
    status: str,
    actual_start: date | None = None,
    actual_end: date | None = None,
    reason: str = "",
) -> Posting:
    """Walks a posting along its life to a recorded state — what importing history
    needs. Each step is an ordinary transition, with its permission check."""
    if status == posting.status:
        return posting
    if status == PostingStatus.CANCELLED:
        return posting_transition(actor=actor, posting=posting, to=status, reason=reason)
    target = PostingStatus.ACTIVE if status == PostingStatus.WITHDRAWN else status
    if target not in PATH or posting.status not in PATH or PATH.index(target) < PATH.index(posting.status):
        raise ValidationError(
            {
                "status": [
                    _("“%(from)s”的派驻不能改为“%(to)s”")
                    % {"from": posting.get_status_display(), "to": _label(PostingStatus, status)}
                ]
            }
        )
    for step in PATH[PATH.index(posting.status) + 1 : PATH.index(target) + 1]:
        on = actual_start if step == PostingStatus.ACTIVE else actual_end
        posting = posting_transition(actor=actor, posting=posting, to=step, on=on)
    if status == PostingStatus.WITHDRAWN:
        posting = posting_transition(actor=actor, posting=posting, to=status, on=actual_end, reason=reason)
    return posting


# --- Batches -------------------------------------------------------------------------


@dataclass
class BatchData:
    programme: Programme
    kind: str
    number: int
    planned_start: date
    planned_end: date
    specialties: list[Specialty] = field(default_factory=list)
    relieves: PostingBatch | None = None
    note: str = ""


@dataclass
class BatchMember:
    """One person of a new batch and where they go."""

    professional: Professional
    home_institution: Institution
    host_institution: Institution
    home_department: Department | None = None
    host_department: Department | None = None
    mentor: Professional | None = None
    liaison: Professional | None = None


def batch_validate(data: BatchData, *, instance: PostingBatch | None = None) -> None:
    errors = Errors()
    if data.kind not in PostingKind.values:
        errors.add("kind", _("未知的派驻类型"))
    if data.number < 1:
        errors.add("number", _("批次须为正整数"))
    twin = PostingBatch.objects.filter(programme=data.programme, kind=data.kind, number=data.number)
    if instance is not None:
        twin = twin.exclude(pk=instance.pk)
    if twin.exists():
        errors.add(
            "number", _("本项目已有第%(n)s批%(kind)s") % {"n": data.number, "kind": _label(PostingKind, data.kind)}
        )
    if data.planned_end < data.planned_start:
        errors.add("planned_end", _("结束日期不能早于开始日期"))
    if data.relieves is not None:
        _check_batch_relief(errors, data, data.relieves, instance)
    errors.raise_if_any()


def _check_batch_relief(errors: Errors, data: BatchData, previous: PostingBatch, instance: PostingBatch | None) -> None:
    if previous.programme_id != data.programme.pk or previous.kind != data.kind:
        errors.add("relieves", _("接替的批次须为同一项目、同一派驻类型"))
    elif previous.number >= data.number:
        errors.add("relieves", _("只能接替更早的批次"))
    elif _relieved_elsewhere(previous, instance):
        errors.add("relieves", _("%(batch)s已有接替批次") % {"batch": previous.label})


def batch_open(*, actor: Any, data: BatchData) -> PostingBatch:
    """An empty batch, to be filled posting by posting (as an import of history does)."""
    access.require_can_edit_programme(actor, data.programme)
    batch_validate(data)
    with transaction.atomic(), acting_as(actor):
        batch = PostingBatch(**data_values(data, exclude={"specialties"}))
        batch.save()
        batch.specialties.set(data.specialties)
    return batch


def _relieved_elsewhere(previous: PostingBatch, instance: PostingBatch | None) -> bool:
    others = PostingBatch.objects.filter(relieves=previous)
    return (others.exclude(pk=instance.pk) if instance else others).exists()


def batch_create(*, actor: Any, data: BatchData, members: Iterable[BatchMember]) -> PostingBatch:
    """A batch and one planned posting per member, all or nothing: a member who
    cannot go (already posted elsewhere, say) is named and nothing is written."""
    access.require_can_edit_programme(actor, data.programme)
    members = list(members)
    batch_validate(data)
    if not members:
        raise ValidationError({"members": [_("请至少选择一名人员")]})
    with transaction.atomic(), acting_as(actor):
        batch = PostingBatch(**data_values(data, exclude={"specialties"}))
        batch.save()
        batch.specialties.set(data.specialties)
        problems = [_member_problem(actor, batch, member) for member in members]
        if any(problems):
            raise ValidationError({"members": [p for p in problems if p]})
    return batch


def _member_problem(actor: Any, batch: PostingBatch, member: BatchMember) -> str | None:
    data = PostingData(
        professional=member.professional,
        programme=batch.programme,
        kind=batch.kind,
        home_institution=member.home_institution,
        home_department=member.home_department,
        host_institution=member.host_institution,
        host_department=member.host_department,
        planned_start=batch.planned_start,
        planned_end=batch.planned_end,
        batch=batch,
        mentor=member.mentor,
        liaison=member.liaison,
    )
    try:
        with transaction.atomic():
            posting_create(actor=actor, data=data)
    except ValidationError as error:
        messages = [m for ms in error.message_dict.values() for m in ms]
        return f"{member.professional.name}：{'；'.join(messages)}"
    return None


def batch_update(*, actor: Any, batch: PostingBatch, data: BatchData) -> PostingBatch:
    access.require_can_edit_programme(actor, batch.programme)
    if data.programme != batch.programme or data.kind != batch.kind:
        raise ValidationError({"kind": [_("批次的项目和派驻类型不能修改")]})
    batch_validate(data, instance=batch)
    with transaction.atomic(), acting_as(actor):
        assign(batch, data, exclude={"specialties"})
        batch.save()
        batch.specialties.set(data.specialties)
    return batch


def batch_approve(*, actor: Any, batch: PostingBatch) -> int:
    """The commission approves a batch: every planned posting in it is approved in
    its name. Returns how many postings were approved."""
    if not access.can_approve_batch(actor, batch):
        raise PermissionDenied(_("批次须由主管卫健委批准"))
    with transaction.atomic(), acting_as(actor):
        batch.approved_by = actor if getattr(actor, "pk", None) else None
        batch.approved_at = timezone.now()
        batch.save()
        planned = list(batch.postings.filter(status=PostingStatus.PLANNED))
        for posting in planned:
            posting_transition(actor=actor, posting=posting, to=PostingStatus.APPROVED)
    return len(planned)


def handover_record(*, actor: Any, posting: Posting, relieves: Posting | None) -> Posting:
    """Records who this posting relieves (or clears it)."""
    if not access.can_run_posting(actor, posting):
        raise PermissionDenied(_("只有派出、接收单位的管理员或项目牵头方可以记录交接"))
    errors = Errors()
    if relieves is not None:
        _check_relief(errors, _data_of(posting), relieves, posting)
        taken = Posting.objects.filter(relieves=relieves).exclude(pk=posting.pk).first()
        if taken is not None:
            errors.add(
                "relieves",
                _("%(name)s 已由 %(other)s 接替")
                % {"name": relieves.professional.name, "other": taken.professional.name},
            )
    errors.raise_if_any()
    with transaction.atomic(), acting_as(actor):
        posting.relieves = relieves
        posting.save(update_fields=["relieves", "updated_at"])
    return posting


def _data_of(posting: Posting) -> PostingData:
    return PostingData(
        **{f.name: getattr(posting, f.name) for f in fields(PostingData)},
    )


# --- Work logs -----------------------------------------------------------------------


@dataclass
class WorkLogData:
    day: date
    patients_seen: int = 0
    surgeries_performed: int = 0
    surgeries_assisted: int = 0
    lectures: int = 0
    staff_trained: int = 0
    teaching_rounds: int = 0
    new_techniques: list[str] = field(default_factory=list)
    notes: str = ""


def worklog_validate(posting: Posting, data: WorkLogData, *, instance: WorkLog | None = None) -> None:
    errors = Errors()
    if posting.status not in (PostingStatus.ACTIVE, PostingStatus.COMPLETED, PostingStatus.WITHDRAWN):
        errors.add("day", _("派驻开始后才能填写工作日志"))
    elif not posting.start <= data.day <= min(posting.end, _today()):
        errors.add("day", _("日期须在派驻期间（%(a)s–%(b)s）且不晚于今天") % {"a": posting.start, "b": posting.end})
    twin = WorkLog.objects.filter(posting=posting, day=data.day)
    if instance is not None:
        twin = twin.exclude(pk=instance.pk)
    if twin.exists():
        errors.add("day", _("这一天已有工作日志，请修改原记录"))
    for name in (
        "patients_seen",
        "surgeries_performed",
        "surgeries_assisted",
        "lectures",
        "staff_trained",
        "teaching_rounds",
    ):
        if getattr(data, name) < 0:
            errors.add(name, _("不能为负数"))
    data.new_techniques = [t.strip() for t in data.new_techniques if t.strip()]
    if any(len(t) > 100 for t in data.new_techniques):
        errors.add("new_techniques", _("技术名称不能超过100个字"))
    errors.raise_if_any()


def worklog_add(*, actor: Any, posting: Posting, data: WorkLogData) -> WorkLog:
    if not access.can_log_work(actor, posting):
        raise PermissionDenied(_("只有本人或派出、接收单位的管理员可以填写工作日志"))
    worklog_validate(posting, data)
    with transaction.atomic(), acting_as(actor):
        log = WorkLog(posting=posting, **data_values(data, exclude={"new_techniques"}))
        log.save()
        log.techniques.set([_technique(posting, name, data.day) for name in data.new_techniques])
    return log


def worklog_update(*, actor: Any, log: WorkLog, data: WorkLogData) -> WorkLog:
    if not access.can_log_work(actor, log.posting):
        raise PermissionDenied(_("只有本人或派出、接收单位的管理员可以修改工作日志"))
    worklog_validate(log.posting, data, instance=log)
    with transaction.atomic(), acting_as(actor):
        assign(log, data, exclude={"new_techniques"})
        log.save()
        log.techniques.set([_technique(log.posting, name, data.day) for name in data.new_techniques])
    return log


def _technique(posting: Posting, name: str, day: date) -> Technique:
    technique, created = Technique.objects.get_or_create(posting=posting, name=name, defaults={"first_on": day})
    if not created and day < technique.first_on:
        technique.first_on = day
        technique.save(update_fields=["first_on"])
    return technique


def worklog_delete(*, actor: Any, log: WorkLog) -> None:
    if not access.can_log_work(actor, log.posting):
        raise PermissionDenied(_("只有本人或派出、接收单位的管理员可以删除工作日志"))
    with transaction.atomic(), acting_as(actor):
        orphans = [t for t in log.techniques.all() if t.logs.count() == 1]
        log.delete()
        for technique in orphans:
            technique.delete()


# --- Evaluations ---------------------------------------------------------------------


@dataclass
class EvaluationData:
    period: str
    period_end: date
    evaluator_role: str
    scores: dict[int, int]  # criterion pk → 0..100
    comments: str = ""
    result: str = ""


def evaluation_validate(posting: Posting, data: EvaluationData) -> Professional:
    """Checks the evaluation and returns who gives it (the posting's mentor or liaison)."""
    errors = Errors()
    if data.period not in EvaluationPeriod.values:
        errors.add("period", _("未知的考核类型"))
    evaluator = posting.mentor if data.evaluator_role == EvaluatorRole.MENTOR else posting.liaison
    if data.evaluator_role not in EvaluatorRole.values:
        errors.add("evaluator_role", _("未知的考核人身份"))
    elif evaluator is None:
        errors.add("evaluator_role", _("该派驻未指定%(role)s") % {"role": _label(EvaluatorRole, data.evaluator_role)})
    if posting.status in (PostingStatus.PLANNED, PostingStatus.APPROVED, PostingStatus.CANCELLED):
        errors.add("period_end", _("派驻开始后才能考核"))
    elif data.period_end < posting.start or data.period_end > posting.end + timedelta(days=30):
        errors.add("period_end", _("考核期须在派驻期间（%(a)s–%(b)s）") % {"a": posting.start, "b": posting.end})
    _check_scores(errors, data)
    if data.period == EvaluationPeriod.FINAL and data.result not in EvaluationResult.values:
        errors.add("result", _("结业考核须给出考核结果"))
    if data.period != EvaluationPeriod.FINAL and data.result:
        errors.add("result", _("只有结业考核给出考核结果"))
    if Evaluation.objects.filter(
        posting=posting, period=data.period, period_end=data.period_end, evaluator_role=data.evaluator_role
    ).exists():
        errors.add("period_end", _("该考核期已有同一考核人的考核"))
    errors.raise_if_any()
    assert evaluator is not None
    return evaluator


def _check_scores(errors: Errors, data: EvaluationData) -> None:
    active = set(EvaluationCriterion.objects.filter(active=True).values_list("pk", flat=True))
    if set(data.scores) != active:
        errors.add("scores", _("请为每个考核项目打分"))
    if any(not 0 <= s <= 100 for s in data.scores.values()):
        errors.add("scores", _("得分须在0到100之间"))


def scores_by_name(scores: dict[str, int]) -> dict[int, int]:
    """Scores keyed by criterion name (as the API and workbooks give them) → by id."""
    criteria = dict(EvaluationCriterion.objects.filter(active=True).values_list("name", "pk"))
    unknown = [name for name in scores if name not in criteria]
    if unknown:
        raise ValidationError({"scores": [_("未知的考核项目：%(names)s") % {"names": "、".join(unknown)}]})
    return {criteria[name]: value for name, value in scores.items()}


def weighted_score(scores: dict[int, int]) -> Decimal:
    weights = dict(EvaluationCriterion.objects.filter(pk__in=scores).values_list("pk", "weight"))
    total = sum(weights.values()) or 1
    mean = Decimal(sum(scores[pk] * weights[pk] for pk in scores)) / Decimal(total)
    return mean.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def evaluation_add(*, actor: Any, posting: Posting, data: EvaluationData) -> Evaluation:
    if not access.can_evaluate(actor, posting, data.evaluator_role):
        raise PermissionDenied(
            _("带教老师的考核由带教老师或接收单位管理员填写；挂钩领导的考核由挂钩领导或派出单位管理员填写")
        )
    evaluator = evaluation_validate(posting, data)
    with transaction.atomic(), acting_as(actor):
        evaluation = Evaluation(
            posting=posting,
            period=data.period,
            period_end=data.period_end,
            evaluator_role=data.evaluator_role,
            evaluator=evaluator,
            score=weighted_score(data.scores),
            result=data.result,
            comments=data.comments.strip(),
        )
        evaluation.save()
        for pk, score in data.scores.items():
            EvaluationScore(evaluation=evaluation, criterion_id=pk, score=score).save()
    return evaluation


# --- Career plan ---------------------------------------------------------------------


@dataclass
class CareerGoalData:
    goal: str
    target_date: date
    status: str = CareerGoalStatus.PLANNED
    note: str = ""


def career_goal_validate(data: CareerGoalData) -> None:
    errors = Errors()
    data.goal = data.goal.strip()
    if not data.goal:
        errors.add("goal", _("请填写目标"))
    if data.status not in CareerGoalStatus.values:
        errors.add("status", _("未知的状态"))
    errors.raise_if_any()


def _require_can_plan_career(actor: Any, professional: Professional) -> None:
    if not access.can_edit_professional(actor, professional):
        raise PermissionDenied(_("职业规划由本人或所在单位管理员维护"))


def career_goal_add(*, actor: Any, professional: Professional, data: CareerGoalData) -> CareerGoal:
    _require_can_plan_career(actor, professional)
    career_goal_validate(data)
    with transaction.atomic(), acting_as(actor):
        goal = CareerGoal(professional=professional, **data_values(data))
        goal.save()
    return goal


def career_goal_update(*, actor: Any, goal: CareerGoal, data: CareerGoalData) -> CareerGoal:
    _require_can_plan_career(actor, goal.professional)
    career_goal_validate(data)
    with transaction.atomic(), acting_as(actor):
        assign(goal, data)
        goal.save()
    return goal
