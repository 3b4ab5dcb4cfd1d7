"""Activity endpoints: activities with their hosts, invitations, replies and
attendance; programme activity figures; the hometown-talent pool, its pledges and
their follow-ups. Same scoping as the pages: lookups go through the access module,
reads through selectors, writes through services; ids and codes in and out."""

from datetime import date, datetime
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from medbridge.accounts import access
from medbridge.activities import selectors, services
from medbridge.activities.models import Activity, Enrolment, ItineraryDay, Participant, Pledge
from medbridge.directory.api import Page, Year, filter_given
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
    activity_id: int
    professional_id: int
    professional_name: str = Field(alias="professional.name")
    role: str
    rsvp: str
    attended: bool | None


class ActivityAttachmentOut(Schema):
    id: int
    activity_id: int
    title: str
    created_at: datetime


class ItineraryDayOut(Schema):
    id: int
    activity_id: int
    day: date
    summary: str
    institution_ids: list[int]

    @staticmethod
    def resolve_institution_ids(obj: ItineraryDay) -> list[int]:
        return sorted(i.pk for i in obj.institutions.all())


class CourseSessionOut(Schema):
    id: int
    activity_id: int
    day: date
    topic: str
    hours: float


class EnrolmentOut(Schema):
    id: int
    activity_id: int
    professional_id: int
    professional_name: str = Field(alias="professional.name")
    enrolled_at: datetime
    attended_session_ids: list[int]

    @staticmethod
    def resolve_attended_session_ids(obj: Enrolment) -> list[int]:
        return sorted(a.session_id for a in obj.attendances.all())


class CertificateOut(Schema):
    """What the certificate of attendance says."""

    name: str
    institution: str
    course: str
    start: date
    end: date
    sessions_attended: int
    sessions_total: int
    hours: float
    organisers: str


class EnrolmentDetailOut(EnrolmentOut):
    certificate: CertificateOut | None = Field(description="未出席任何课次时为 null")

    @staticmethod
    def resolve_certificate(obj: Enrolment) -> Any:
        return selectors.certificate_data(obj)


class WillingnessOut(Schema):
    id: int
    region: str = Field(alias="region.code")
    professional_id: int
    professional_name: str = Field(alias="professional.name")
    tag: str


class ContactRecordOut(Schema):
    id: int
    region: str = Field(alias="region.code")
    professional_id: int
    professional_name: str = Field(alias="professional.name")
    contacted_on: date
    channel: str
    summary: str


class PledgeOut(Schema):
    id: int
    region: str = Field(alias="region.code")
    professional_id: int
    professional_name: str = Field(alias="professional.name")
    activity_id: int | None
    area: str
    content: str
    pledged_on: date
    follow_up_id: int | None

    @staticmethod
    def resolve_follow_up_id(obj: Pledge) -> int | None:
        follow_up = getattr(obj, "follow_up", None)
        return follow_up.pk if follow_up else None


class InviteIn(Schema):
    professional_id: int
    role: str = "expert"


class RsvpIn(Schema):
    rsvp: str


class AttendanceIn(Schema):
    attended: bool


class ActivityFiguresOut(Schema):
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


# --- Across activities: participants, attachments, itineraries, courses ----------------------------


class ActivityPartQuery(Schema):
    activity: int | None = None
    date_from: date | None = None
    date_to: date | None = None


class PeopleQuery(ActivityPartQuery):
    professional: int | None = Field(None, description="人员 id")


def _activity_parts(qs: Any, f: ActivityPartQuery, day: str = "activity__start_date") -> Any:
    people = {"professional_id": f.professional} if isinstance(f, PeopleQuery) else {}
    return filter_given(qs, activity_id=f.activity, **people, **{f"{day}__gte": f.date_from, f"{day}__lte": f.date_to})


class ParticipantQuery(PeopleQuery):
    role: str = ""
    rsvp: str = ""


@router.get(
    "/participants", response=list[ParticipantOut], summary="参加人员（跨活动：按活动、人员、身份、回复、日期筛选）"
)
@paginate(Page)
def list_all_participants(request: HttpRequest, filters: Query[ParticipantQuery]) -> Any:
    qs = _activity_parts(access.participants_visible_to(request.user), filters)
    qs = filter_given(qs, role=filters.role, rsvp=filters.rsvp)
    return qs.order_by("-activity__start_date", "activity_id", "role", "professional__name", "pk")


@router.get("/participants/{int:pk}", response=ParticipantOut, summary="参加人员详情")
def get_participant(request: HttpRequest, pk: int) -> Any:
    return access.access_participant(request.user, pk)


@router.get("/activity-attachments", response=list[ActivityAttachmentOut], summary="活动附件（按活动筛选）")
@paginate(Page)
def list_activity_attachments(request: HttpRequest, filters: Query[ActivityPartQuery]) -> Any:
    qs = _activity_parts(access.activity_attachments_visible_to(request.user), filters)
    return qs.order_by("-created_at", "pk")


@router.get("/activity-attachments/{int:pk}", response=ActivityAttachmentOut, summary="活动附件详情")
def get_activity_attachment(request: HttpRequest, pk: int) -> Any:
    return access.access_activity_attachment(request.user, pk)


@router.get("/itinerary-days", response=list[ItineraryDayOut], summary="考察行程（按活动、日期筛选）")
@paginate(Page)
def list_itinerary_days(request: HttpRequest, filters: Query[ActivityPartQuery]) -> Any:
    qs = _activity_parts(access.itinerary_days_visible_to(request.user), filters, "day")
    return qs.prefetch_related("institutions").order_by("activity_id", "day")


@router.get("/itinerary-days/{int:pk}", response=ItineraryDayOut, summary="考察行程详情")
def get_itinerary_day(request: HttpRequest, pk: int) -> Any:
    return access.access_itinerary_day(request.user, pk)


@router.get("/course-sessions", response=list[CourseSessionOut], summary="培训课次（按课程、日期筛选）")
@paginate(Page)
def list_course_sessions(request: HttpRequest, filters: Query[ActivityPartQuery]) -> Any:
    qs = _activity_parts(access.course_sessions_visible_to(request.user), filters, "day")
    return qs.order_by("activity_id", "day", "pk")


@router.get("/course-sessions/{int:pk}", response=CourseSessionOut, summary="培训课次详情")
def get_course_session(request: HttpRequest, pk: int) -> Any:
    return access.access_course_session(request.user, pk)


@router.get("/enrolments", response=list[EnrolmentOut], summary="课程报名与出勤（按课程、学员筛选）")
@paginate(Page)
def list_enrolments(request: HttpRequest, filters: Query[PeopleQuery]) -> Any:
    qs = _activity_parts(access.enrolments_visible_to(request.user), filters)
    return qs.prefetch_related("attendances").order_by("activity_id", "professional__name", "pk")


@router.get("/enrolments/{int:pk}", response=EnrolmentDetailOut, summary="报名详情（含结业证书内容）")
def get_enrolment(request: HttpRequest, pk: int) -> Any:
    return access.access_enrolment(request.user, pk)


@router.get("/programmes/{int:pk}/activity-figures", response=ActivityFiguresOut, summary="项目活动统计")
def programme_figures(request: HttpRequest, pk: int) -> Any:
    return selectors.programme_activity_figures(access.access_programme(request.user, pk))


# --- The hometown-talent pool ---------------------------------------------------------------


@router.get("/hometown/talents", response=list[TalentOut], summary="乡贤人才检索")
@paginate(Page)
def search_talents(request: HttpRequest, filters: Query[HometownQuery]) -> Any:
    _require_hometown(request)
    people = selectors.hometown_search(request.user, selectors.HometownFilter(**filters.dict()))
    return selectors.talent_cards(request.user, people)


@router.get("/hometown/talents/{int:pk}", response=TalentOut, summary="乡贤人才详情（不含电话、证件号）")
def get_talent(request: HttpRequest, pk: int) -> Any:
    _require_hometown(request)
    return selectors.talent_cards(request.user, [access.access_hometown_talent(request.user, pk)])[0]


class HometownRecordQuery(Schema):
    professional: int | None = None
    date_from: date | None = None
    date_to: date | None = None


def _hometown_records(qs: Any, f: HometownRecordQuery, day: str) -> Any:
    return filter_given(qs, professional_id=f.professional, **{f"{day}__gte": f.date_from, f"{day}__lte": f.date_to})


@router.get("/hometown/willingness", response=list[WillingnessOut], summary="乡贤帮扶意向（按人员、意向筛选）")
@paginate(Page)
def list_willingness(request: HttpRequest, filters: Query[HometownRecordQuery], tag: str = "") -> Any:
    _require_hometown(request)
    qs = _hometown_records(access.willingness_visible_to(request.user), filters, "created_at__date")
    return filter_given(qs, tag=tag).order_by("professional__name", "tag", "pk")


@router.get("/hometown/willingness/{int:pk}", response=WillingnessOut, summary="帮扶意向详情")
def get_willingness(request: HttpRequest, pk: int) -> Any:
    _require_hometown(request)
    return access.access_willingness(request.user, pk)


@router.get("/hometown/contacts", response=list[ContactRecordOut], summary="乡贤联络记录（按人员、方式、日期筛选）")
@paginate(Page)
def list_contacts(request: HttpRequest, filters: Query[HometownRecordQuery], channel: str = "") -> Any:
    _require_hometown(request)
    qs = _hometown_records(access.contact_records_visible_to(request.user), filters, "contacted_on")
    return filter_given(qs, channel=channel).order_by("-contacted_on", "-pk")


@router.get("/hometown/contacts/{int:pk}", response=ContactRecordOut, summary="联络记录详情")
def get_contact(request: HttpRequest, pk: int) -> Any:
    _require_hometown(request)
    return access.access_contact_record(request.user, pk)


@router.get("/hometown/pledges", response=list[PledgeOut], summary="乡贤帮扶承诺（按人员、方向、活动、日期筛选）")
@paginate(Page)
def list_pledges(
    request: HttpRequest, filters: Query[HometownRecordQuery], area: str = "", activity: int | None = None
) -> Any:
    _require_hometown(request)
    qs = _hometown_records(access.pledges_visible_to(request.user), filters, "pledged_on")
    return filter_given(qs, area=area, activity_id=activity).order_by("-pledged_on", "-pk")


@router.get("/hometown/pledges/{int:pk}", response=PledgeOut, summary="帮扶承诺详情")
def get_pledge(request: HttpRequest, pk: int) -> Any:
    _require_hometown(request)
    return access.access_pledge(request.user, pk)


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


@router.get("/follow-ups/{int:pk}", response=FollowUpOut, summary="跟进事项详情")
def get_follow_up(request: HttpRequest, pk: int) -> Any:
    _require_hometown(request)
    return access.access_follow_up(request.user, pk)


@router.patch("/follow-ups/{int:pk}", response=FollowUpOut, summary="更新跟进事项")
def update_follow_up(request: HttpRequest, pk: int, payload: FollowUpPatch) -> Any:
    follow_up = access.access_follow_up(request.user, pk)
    return services.follow_up_update(actor=request.user, follow_up=follow_up, **payload.dict())


__all__ = ["router"]
