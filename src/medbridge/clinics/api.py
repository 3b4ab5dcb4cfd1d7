"""Clinic endpoints. ``/clinics/public/...`` needs no authentication: the calendar,
booking and cancellation, rate-limited per client address like the pages. The
rest is the host's side, scoped through the access module: sessions (single and
recurring), edits, cancellation, the roster and the desk."""

import datetime as dt
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from medbridge.accounts import access
from medbridge.api import error_response
from medbridge.clinics import selectors, services
from medbridge.clinics.models import Booking, ClinicSession
from medbridge.directory.api import Page, RecordId, filter_given
from medbridge.programmes.api import Resolver

router = Router(tags=["clinics"])


# --- Schemas ------------------------------------------------------------------------


class PublicSessionOut(Schema):
    id: int
    date: dt.date
    start_time: dt.time
    end_time: dt.time
    kind: str
    expert_id: int
    expert_name: str = Field(alias="expert.name")
    expert_title: str | None = Field(None, alias="expert.title.name")
    expert_institution: str | None = Field(None, alias="expert.institution.name")
    host_id: int
    host_name: str = Field(alias="host.name")
    department_name: str | None = Field(None, alias="department.name")
    capacity: int
    remaining: int


class SessionOut(PublicSessionOut):
    status: str
    cancel_reason: str
    programme_id: int | None
    engagement_id: int | None
    posting_id: int | None
    series_id: int | None
    note: str
    booked: int
    waitlisted: int
    checked_in: int
    no_shows: int
    walk_ins: int
    visits: int


class SessionIn(Schema):
    expert_id: int
    host_id: int
    date: dt.date
    start_time: dt.time
    end_time: dt.time
    capacity: int
    kind: str = "clinic"
    department_id: int | None = None
    engagement_id: int | None = None
    posting_id: int | None = None
    programme_id: int | None = None
    note: str = ""


class SeriesIn(Schema):
    expert_id: int
    host_id: int
    weekday: int = Field(description="0 = 星期一 … 6 = 星期日")
    start_time: dt.time
    end_time: dt.time
    capacity: int
    first_date: dt.date
    last_date: dt.date
    kind: str = "clinic"
    department_id: int | None = None
    engagement_id: int | None = None
    posting_id: int | None = None
    programme_id: int | None = None


class SeriesSummaryOut(Schema):
    id: int
    expert_id: int
    expert_name: str = Field(alias="expert.name")
    host_id: int
    host_name: str = Field(alias="host.name")
    department_id: int | None
    kind: str
    weekday: int = Field(description="0 = 星期一 … 6 = 星期日")
    start_time: dt.time
    end_time: dt.time
    capacity: int
    first_date: dt.date
    last_date: dt.date
    programme_id: int | None
    engagement_id: int | None
    posting_id: int | None


class SeriesOut(SeriesSummaryOut):
    sessions: list[SessionOut]

    @staticmethod
    def resolve_sessions(obj: Any) -> Any:
        return obj.sessions.order_by("date")


class SessionPatch(Schema):
    date: dt.date | None = None
    start_time: dt.time | None = None
    end_time: dt.time | None = None
    capacity: int | None = None
    kind: str | None = None
    department_id: int | None = None
    note: str | None = None
    scope: Literal["one", "future"] = "one"


class CancelSessionIn(Schema):
    reason: str
    scope: Literal["one", "future"] = "one"


class BookingIn(Schema):
    patient_name: str
    phone: str
    consent: bool = Field(description="同意个人信息处理（必须为 true）")
    id_tail: str = ""


class BookingCreatedOut(Schema):
    code: str
    status: str
    session: PublicSessionOut


class CancelBookingIn(Schema):
    code: str
    phone: str


class RosterRowOut(Schema):
    id: int
    code: str
    status: str
    patient: str = Field(alias="masked_name")
    phone: str = Field(alias="masked_phone")
    id_tail: str
    created_at: Any


class BookingOut(Schema):
    """A booking as the desk sees it. The host's administrators (and system
    administrators) read the patient in full; everyone else who may see the
    booking — a commission officer — reads the name and phone masked and no ID tail."""

    id: int
    code: str
    session_id: int
    session_date: dt.date = Field(alias="session.date")
    host_id: int = Field(alias="session.host_id")
    status: str
    patient_visible: bool
    patient_name: str
    phone: str
    id_tail: str
    created_at: dt.datetime
    cancelled_at: dt.datetime | None
    promoted_at: dt.datetime | None
    anonymised_at: dt.datetime | None

    @staticmethod
    def resolve_patient_visible(obj: Booking, context: dict[str, Any]) -> bool:
        return _sees_patient(context, obj)

    @staticmethod
    def resolve_patient_name(obj: Booking, context: dict[str, Any]) -> str:
        return obj.patient_name if _sees_patient(context, obj) else obj.masked_name

    @staticmethod
    def resolve_phone(obj: Booking, context: dict[str, Any]) -> str:
        return obj.phone if _sees_patient(context, obj) else obj.masked_phone

    @staticmethod
    def resolve_id_tail(obj: Booking, context: dict[str, Any]) -> str:
        return obj.id_tail if _sees_patient(context, obj) else ""


def _sees_patient(context: dict[str, Any], booking: Booking) -> bool:
    request = context["request"]
    # One scope query per request, not one per row.
    checker = getattr(request, "_booking_patient_checker", None)
    if checker is None:
        checker = request._booking_patient_checker = access.booking_patient_checker(request.user)
    return bool(checker(booking))


class WalkInsIn(Schema):
    walk_ins: int


# --- Public ---------------------------------------------------------------------------


class PublicQuery(Schema):
    region: str = ""
    host: int | None = None
    specialty: str = ""
    day: dt.date | None = None
    q: str = ""


@router.get("/clinics/public/sessions", response=list[PublicSessionOut], auth=None, summary="可预约的专家坐诊（公众）")
@paginate(Page)
def public_sessions(request: HttpRequest, filters: Query[PublicQuery]) -> Any:
    return selectors.public_sessions(selectors.PublicFilter(**filters.dict()))


@router.get("/clinics/public/sessions/{int:pk}", response=PublicSessionOut, auth=None, summary="坐诊详情（公众）")
def public_session(request: HttpRequest, pk: int) -> Any:
    return access.access_public_clinic_session(pk)


def _too_many(request: HttpRequest, error: Exception) -> Any:
    return error_response(request, 429, "rate_limited", str(error))


@router.post(
    "/clinics/public/sessions/{int:pk}/bookings",
    response={201: BookingCreatedOut},
    auth=None,
    summary="预约（公众，无需登录）；号满时进入候补，候补满时返回 422",
)
def book(request: HttpRequest, pk: int, payload: BookingIn) -> Any:
    session = access.access_public_clinic_session(pk)
    data = services.BookingData(**payload.dict())
    try:
        booking = services.booking_create(session=session, data=data, client=services.client_address(request.META))
    except services.TooManyRequests as error:
        return _too_many(request, error)
    booking.session.refresh_from_db()
    return Status(201, booking)


@router.post("/clinics/public/bookings/cancel", response=BookingCreatedOut, auth=None, summary="凭预约码和手机号取消")
def cancel_booking(request: HttpRequest, payload: CancelBookingIn) -> Any:
    try:
        booking = services.booking_cancel(
            code=payload.code, phone=payload.phone, client=services.client_address(request.META)
        )
    except services.TooManyRequests as error:
        return _too_many(request, error)
    booking.session.refresh_from_db()
    return booking


# --- The host's side ------------------------------------------------------------------------


class SessionQuery(Schema):
    q: str = ""
    status: str = ""
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    host: int | None = None
    programme: RecordId | None = None


@router.get("/clinics/sessions", response=list[SessionOut], summary="坐诊列表（按权限范围）")
@paginate(Page)
def list_sessions(request: HttpRequest, filters: Query[SessionQuery]) -> Any:
    return selectors.session_list(request.user, selectors.SessionFilter(**filters.dict()))


@router.get("/clinics/sessions/{int:pk}", response=SessionOut, summary="坐诊详情")
def get_session(request: HttpRequest, pk: int) -> Any:
    return access.access_clinic_session(request.user, pk)


class _Links:
    """Ids from a request body resolved to rows; every miss collected."""

    def __init__(self, request: HttpRequest, values: dict[str, Any]) -> None:
        r = Resolver(request)
        self.expert = r.expert("expert_id", values.get("expert_id"))
        self.host = r.institution("host_id", values.get("host_id"))
        self.department = r.department("department_id", values.get("department_id"))
        engagements = access.engagements_visible_to(request.user)
        self.engagement = r._row("engagement_id", engagements, values.get("engagement_id"), _("聘任不存在或无权访问"))
        postings = access.postings_visible_to(request.user)
        self.posting = r._row("posting_id", postings, values.get("posting_id"), _("派驻记录不存在或无权访问"))
        self.programme = r.programme("programme_id", values.get("programme_id"))
        r.done()

    def shared(self) -> dict[str, Any]:
        names = ("expert", "host", "department", "engagement", "posting", "programme")
        return {name: getattr(self, name) for name in names}


_LINK_IDS = {"expert_id", "host_id", "department_id", "engagement_id", "posting_id", "programme_id"}


@router.post("/clinics/sessions", response={201: SessionOut}, summary="新增单场坐诊")
def create_session(request: HttpRequest, payload: SessionIn) -> Any:
    links = _Links(request, payload.dict())
    data = services.SessionData(**payload.dict(exclude=_LINK_IDS), **links.shared())
    return Status(201, services.session_create(actor=request.user, data=data))


@router.post("/clinics/series", response={201: SeriesOut}, summary="新增每周坐诊计划（批量生成场次）")
def create_series(request: HttpRequest, payload: SeriesIn) -> Any:
    links = _Links(request, payload.dict())
    data = services.SeriesData(**payload.dict(exclude=_LINK_IDS), **links.shared())
    return Status(201, services.series_create(actor=request.user, data=data))


@router.patch("/clinics/sessions/{int:pk}", response=SessionOut, summary="修改本场，或本场及之后同一计划的场次")
def update_session(request: HttpRequest, pk: int, payload: SessionPatch) -> Any:
    session = access.access_clinic_session(request.user, pk, for_write=True)
    changes = payload.dict(exclude_unset=True, exclude={"scope"})
    department_id = changes.pop("department_id", session.department_id)
    links = _Links(request, {"department_id": department_id})
    values = {name: getattr(session, name) for name in services.SessionData.__dataclass_fields__}
    data = services.SessionData(**(values | changes | {"department": links.department}))
    services.session_update(actor=request.user, session=session, data=data, scope=payload.scope)
    session.refresh_from_db()
    return session


@router.post("/clinics/sessions/{int:pk}/cancel", response=SessionOut, summary="停诊（通知已预约患者）")
def cancel_session(request: HttpRequest, pk: int, payload: CancelSessionIn) -> Any:
    session = access.access_clinic_session(request.user, pk, for_write=True)
    services.session_cancel(actor=request.user, session=session, reason=payload.reason, scope=payload.scope)
    session.refresh_from_db()
    return session


@router.post("/clinics/sessions/{int:pk}/close", response=SessionOut, summary="结束坐诊（未签到记为爽约）")
def close_session(request: HttpRequest, pk: int) -> Any:
    session = access.access_clinic_session(request.user, pk, for_write=True)
    return services.session_close(actor=request.user, session=session)


@router.put("/clinics/sessions/{int:pk}/walk-ins", response=SessionOut, summary="登记现场加号人数")
def set_walk_ins(request: HttpRequest, pk: int, payload: WalkInsIn) -> Any:
    session = access.access_clinic_session(request.user, pk, for_write=True)
    return services.walk_ins_set(actor=request.user, session=session, walk_ins=payload.walk_ins)


@router.get("/clinics/sessions/{int:pk}/roster", response=list[RosterRowOut], summary="预约名单（脱敏）")
def roster(request: HttpRequest, pk: int) -> Any:
    session = access.access_clinic_session(request.user, pk)
    return selectors.session_roster(session)


# --- Weekly plans and bookings across sessions ---------------------------------------------


class SeriesQuery(Schema):
    host: int | None = None
    expert: int | None = None
    programme: int | None = None
    weekday: int | None = Field(None, ge=0, le=6, description="0 = 星期一 … 6 = 星期日")
    active_on: dt.date | None = Field(None, description="只列出该日期在首末次日期之间的计划")


@router.get(
    "/clinics/series", response=list[SeriesSummaryOut], summary="每周坐诊计划列表（按医院、专家、项目、星期筛选）"
)
@paginate(Page)
def list_series(request: HttpRequest, filters: Query[SeriesQuery]) -> Any:
    qs = filter_given(
        access.clinic_series_visible_to(request.user),
        host_id=filters.host,
        expert_id=filters.expert,
        programme_id=filters.programme,
        weekday=filters.weekday,
        first_date__lte=filters.active_on,
        last_date__gte=filters.active_on,
    )
    return qs.order_by("-first_date", "pk")


@router.get("/clinics/series/{int:pk}", response=SeriesOut, summary="每周坐诊计划详情（含全部场次）")
def get_series(request: HttpRequest, pk: int) -> Any:
    return access.access_clinic_series(request.user, pk)


class BookingQuery(Schema):
    session: int | None = None
    host: int | None = None
    status: str = ""
    date_from: dt.date | None = None
    date_to: dt.date | None = None


@router.get(
    "/clinics/bookings",
    response=list[BookingOut],
    summary="预约列表（坐诊医院管理员可见患者信息，卫健委人员只见脱敏信息）",
)
@paginate(Page)
def list_bookings(request: HttpRequest, filters: Query[BookingQuery]) -> Any:
    qs = filter_given(
        access.bookings_visible_to(request.user),
        session_id=filters.session,
        session__host_id=filters.host,
        status=filters.status,
        session__date__gte=filters.date_from,
        session__date__lte=filters.date_to,
    )
    return qs.order_by("session__date", "session__start_time", "created_at", "pk")


@router.get("/clinics/bookings/{int:pk}", response=BookingOut, summary="预约详情（患者信息按角色脱敏）")
def get_booking(request: HttpRequest, pk: int) -> Any:
    return access.access_booking(request.user, pk)


def _booking(request: HttpRequest, pk: int, booking_pk: int) -> Booking:
    session: ClinicSession = access.access_clinic_session(request.user, pk, for_write=True)
    booking = session.bookings.filter(pk=booking_pk).first()
    if booking is None:
        raise ValidationError({"booking": [_("预约不存在")]})
    booking.session = session
    return booking


@router.post("/clinics/sessions/{int:pk}/bookings/{int:booking_pk}/check-in", response=RosterRowOut, summary="签到")
def check_in(request: HttpRequest, pk: int, booking_pk: int) -> Any:
    return services.booking_check_in(actor=request.user, booking=_booking(request, pk, booking_pk))


@router.post("/clinics/sessions/{int:pk}/bookings/{int:booking_pk}/no-show", response=RosterRowOut, summary="爽约")
def no_show(request: HttpRequest, pk: int, booking_pk: int) -> Any:
    return services.booking_mark_no_show(actor=request.user, booking=_booking(request, pk, booking_pk))
