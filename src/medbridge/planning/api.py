"""Planning endpoints: matching rounds (departments, applications, run, publish,
review) and schedule plans (start, progress, sessions). Same scoping as the pages:
lookups through the access module, writes through services; ids in, ids out."""

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from medbridge.accounts import access
from medbridge.directory.api import Page, RecordId, filter_given
from medbridge.directory.models import Department, Professional
from medbridge.planning import selectors, services
from medbridge.planning.models import Application, MatchingRound, PlannedSession, SchedulePlan
from medbridge.planning.services import jobs

router = Router(tags=["planning"])


# --- Schemas ---------------------------------------------------------------------------


class RoundIn(Schema):
    programme_id: int
    kind: str
    title: str
    placement_start: date
    placement_end: date


class RoundOut(Schema):
    id: int
    programme_id: int
    kind: str
    title: str
    status: str
    placement_start: date
    placement_end: date


class RoundDepartmentIn(Schema):
    department_id: int
    quota: int
    rule: str = "title"


class RoundDepartmentOut(Schema):
    id: int
    round_id: int
    department_id: int
    name: str
    quota: int
    rule: str
    admitted: int
    cutoff_rank: int | None

    @staticmethod
    def resolve_name(obj: Any) -> str:
        return str(obj)


class ApplicationIn(Schema):
    professional_id: int
    home_institution_id: int | None = None
    years_of_service: int = 0
    choices: list[int] = Field(default_factory=list, description="本轮接收科室的 id，按志愿顺序")


class CutoffOut(Schema):
    department: int
    applicant_rank: int | None
    cutoff_rank: int | None


class ApplicationOut(Schema):
    id: int
    round_id: int
    professional_id: int
    professional_name: str = Field(alias="professional.name")
    home_institution_id: int
    years_of_service: int
    choices: list[int]
    placement_id: int | None
    posting_id: int | None
    explanation: list[CutoffOut]

    @staticmethod
    def resolve_choices(obj: Application) -> list[int]:
        return [c.department_id for c in sorted(obj.choices.all(), key=lambda c: c.rank)]


class PublishOut(Schema):
    postings_created: int


class PlanIn(Schema):
    programme_id: int
    start_date: date
    weeks: int


class PlanOut(Schema):
    id: int
    programme_id: int
    start_date: date
    weeks: int
    status: str
    objective: int
    outcomes: list[dict[str, Any]]
    progress: list[dict[str, Any]]

    @staticmethod
    def resolve_progress(obj: SchedulePlan) -> list[dict[str, Any]]:
        return jobs.progress_of(obj.pk) if obj.status == "solving" else list(obj.progress)


class PlannedSessionOut(Schema):
    id: int
    plan_id: int
    expert_id: int
    expert_name: str = Field(alias="expert.name")
    department_id: int
    specialty: str = Field(alias="specialty.code")
    day: date


class RankingOut(Schema):
    id: int
    round_id: int = Field(alias="department.round_id")
    department_id: int = Field(description="本轮接收科室（round department）的 id")
    application_id: int
    rank: int


class HostDemandOut(Schema):
    id: int
    programme_id: int
    department_id: int
    department_name: str = Field(alias="department.name")
    specialty: str = Field(alias="specialty.code")
    sessions_per_week: int
    weight: int


# --- Matching rounds -------------------------------------------------------------------


@router.get("/matching-rounds", response=list[RoundOut], summary="匹配轮次列表")
@paginate(Page)
def list_rounds(request: HttpRequest, q: str = "", status: str = "") -> QuerySet[MatchingRound]:
    return selectors.round_list(request.user, selectors.RoundFilter(q=q, status=status))


@router.post("/matching-rounds", response={201: RoundOut}, summary="新建匹配轮次")
def create_round(request: HttpRequest, payload: RoundIn) -> Any:
    programme = access.access_programme(request.user, payload.programme_id)
    data = services.RoundData(programme=programme, **payload.dict(exclude={"programme_id"}))
    return Status(201, services.round_open(actor=request.user, data=data))


@router.get("/matching-rounds/{int:pk}", response=RoundOut, summary="匹配轮次详情")
def get_round(request: HttpRequest, pk: int) -> Any:
    return access.access_matching_round(request.user, pk)


@router.get(
    "/matching-rounds/{int:pk}/departments", response=list[RoundDepartmentOut], summary="接收科室（名额、录取线）"
)
def list_departments(request: HttpRequest, pk: int) -> Any:
    return list(selectors.round_departments(access.access_matching_round(request.user, pk)))


@router.post("/matching-rounds/{int:pk}/departments", response={201: RoundDepartmentOut}, summary="添加接收科室")
def add_department(request: HttpRequest, pk: int, payload: RoundDepartmentIn) -> Any:
    round_ = access.access_matching_round(request.user, pk, for_write=True)
    department = get_object_or_404(Department.objects.select_related("institution"), pk=payload.department_id)
    added = services.round_department_add(
        actor=request.user, round_=round_, department=department, quota=payload.quota, rule=payload.rule
    )
    return Status(201, added)


@router.get("/matching-rounds/{int:pk}/applications", response=list[ApplicationOut], summary="申请及匹配结果")
@paginate(Page)
def list_applications(request: HttpRequest, pk: int) -> Any:
    round_ = access.access_matching_round(request.user, pk)
    return round_.applications.select_related("professional").prefetch_related("choices").order_by("pk")


@router.post("/matching-rounds/{int:pk}/applications", response={201: ApplicationOut}, summary="添加申请")
def add_application(request: HttpRequest, pk: int, payload: ApplicationIn) -> Any:
    round_ = access.access_matching_round(request.user, pk, for_write=True)
    # Applicants come from the county hospitals of the programme, which the office
    # running the round may not manage: looked up by id, like engagement experts.
    person = get_object_or_404(access.expert_candidates(request.user), pk=payload.professional_id)
    person = Professional.objects.select_related("institution").get(pk=person.pk)
    home_id = payload.home_institution_id or person.institution_id
    home = get_object_or_404(access.partner_candidates(request.user), pk=home_id)
    departments = {d.pk: d for d in round_.departments.all()}
    choices = [departments[c] for c in payload.choices if c in departments]
    if len(choices) != len(payload.choices):
        raise ValidationError({"choices": [_("志愿须为本轮的接收科室")]})
    data = services.ApplicationData(
        professional=person, home_institution=home, years_of_service=payload.years_of_service, choices=choices
    )
    return Status(201, services.application_add(actor=request.user, round_=round_, data=data))


@router.post("/matching-rounds/{int:pk}/run", response=RoundOut, summary="运行匹配（申请人最优稳定匹配）")
def run_round(request: HttpRequest, pk: int) -> Any:
    round_ = access.access_matching_round(request.user, pk, for_write=True)
    return services.round_run(actor=request.user, round_=round_)


@router.post("/matching-rounds/{int:pk}/publish", response=PublishOut, summary="发布为计划派驻（全部成功或全部不写）")
def publish_round(request: HttpRequest, pk: int) -> Any:
    round_ = access.access_matching_round(request.user, pk, for_write=True)
    return {"postings_created": services.round_publish(actor=request.user, round_=round_)}


# --- Across rounds: departments, applications, rankings --------------------------------------


@router.get("/round-departments", response=list[RoundDepartmentOut], summary="各轮次接收科室（按轮次、科室筛选）")
@paginate(Page)
def list_round_departments(request: HttpRequest, round: int | None = None, department: int | None = None) -> Any:
    qs = filter_given(access.round_departments_visible_to(request.user), round_id=round, department_id=department)
    return qs.order_by("round_id", "department__institution__name", "department__name", "pk")


@router.get("/round-departments/{int:pk}", response=RoundDepartmentOut, summary="轮次接收科室详情")
def get_round_department(request: HttpRequest, pk: int) -> Any:
    return access.access_round_department(request.user, pk)


@router.get("/applications", response=list[ApplicationOut], summary="匹配申请（按轮次、申请人、是否录取筛选）")
@paginate(Page)
def list_all_applications(
    request: HttpRequest, round: int | None = None, professional: int | None = None, placed: bool | None = None
) -> Any:
    unplaced = None if placed is None else not placed
    qs = filter_given(
        access.applications_visible_to(request.user),
        round_id=round,
        professional_id=professional,
        placement__isnull=unplaced,
    )
    return qs.prefetch_related("choices").order_by("round_id", "pk")


@router.get("/applications/{int:pk}", response=ApplicationOut, summary="匹配申请详情（含志愿与未录取说明）")
def get_application(request: HttpRequest, pk: int) -> Any:
    return access.access_application(request.user, pk)


@router.get("/department-rankings", response=list[RankingOut], summary="科室人工排序（按轮次、接收科室筛选）")
@paginate(Page)
def list_rankings(request: HttpRequest, round: int | None = None, department: int | None = None) -> Any:
    qs = filter_given(
        access.department_rankings_visible_to(request.user), department__round_id=round, department_id=department
    )
    return qs.select_related("department").order_by("department_id", "rank")


@router.get("/department-rankings/{int:pk}", response=RankingOut, summary="科室人工排序详情")
def get_ranking(request: HttpRequest, pk: int) -> Any:
    return access.access_department_ranking(request.user, pk)


# --- Schedule plans --------------------------------------------------------------------


@router.get("/schedule-plans", response=list[PlanOut], summary="坐诊排班方案列表")
@paginate(Page)
def list_plans(request: HttpRequest, programme_id: RecordId | None = None) -> QuerySet[SchedulePlan]:
    return selectors.plan_list(request.user, programme_id)


@router.post("/schedule-plans", response={201: PlanOut}, summary="编排新方案（后台计算，轮询进度）")
def create_plan(request: HttpRequest, payload: PlanIn) -> Any:
    programme = access.access_programme(request.user, payload.programme_id)
    data = services.PlanData(programme=programme, start_date=payload.start_date, weeks=payload.weeks)
    return Status(201, services.plan_start(actor=request.user, data=data))


@router.get("/schedule-plans/{int:pk}", response=PlanOut, summary="方案详情、进度与需求满足情况")
def get_plan(request: HttpRequest, pk: int) -> Any:
    return access.access_schedule_plan(request.user, pk)


@router.get("/schedule-plans/{int:pk}/sessions", response=list[PlannedSessionOut], summary="方案中的坐诊")
@paginate(Page)
def list_plan_sessions(request: HttpRequest, pk: int) -> QuerySet[PlannedSession]:
    return selectors.plan_sessions(access.access_schedule_plan(request.user, pk))


@router.get("/host-demands", response=list[HostDemandOut], summary="坐诊需求（按项目、科室、专科筛选）")
@paginate(Page)
def list_host_demands(
    request: HttpRequest, programme: int | None = None, department: int | None = None, specialty: str = ""
) -> Any:
    qs = filter_given(
        access.host_demands_visible_to(request.user),
        programme_id=programme,
        department_id=department,
        specialty__code=specialty,
    )
    return qs.order_by("programme_id", "-weight", "department__name", "pk")


@router.get("/host-demands/{int:pk}", response=HostDemandOut, summary="坐诊需求详情")
def get_host_demand(request: HttpRequest, pk: int) -> Any:
    return access.access_host_demand(request.user, pk)


@router.get(
    "/planned-sessions", response=list[PlannedSessionOut], summary="计划坐诊（跨方案：按方案、专家、科室、日期筛选）"
)
@paginate(Page)
def list_planned_sessions(
    request: HttpRequest,
    plan: int | None = None,
    expert: int | None = None,
    department: int | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
) -> Any:
    qs = filter_given(
        access.planned_sessions_visible_to(request.user),
        plan_id=plan,
        expert_id=expert,
        department_id=department,
        day__gte=date_from,
        day__lte=date_to,
    )
    return qs.order_by("plan_id", "day", "pk")


@router.get("/planned-sessions/{int:pk}", response=PlannedSessionOut, summary="计划坐诊详情")
def get_planned_session(request: HttpRequest, pk: int) -> Any:
    return access.access_planned_session(request.user, pk)


@router.post("/schedule-plans/{int:pk}/accept", response=PlanOut, summary="确认方案并生成坐诊")
def accept_plan(request: HttpRequest, pk: int) -> Any:
    plan = access.access_schedule_plan(request.user, pk, for_write=True)
    services.plan_accept(actor=request.user, plan=plan)
    return plan
