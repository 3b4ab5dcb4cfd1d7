"""Activity endpoints: activities with their hosts, invitations, replies and
attendance; programme activity figures; the hometown-talent pool, its pledges and
their follow-ups. Same scoping as the pages: lookups go through the access module,
reads through selectors, writes through services; ids and codes in and out."""

from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from medbridge.accounts import access
from medbridge.activities import selectors, services
from medbridge.activities.models import Activity, Participant
from medbridge.directory.api import Page, Year
from medbridge.directory.models import Region
from medbridge.programmes.api import Resolver as ProgrammeResolver

router = Router(tags=["activities"])


# --- Schemas ---------------------------------------------------------------------------


class HostOut(Schema):
    institution_id: int
    institution_name: str = Field(alias="institution.name")
    role: str


class ActivityOut(Schema):
    id: int
    kind: str
    title: str
    programme_ids: list[int]
    hosts: list[HostOut]
    venue_id: int | None
    region: str | None = Field(None, alias="region.code")
    address: str
    start_date: date
    end_date: date
    capacity: int | None
    attendance_count: int
    patients_served: int
    agreements_signed: int
    banners_presented: int
    outcomes: str
    description: str

    @staticmethod
    def resolve_programme_ids(obj: Activity) -> list[int]:
        return sorted(p.pk for p in obj.programmes.all())

    @staticmethod
    def resolve_hosts(obj: Activity) -> Any:
        return selectors.activity_hosts(obj)


class HostIn(Schema):
    institution_id: int
    role: str


class ActivityIn(Schema):
    kind: str
    title: str
    start_date: date
    hosts: list[HostIn]
    end_date: date | None = None
    programme_ids: list[int] = []
    venue_id: int | None = None
    region: str | None = None
    address: str = ""
    capacity: int | None = None
    attendance_count: int = 0
    patients_served: int = 0
    agreements_signed: int = 0
    banners_presented: int = 0
    outcomes: str = ""
    description: str = ""


class ParticipantOut(Schema):
    id: int
    professional_id: int
    professional_name: str = Field(alias="professional.name")
    role: str
    rsvp: str
    attended: bool | None


class InviteIn(Schema):
    professional_id: int
    role: str = "expert"


class RsvpIn(Schema):
    rsvp: str


class AttendanceIn(Schema):
    attended: bool


class FiguresOut(Schema):
    activities: int
    attendance: int
    free_clinic_patients: int
    lectures: int


class TalentOut(Schema):
    """A hometown professional as an officer sees them: no phone, no ID."""

    id: int
    name: str
    title: str
    specialty: str
    department: str
    institution: str
    city: str
    home: str
    tags: list[str]


class HometownQuery(Schema):
    q: str = ""
    specialty: str = ""
    work_region: str = ""
    min_title_rank: int | None = None
    tag: str = ""


class PledgeIn(Schema):
    area: str
    content: str
    pledged_on: date
    activity_id: int | None = None
    due_date: date | None = None


class FollowUpOut(Schema):
    id: int
    pledge_id: int
    professional_id: int = Field(alias="pledge.professional_id")
    content: str = Field(alias="pledge.content")
    owner_id: int
    due_date: date
    status: str
    note: str


class FollowUpPatch(Schema):
    status: str
    note: str = ""
    due_date: date | None = None


# --- Resolving ids ---------------------------------------------------------------------


def _activity_data(request: HttpRequest, payload: ActivityIn) -> services.ActivityData:
    r = ProgrammeResolver(request)
    hosts = [services.HostData(r.partner(f"hosts.{i}", h.institution_id), h.role) for i, h in enumerate(payload.hosts)]
    programmes = [r.programme("programme_ids", pk) for pk in payload.programme_ids]
    region = r.code("region", Region, payload.region)
    data = services.ActivityData(
        **payload.dict(exclude={"hosts", "programme_ids", "venue_id", "region"}),
        hosts=hosts,
        programmes=programmes,
        venue=r.partner("venue_id", payload.venue_id),
        region=region,
    )
    r.done()
    return data


def _participant(request: HttpRequest, pk: int, participant_id: int) -> Participant:
    activity = access.access_activity(request.user, pk)
    participant: Participant = get_object_or_404(activity.participants.select_related("activity"), pk=participant_id)
    return participant


def _require_hometown(request: HttpRequest) -> None:
    if not access.can_use_hometown_network(request.user):
        raise PermissionDenied(_("只有卫健委工作人员可以使用乡贤人才库"))


# --- Activities --------------------------------------------------------------------------


class ActivityQuery(Schema):
    q: str = ""
    kind: str = ""
    programme: int | None = None
    region: str = ""
    year: Year | None = None


@router.get("/activities", response=list[ActivityOut], summary="活动列表（搜索、筛选、分页）")
@paginate(Page)
def list_activities(request: HttpRequest, filters: Query[ActivityQuery]) -> Any:
    qs = selectors.activity_list(request.user, selectors.ActivityFilter(**filters.dict()))
    return qs.prefetch_related("programmes")


@router.get("/activities/{int:pk}", response=ActivityOut, summary="活动详情")
def get_activity(request: HttpRequest, pk: int) -> Any:
    return access.access_activity(request.user, pk)


@router.post("/activities", response={201: ActivityOut}, summary="登记活动")
def create_activity(request: HttpRequest, payload: ActivityIn) -> Any:
    return Status(201, services.activity_create(actor=request.user, data=_activity_data(request, payload)))


@router.put("/activities/{int:pk}", response=ActivityOut, summary="修改活动（整体替换）")
def update_activity(request: HttpRequest, pk: int, payload: ActivityIn) -> Any:
    activity = access.access_activity(request.user, pk, for_write=True)
    return services.activity_update(actor=request.user, activity=activity, data=_activity_data(request, payload))


@router.get("/activities/{int:pk}/participants", response=list[ParticipantOut], summary="邀请与出席名单")
def list_participants(request: HttpRequest, pk: int) -> Any:
    return selectors.activity_participants(access.access_activity(request.user, pk))


@router.post("/activities/{int:pk}/participants", response={201: ParticipantOut}, summary="邀请人员")
def invite(request: HttpRequest, pk: int, payload: InviteIn) -> Any:
    activity = access.access_activity(request.user, pk, for_write=True)
    r = ProgrammeResolver(request)
    professional = r.expert("professional_id", payload.professional_id)
    r.done()
    participant = services.participant_invite(
        actor=request.user, activity=activity, professional=professional, role=payload.role
    )
    return Status(201, participant)


@router.post("/activities/{int:pk}/participants/{int:participant_id}/rsvp", response=ParticipantOut, summary="回复邀请")
def respond(request: HttpRequest, pk: int, participant_id: int, payload: RsvpIn) -> Any:
    participant = _participant(request, pk, participant_id)
    return services.participant_respond(actor=request.user, participant=participant, rsvp=payload.rsvp)


@router.post(
    "/activities/{int:pk}/participants/{int:participant_id}/attendance", response=ParticipantOut, summary="登记出席"
)
def attendance(request: HttpRequest, pk: int, participant_id: int, payload: AttendanceIn) -> Any:
    participant = _participant(request, pk, participant_id)
    return services.attendance_record(actor=request.user, participant=participant, attended=payload.attended)


@router.get("/programmes/{int:pk}/activity-figures", response=FiguresOut, summary="项目活动统计")
def programme_figures(request: HttpRequest, pk: int) -> Any:
    return selectors.programme_activity_figures(access.access_programme(request.user, pk))


# --- The hometown-talent pool ---------------------------------------------------------------


@router.get("/hometown/talents", response=list[TalentOut], summary="乡贤人才检索")
@paginate(Page)
def search_talents(request: HttpRequest, filters: Query[HometownQuery]) -> Any:
    _require_hometown(request)
    people = selectors.hometown_search(request.user, selectors.HometownFilter(**filters.dict()))
    return selectors.talent_cards(request.user, people)


@router.post("/hometown/talents/{int:pk}/pledges", response={201: FollowUpOut}, summary="记录承诺（生成跟进事项）")
def record_pledge(request: HttpRequest, pk: int, payload: PledgeIn) -> Any:
    _require_hometown(request)
    person = access.access_hometown_talent(request.user, pk)
    activity = access.access_activity(request.user, payload.activity_id) if payload.activity_id else None
    data = services.PledgeData(
        professional=person,
        area=payload.area,
        content=payload.content,
        pledged_on=payload.pledged_on,
        activity=activity,
        due_date=payload.due_date,
    )
    return Status(201, services.pledge_record(actor=request.user, data=data).follow_up)


@router.get("/follow-ups", response=list[FollowUpOut], summary="承诺跟进事项")
@paginate(Page)
def list_follow_ups(request: HttpRequest, status: str = "", mine: bool = False) -> Any:
    _require_hometown(request)
    return selectors.follow_up_list(request.user, status=status, mine=mine)


@router.patch("/follow-ups/{int:pk}", response=FollowUpOut, summary="更新跟进事项")
def update_follow_up(request: HttpRequest, pk: int, payload: FollowUpPatch) -> Any:
    follow_up = access.access_follow_up(request.user, pk)
    return services.follow_up_update(actor=request.user, follow_up=follow_up, **payload.dict())


__all__ = ["router"]
