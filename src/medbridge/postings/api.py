"""Posting endpoints: postings and their status, work logs and evaluations, batches,
figures and the development profile. Same scoping as the pages: lookups through the
access module, reads through selectors, writes through services."""

from datetime import date
from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from medbridge.accounts import access
from medbridge.directory.api import Page, RecordId, Year, filter_given
from medbridge.directory.models import Specialty
from medbridge.postings import selectors, services
from medbridge.postings.models import Evaluation, EvaluationCriterion, Posting, PostingBatch, WorkLog
from medbridge.programmes.api import Resolver as ProgrammeResolver

router = Router(tags=["postings"])


# --- Schemas ------------------------------------------------------------------------


class PostingOut(Schema):
    id: int
    professional_id: int
    professional_name: str = Field(alias="professional.name")
    programme_id: int
    batch_id: int | None
    kind: str
    home_institution_id: int
    home_institution_name: str = Field(alias="home_institution.name")
    home_department_id: int | None
    host_institution_id: int
    host_institution_name: str = Field(alias="host_institution.name")
    host_department_id: int | None
    assisted_department: str | None
    planned_start: date
    planned_end: date
    actual_start: date | None
    actual_end: date | None
    status: str
    status_reason: str
    mentor_id: int | None
    liaison_id: int | None
    relieves_id: int | None
    goals: str
    visit_pattern: str

    @staticmethod
    def resolve_assisted_department(obj: Posting) -> str | None:
        department = obj.assisted_department
        return department.name if department else None


class PostingIn(Schema):
    professional_id: int
    programme_id: int
    kind: str
    home_institution_id: int
    host_institution_id: int
    planned_start: date
    planned_end: date
    home_department_id: int | None = None
    host_department_id: int | None = None
    batch_id: int | None = None
    mentor_id: int | None = None
    liaison_id: int | None = None
    goals: str = ""
    visit_pattern: str = ""
    relieves_id: int | None = None


class PostingPatch(Schema):
    kind: str | None = None
    home_institution_id: int | None = None
    host_institution_id: int | None = None
    planned_start: date | None = None
    planned_end: date | None = None
    home_department_id: int | None = None
    host_department_id: int | None = None
    batch_id: int | None = None
    mentor_id: int | None = None
    liaison_id: int | None = None
    goals: str | None = None
    visit_pattern: str | None = None
    relieves_id: int | None = None


class TransitionIn(Schema):
    to: str
    on: date | None = None
    reason: str = ""


class WorkLogOut(Schema):
    id: int
    posting_id: int
    day: date
    patients_seen: int
    surgeries_performed: int
    surgeries_assisted: int
    lectures: int
    staff_trained: int
    teaching_rounds: int
    techniques: list[str]
    notes: str

    @staticmethod
    def resolve_techniques(obj: WorkLog) -> list[str]:
        return [t.name for t in obj.techniques.all()]


class WorkLogIn(Schema):
    day: date
    patients_seen: int = 0
    surgeries_performed: int = 0
    surgeries_assisted: int = 0
    lectures: int = 0
    staff_trained: int = 0
    teaching_rounds: int = 0
    new_techniques: list[str] = []
    notes: str = ""


class EvaluationOut(Schema):
    id: int
    posting_id: int
    period: str
    period_end: date
    evaluator_role: str
    evaluator_id: int
    evaluator_name: str = Field(alias="evaluator.name")
    score: float
    result: str
    comments: str
    scores: dict[str, int]

    @staticmethod
    def resolve_scores(obj: Evaluation) -> dict[str, int]:
        return {s.criterion.name: s.score for s in obj.scores.all()}


class EvaluationIn(Schema):
    period: str
    period_end: date
    evaluator_role: str
    scores: dict[str, int] = Field(..., description="考核项目名称 → 0–100 分")
    comments: str = ""
    result: str = ""


class BatchOut(Schema):
    id: int
    programme_id: int
    kind: str
    number: int
    planned_start: date
    planned_end: date
    specialties: list[str]
    relieves_id: int | None
    approved_at: Any | None
    note: str
    postings: list[int]

    @staticmethod
    def resolve_specialties(obj: PostingBatch) -> list[str]:
        return [s.code for s in obj.specialties.all()]

    @staticmethod
    def resolve_postings(obj: PostingBatch) -> list[int]:
        return [p.pk for p in obj.postings.all()]


class MemberIn(Schema):
    professional_id: int
    home_institution_id: int
    host_institution_id: int
    home_department_id: int | None = None
    host_department_id: int | None = None
    mentor_id: int | None = None
    liaison_id: int | None = None


class BatchIn(Schema):
    programme_id: int
    kind: str
    number: int
    planned_start: date
    planned_end: date
    members: list[MemberIn]
    specialties: list[str] = []
    relieves_id: int | None = None
    note: str = ""


class TechniqueOut(Schema):
    id: int
    posting_id: int
    professional_id: int = Field(alias="posting.professional_id")
    host_institution_id: int = Field(alias="posting.host_institution_id")
    name: str
    first_on: date


class CriterionOut(Schema):
    id: int
    name: str
    weight: int
    order: int
    active: bool


class CareerGoalOut(Schema):
    id: int
    professional_id: int
    goal: str
    target_date: date
    status: str
    note: str


class StatsOut(Schema):
    total: int
    by_kind: dict[str, int]
    by_department: dict[str, int]
    by_kind_year: dict[str, dict[int, int]]


class ReminderOut(Schema):
    kind: str
    text: str
    url: str
    due: date


class ProfileOut(Schema):
    professional_id: int
    name: str
    postings: list[PostingOut]
    techniques: list[str]
    evaluation_series: dict[str, list[tuple[str, float]]]
    career_goals: list[dict[str, Any]]


# --- Resolving ids -----------------------------------------------------------------------


class Resolver(ProgrammeResolver):
    """Postings cross provinces: the person, the mentor and the liaison come from the
    directory's candidate list, the places from the partner list; the services
    check that each belongs where it must."""

    def batch(self, field: str, pk: int | None) -> Any:
        return self._row(field, access.batches_visible_to(self.user), pk, _("批次不存在或无权访问"))

    def posting(self, field: str, pk: int | None) -> Any:
        return self._row(field, access.postings_visible_to(self.user), pk, _("派驻记录不存在或无权访问"))


def _posting_data(request: HttpRequest, v: dict[str, Any]) -> services.PostingData:
    r = Resolver(request)
    data = services.PostingData(
        professional=r.expert("professional_id", v["professional_id"]),
        programme=r.programme("programme_id", v["programme_id"]),
        kind=v["kind"],
        home_institution=r.partner("home_institution_id", v["home_institution_id"]),
        home_department=r.partner_department("home_department_id", v.get("home_department_id")),
        host_institution=r.partner("host_institution_id", v["host_institution_id"]),
        host_department=r.partner_department("host_department_id", v.get("host_department_id")),
        planned_start=v["planned_start"],
        planned_end=v["planned_end"],
        batch=r.batch("batch_id", v.get("batch_id")),
        mentor=r.expert("mentor_id", v.get("mentor_id")),
        liaison=r.expert("liaison_id", v.get("liaison_id")),
        goals=v.get("goals") or "",
        visit_pattern=v.get("visit_pattern") or "",
        relieves=r.posting("relieves_id", v.get("relieves_id")),
    )
    r.done()
    return data


def _values(posting: Posting) -> dict[str, Any]:
    names = [f for f in PostingIn.model_fields if f.endswith("_id")]
    plain = ["kind", "planned_start", "planned_end", "goals", "visit_pattern"]
    return {name: getattr(posting, name) for name in names + plain}


# --- Postings --------------------------------------------------------------------------


class PostingQuery(Schema):
    q: str = ""
    programme: int | None = None
    kind: str = ""
    status: str = ""
    year: Year | None = None
    department: str = ""
    batch: int | None = None


@router.get("/postings", response=list[PostingOut], summary="派驻/进修列表（搜索、筛选、分页）")
@paginate(Page)
def list_postings(request: HttpRequest, filters: Query[PostingQuery]) -> Any:
    return selectors.posting_list(request.user, selectors.PostingFilter(**filters.dict()))


@router.get("/postings/stats", response=StatsOut, summary="派驻人次：按类型、帮扶科室、年度")
def posting_stats(request: HttpRequest, filters: Query[PostingQuery]) -> Any:
    stats = selectors.posting_stats(request.user, selectors.PostingFilter(**filters.dict()))
    return {**stats.__dict__, "by_department": dict(stats.by_department)}


@router.get("/postings/reminders", response=list[ReminderOut], summary="待办提醒")
def reminders(request: HttpRequest) -> Any:
    return selectors.reminders(request.user, timezone.localdate())


@router.post("/postings", response={201: PostingOut}, summary="登记派驻/进修")
def create_posting(request: HttpRequest, payload: PostingIn) -> Any:
    data = _posting_data(request, payload.dict())
    return Status(201, services.posting_create(actor=request.user, data=data))


@router.get("/postings/{int:pk}", response=PostingOut, summary="派驻详情")
def get_posting(request: HttpRequest, pk: int) -> Any:
    return access.access_posting(request.user, pk)


@router.patch("/postings/{int:pk}", response=PostingOut, summary="修改派驻（只改所给字段）")
def update_posting(request: HttpRequest, pk: int, payload: PostingPatch) -> Any:
    posting = access.access_posting(request.user, pk)
    values = _values(posting) | payload.dict(exclude_unset=True)
    data = _posting_data(request, values)
    return services.posting_update(actor=request.user, posting=posting, data=data)


@router.post("/postings/{int:pk}/transitions", response=PostingOut, summary="变更状态：批准、报到、结束、取消、撤回")
def transition(request: HttpRequest, pk: int, payload: TransitionIn) -> Any:
    posting = access.access_posting(request.user, pk)
    return services.posting_transition(
        actor=request.user, posting=posting, to=payload.to, on=payload.on, reason=payload.reason
    )


@router.get("/postings/{int:pk}/logs", response=list[WorkLogOut], summary="工作日志")
@paginate(Page)
def list_logs(request: HttpRequest, pk: int) -> Any:
    return selectors.posting_logs(access.access_posting(request.user, pk))


@router.post("/postings/{int:pk}/logs", response={201: WorkLogOut}, summary="填写工作日志")
def add_log(request: HttpRequest, pk: int, payload: WorkLogIn) -> Any:
    posting = access.access_posting(request.user, pk)
    data = services.WorkLogData(**payload.dict())
    return Status(201, services.worklog_add(actor=request.user, posting=posting, data=data))


@router.get("/postings/{int:pk}/evaluations", response=list[EvaluationOut], summary="考核")
def list_evaluations(request: HttpRequest, pk: int) -> Any:
    return selectors.posting_evaluations(access.access_posting(request.user, pk))


@router.post("/postings/{int:pk}/evaluations", response={201: EvaluationOut}, summary="填写考核")
def add_evaluation(request: HttpRequest, pk: int, payload: EvaluationIn) -> Any:
    posting = access.access_posting(request.user, pk)
    data = services.EvaluationData(
        period=payload.period,
        period_end=payload.period_end,
        evaluator_role=payload.evaluator_role,
        scores=services.scores_by_name(payload.scores),
        comments=payload.comments,
        result=payload.result,
    )
    return Status(201, services.evaluation_add(actor=request.user, posting=posting, data=data))


# --- Batches ---------------------------------------------------------------------------


@router.get("/posting-batches", response=list[BatchOut], summary="派驻批次")
@paginate(Page)
def list_batches(request: HttpRequest, programme: RecordId | None = None) -> Any:
    return selectors.batches_list(request.user, programme=programme).prefetch_related("postings")


@router.post("/posting-batches", response={201: BatchOut}, summary="新建批次（连同成员的派驻）")
def create_batch(request: HttpRequest, payload: BatchIn) -> Any:
    r = Resolver(request)
    data = services.BatchData(
        programme=r.programme("programme_id", payload.programme_id),
        kind=payload.kind,
        number=payload.number,
        planned_start=payload.planned_start,
        planned_end=payload.planned_end,
        specialties=r.codes("specialties", Specialty, payload.specialties),
        relieves=r.batch("relieves_id", payload.relieves_id),
        note=payload.note,
    )
    members = [_member(r, i, m) for i, m in enumerate(payload.members)]
    r.done()
    return Status(201, services.batch_create(actor=request.user, data=data, members=members))


def _member(r: Resolver, i: int, m: MemberIn) -> services.BatchMember:
    at = f"members[{i}]."
    return services.BatchMember(
        professional=r.expert(at + "professional_id", m.professional_id),
        home_institution=r.partner(at + "home_institution_id", m.home_institution_id),
        host_institution=r.partner(at + "host_institution_id", m.host_institution_id),
        home_department=r.partner_department(at + "home_department_id", m.home_department_id),
        host_department=r.partner_department(at + "host_department_id", m.host_department_id),
        mentor=r.expert(at + "mentor_id", m.mentor_id),
        liaison=r.expert(at + "liaison_id", m.liaison_id),
    )


@router.post("/posting-batches/{int:pk}/approve", response=BatchOut, summary="批准批次（卫健委）")
def approve_batch(request: HttpRequest, pk: int) -> Any:
    batch = access.access_batch(request.user, pk)
    services.batch_approve(actor=request.user, batch=batch)
    return batch


@router.get("/posting-batches/{int:pk}", response=BatchOut, summary="派驻批次详情（含成员的派驻 id）")
def get_batch(request: HttpRequest, pk: int) -> Any:
    return access.access_batch(request.user, pk)


# --- Across postings: techniques, work logs, evaluations ----------------------------------


class PostingRecordQuery(Schema):
    posting: int | None = None
    professional: int | None = Field(None, description="派驻人员 id")
    programme: int | None = None
    date_from: date | None = None
    date_to: date | None = None


def _posting_records(qs: Any, f: PostingRecordQuery, day_field: str) -> Any:
    return filter_given(
        qs,
        posting_id=f.posting,
        posting__professional_id=f.professional,
        posting__programme_id=f.programme,
        **{f"{day_field}__gte": f.date_from, f"{day_field}__lte": f.date_to},
    )


@router.get("/techniques", response=list[TechniqueOut], summary="新技术新项目（按派驻、人员、项目、首次开展日期筛选）")
@paginate(Page)
def list_techniques(request: HttpRequest, filters: Query[PostingRecordQuery]) -> Any:
    qs = _posting_records(access.techniques_visible_to(request.user), filters, "first_on")
    return qs.order_by("first_on", "pk")


@router.get("/techniques/{int:pk}", response=TechniqueOut, summary="新技术新项目详情")
def get_technique(request: HttpRequest, pk: int) -> Any:
    return access.access_technique(request.user, pk)


@router.get("/work-logs", response=list[WorkLogOut], summary="工作日志（跨派驻：按派驻、人员、项目、日期筛选）")
@paginate(Page)
def list_work_logs(request: HttpRequest, filters: Query[PostingRecordQuery]) -> Any:
    qs = _posting_records(access.work_logs_visible_to(request.user), filters, "day")
    return qs.prefetch_related("techniques").order_by("-day", "-pk")


@router.get("/work-logs/{int:pk}", response=WorkLogOut, summary="工作日志详情")
def get_work_log(request: HttpRequest, pk: int) -> Any:
    return access.access_work_log(request.user, pk)


@router.get("/evaluations", response=list[EvaluationOut], summary="考核（跨派驻：按派驻、人员、项目、考核期筛选）")
@paginate(Page)
def list_all_evaluations(request: HttpRequest, filters: Query[PostingRecordQuery]) -> Any:
    qs = _posting_records(access.evaluations_visible_to(request.user), filters, "period_end")
    return qs.prefetch_related("scores__criterion").order_by("period_end", "pk")


@router.get("/evaluations/{int:pk}", response=EvaluationOut, summary="考核详情（含各考核项目得分）")
def get_evaluation(request: HttpRequest, pk: int) -> Any:
    return access.access_evaluation(request.user, pk)


@router.get("/evaluation-criteria", response=list[CriterionOut], summary="考核项目及权重")
@paginate(Page)
def list_criteria(request: HttpRequest, active: bool | None = None) -> Any:
    return filter_given(EvaluationCriterion.objects.all(), active=active)


@router.get("/evaluation-criteria/{int:pk}", response=CriterionOut, summary="考核项目")
def get_criterion(request: HttpRequest, pk: int) -> Any:
    return get_object_or_404(EvaluationCriterion, pk=pk)


# --- Career plans ---------------------------------------------------------------------------


@router.get("/career-goals", response=list[CareerGoalOut], summary="职业规划（按人员、状态筛选）")
@paginate(Page)
def list_career_goals(request: HttpRequest, professional: int | None = None, status: str = "") -> Any:
    qs = filter_given(access.career_goals_visible_to(request.user), professional_id=professional, status=status)
    return qs.order_by("target_date", "pk")


@router.get("/career-goals/{int:pk}", response=CareerGoalOut, summary="职业规划详情")
def get_career_goal(request: HttpRequest, pk: int) -> Any:
    return access.access_career_goal(request.user, pk)


# --- Profile ------------------------------------------------------------------------------


@router.get("/professionals/{int:pk}/profile", response=ProfileOut, summary="个人成长档案")
def profile(request: HttpRequest, pk: int) -> Any:
    professional = access.access_profile(request.user, pk)
    data = selectors.profile(request.user, professional)
    return {
        "professional_id": professional.pk,
        "name": professional.name,
        "postings": data.postings,
        "techniques": [t.name for t in data.techniques],
        "evaluation_series": data.evaluation_series,
        "career_goals": [
            {"goal": g.goal, "target_date": g.target_date, "status": g.status, "note": g.note} for g in data.goals
        ],
    }
