"""Writes for activities and the hometown-talent network. Pages, the API, the
importer and the demo all call these; each rule (dates in order, a running host in
the actor's scope, one invitation per person, a course's places, who may answer an
invitation) lives here once."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from pathlib import PurePath
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from medbridge.accounts import access
from medbridge.accounts.audit import acting_as
from medbridge.activities.models import (
    RUNNING_ROLES,
    Activity,
    ActivityHost,
    ActivityKind,
    Attachment,
    ContactChannel,
    ContactRecord,
    CourseSession,
    Enrolment,
    FollowUp,
    FollowUpStatus,
    HostRole,
    ItineraryDay,
    Participant,
    ParticipantRole,
    Pledge,
    Rsvp,
    SessionAttendance,
    Willingness,
    WillingnessTag,
)
from medbridge.directory.models import Institution, Professional, Region
from medbridge.directory.services import Errors
from medbridge.programmes.models import Programme

ATTACHMENT_EXTENSIONS = {".pdf", ".jpg", ".jpeg", ".png", ".doc", ".docx", ".xls", ".xlsx", ".ppt", ".pptx"}
ATTACHMENT_MAX_BYTES = 20 * 1024 * 1024
# A study tour longer than this is a posting, not a tour.
MAX_ACTIVITY_DAYS = 60


# --- Activities ------------------------------------------------------------------


@dataclass
class HostData:
    institution: Institution
    role: str


@dataclass
class ActivityData:
    kind: str
    title: str
    start_date: date
    end_date: date | None = None
    programmes: list[Programme] = field(default_factory=list)
    hosts: list[HostData] = field(default_factory=list)
    venue: Institution | None = None
    region: Region | None = None
    address: str = ""
    capacity: int | None = None
    attendance_count: int = 0
    patients_served: int = 0
    agreements_signed: int = 0
    banners_presented: int = 0
    outcomes: str = ""
    description: str = ""


SCALARS = (
    "kind",
    "title",
    "start_date",
    "end_date",
    "venue",
    "region",
    "address",
    "capacity",
    "attendance_count",
    "patients_served",
    "agreements_signed",
    "banners_presented",
    "outcomes",
    "description",
)


def activity_validate(data: ActivityData) -> None:
    errors = Errors()
    data.title = data.title.strip()
    data.end_date = data.end_date or data.start_date
    if not data.title:
        errors.add("title", _("请填写活动名称"))
    if data.kind not in ActivityKind.values:
        errors.add("kind", _("未知的活动类型"))
    if data.end_date < data.start_date:
        errors.add("end_date", _("结束日期不能早于开始日期"))
    elif (data.end_date - data.start_date).days >= MAX_ACTIVITY_DAYS:
        errors.add("end_date", _("活动不能超过 %(n)d 天") % {"n": MAX_ACTIVITY_DAYS})
    if data.venue is None and data.region is None:
        errors.add("venue", _("请填写举办机构，或填写举办地区和地址"))
    _validate_hosts(errors, data.hosts)
    for name in ("capacity", "attendance_count", "patients_served", "agreements_signed", "banners_presented"):
        value = getattr(data, name)
        if value is not None and value < 0:
            errors.add(name, _("不能为负数"))
    errors.raise_if_any()


def _validate_hosts(errors: Errors, hosts: list[HostData]) -> None:
    if not any(h.role in RUNNING_ROLES for h in hosts):
        errors.add("hosts", _("请至少填写一个主办或承办单位"))
    if any(h.role not in HostRole.values for h in hosts):
        errors.add("hosts", _("未知的主办/承办角色"))
    pairs = [(h.institution.pk, h.role) for h in hosts]
    if len(pairs) != len(set(pairs)):
        errors.add("hosts", _("同一机构在同一角色下只能填写一次"))


def _require_may_run(actor: Any, data: ActivityData) -> None:
    # Co-organisers and guides may lie anywhere (a provincial association, a
    # Qinghai county); a running host commits an institution, which only someone
    # over it may do, unless the actor runs one of the activity's programmes.
    if access.is_system_admin(actor):
        return
    if any(access.can_edit_programme(actor, p) for p in data.programmes):
        return
    running = [h for h in data.hosts if h.role in RUNNING_ROLES]
    if not any(access.can_manage_institution(actor, h.institution) for h in running):
        raise PermissionDenied(_("主办或承办单位须在您的管辖范围内，或由您管理的项目举办"))


def _require_programmes_visible(actor: Any, programmes: list[Programme]) -> None:
    visible = set(
        access.programmes_visible_to(actor).filter(pk__in=[p.pk for p in programmes]).values_list("pk", flat=True)
    )
    if any(p.pk not in visible for p in programmes):
        raise ValidationError({"programmes": [_("项目不存在或无权访问")]})


def activity_create(*, actor: Any, data: ActivityData) -> Activity:
    activity_validate(data)
    _require_programmes_visible(actor, data.programmes)
    _require_may_run(actor, data)
    with transaction.atomic(), acting_as(actor):
        activity = Activity(**{name: getattr(data, name) for name in SCALARS})
        activity.save()
        _save_relations(activity, data)
    return activity


def activity_update(*, actor: Any, activity: Activity, data: ActivityData) -> Activity:
    access.require_can_edit_activity(actor, activity)
    activity_validate(data)
    added = [p for p in data.programmes if p not in activity.programmes.all()]
    _require_programmes_visible(actor, added)
    _require_may_run(actor, data)
    _check_children_fit(activity, data)
    with transaction.atomic(), acting_as(actor):
        for name in SCALARS:
            setattr(activity, name, getattr(data, name))
        activity.save()
        _save_relations(activity, data)
    return activity


def _save_relations(activity: Activity, data: ActivityData) -> None:
    activity.programmes.set(data.programmes)
    wanted = {(h.institution.pk, h.role) for h in data.hosts}
    for host in activity.hosts.all():
        if (host.institution_id, host.role) not in wanted:
            host.delete()
    for h in data.hosts:
        ActivityHost.objects.get_or_create(activity=activity, institution=h.institution, role=h.role)


def _check_children_fit(activity: Activity, data: ActivityData) -> None:
    """A new period must still hold the itinerary and the classes recorded."""
    days = [d.day for d in activity.itinerary.all()] + [s.day for s in activity.sessions.all()]
    assert data.end_date is not None  # set by activity_validate
    if days and (min(days) < data.start_date or max(days) > data.end_date):
        raise ValidationError({"start_date": [_("已有行程或课次不在新的起止日期内，请先调整")]})


def activity_differs(activity: Activity, data: ActivityData) -> bool:
    """Whether saving ``data`` would change ``activity`` (the importer's no-op test)."""
    if any(getattr(activity, name) != getattr(data, name) for name in SCALARS):
        return True
    if {p.pk for p in activity.programmes.all()} != {p.pk for p in data.programmes}:
        return True
    return {(h.institution_id, h.role) for h in activity.hosts.all()} != {
        (h.institution.pk, h.role) for h in data.hosts
    }


# --- Participants: invitations, replies, attendance -------------------------------------


def participant_invite(*, actor: Any, activity: Activity, professional: Professional, role: str) -> Participant:
    access.require_can_edit_activity(actor, activity)
    errors = Errors()
    if role not in ParticipantRole.values:
        errors.add("role", _("未知的参加身份"))
    if activity.participants.filter(professional=professional).exists():
        errors.add("professional", _("“%(name)s”已在本活动的名单中") % {"name": professional.name})
    errors.raise_if_any()
    with transaction.atomic(), acting_as(actor):
        return Participant.objects.create(activity=activity, professional=professional, role=role)


def can_respond(actor: Any, participant: Participant) -> bool:
    """The invited person answers for themselves; the organisers record answers
    they were given by phone or WeChat."""
    return access.is_self(actor, participant.professional) or access.can_edit_activity(actor, participant.activity)


def participant_respond(*, actor: Any, participant: Participant, rsvp: str) -> Participant:
    if not can_respond(actor, participant):
        raise PermissionDenied(_("只有受邀本人或活动主办方可以回复邀请"))
    if rsvp not in (Rsvp.ACCEPTED, Rsvp.DECLINED):
        raise ValidationError({"rsvp": [_("请选择接受或婉拒")]})
    with transaction.atomic(), acting_as(actor):
        participant.rsvp = rsvp
        participant.responded_at = timezone.now()
        participant.save(update_fields=["rsvp", "responded_at"])
    return participant


def attendance_record(
    *, actor: Any, participant: Participant, attended: bool, today: date | None = None
) -> Participant:
    access.require_can_edit_activity(actor, participant.activity)
    today = today or timezone.localdate()
    if participant.activity.start_date > today:
        raise ValidationError({"attended": [_("活动尚未开始，不能登记出席")]})
    with transaction.atomic(), acting_as(actor):
        participant.attended = attended
        participant.save(update_fields=["attended"])
    return participant


def participant_remove(*, actor: Any, participant: Participant) -> None:
    access.require_can_edit_activity(actor, participant.activity)
    with transaction.atomic(), acting_as(actor):
        participant.delete()


# --- Attachments ---------------------------------------------------------------------------


def attachment_add(*, actor: Any, activity: Activity, title: str, file: UploadedFile) -> Attachment:
    access.require_can_edit_activity(actor, activity)
    errors = Errors()
    if not title.strip():
        errors.add("title", _("请填写附件名称"))
    if PurePath(file.name or "").suffix.lower() not in ATTACHMENT_EXTENSIONS:
        errors.add("file", _("只接受 PDF、图片、Word、Excel 或 PPT 文件"))
    elif (file.size or 0) > ATTACHMENT_MAX_BYTES:
        errors.add("file", _("文件不能超过 20 MB"))
    errors.raise_if_any()
    with transaction.atomic(), acting_as(actor):
        return Attachment.objects.create(activity=activity, title=title.strip(), file=file, uploaded_by=actor)


# --- Study tours ------------------------------------------------------------------------------


def itinerary_day_set(
    *, actor: Any, activity: Activity, day: date, summary: str = "", institutions: list[Institution]
) -> ItineraryDay:
    """One day of a study tour's itinerary, replacing what that day held."""
    access.require_can_edit_activity(actor, activity)
    errors = Errors()
    if not activity.is_study_tour:
        errors.add("day", _("只有调研/考察活动有行程"))
    elif not activity.start_date <= day <= activity.end_date:
        errors.add("day", _("日期须在活动起止日期之内"))
    errors.raise_if_any()
    with transaction.atomic(), acting_as(actor):
        entry, _created = ItineraryDay.objects.update_or_create(
            activity=activity, day=day, defaults={"summary": summary.strip()}
        )
        entry.institutions.set(institutions)
    return entry


# --- Courses ------------------------------------------------------------------------------------


def session_add(*, actor: Any, activity: Activity, day: date, topic: str, hours: Decimal) -> CourseSession:
    access.require_can_edit_activity(actor, activity)
    errors = Errors()
    if not activity.is_course:
        errors.add("day", _("只有培训班和线上课程可以安排课次"))
    elif not activity.start_date <= day <= activity.end_date:
        errors.add("day", _("日期须在课程起止日期之内"))
    if not topic.strip():
        errors.add("topic", _("请填写主题"))
    if not Decimal("0.5") <= hours <= Decimal("12"):
        errors.add("hours", _("学时应在 0.5 到 12 之间"))
    errors.raise_if_any()
    with transaction.atomic(), acting_as(actor):
        return CourseSession.objects.create(activity=activity, day=day, topic=topic.strip(), hours=hours)


def enrol(*, actor: Any, activity: Activity, professional: Professional) -> Enrolment:
    access.require_can_edit_activity(actor, activity)
    if not activity.is_course:
        raise ValidationError({"professional": [_("只有培训班和线上课程可以报名")]})
    with transaction.atomic(), acting_as(actor):
        # The row lock makes two organisers enrolling the last place take turns,
        # so a full course is never overbooked.
        locked = Activity.objects.select_for_update().get(pk=activity.pk)
        if locked.enrolments.filter(professional=professional).exists():
            raise ValidationError({"professional": [_("“%(name)s”已报名") % {"name": professional.name}]})
        if locked.capacity is not None and locked.enrolments.count() >= locked.capacity:
            raise ValidationError({"professional": [_("名额已满（%(n)d 人）") % {"n": locked.capacity}]})
        return Enrolment.objects.create(activity=locked, professional=professional)


def session_attendance_set(
    *, actor: Any, session: CourseSession, present: list[Enrolment], today: date | None = None
) -> int:
    """Who was present at one class (the full list: others are marked absent)."""
    access.require_can_edit_activity(actor, session.activity)
    today = today or timezone.localdate()
    if session.day > today:
        raise ValidationError({"present": [_("课次尚未开始，不能登记出勤")]})
    if any(e.activity_id != session.activity_id for e in present):
        raise ValidationError({"present": [_("只能登记本课程的学员")]})
    with transaction.atomic(), acting_as(actor):
        session.attendances.exclude(enrolment__in=present).delete()
        for enrolment in present:
            SessionAttendance.objects.get_or_create(session=session, enrolment=enrolment)
    return len(present)


# --- The hometown-talent network -------------------------------------------------------------


def _network_region(actor: Any) -> Region:
    region = access.hometown_region(actor)
    if region is None:
        raise PermissionDenied(_("只有卫健委工作人员可以维护乡贤人才联络"))
    return region


def willingness_set(*, actor: Any, professional: Professional, tags: list[str]) -> list[str]:
    """The willingness tags the actor's region records for one professional."""
    region = _network_region(actor)
    access.access_hometown_talent(actor, professional.pk)
    unknown = [t for t in tags if t not in WillingnessTag.values]
    if unknown:
        raise ValidationError({"tags": [_("未知的意向：%(t)s") % {"t": "、".join(unknown)}]})
    with transaction.atomic(), acting_as(actor):
        Willingness.objects.filter(region=region, professional=professional).exclude(tag__in=tags).delete()
        for tag in tags:
            Willingness.objects.get_or_create(region=region, professional=professional, tag=tag)
    return sorted(tags)


def contact_record(
    *, actor: Any, professional: Professional, contacted_on: date, channel: str, summary: str
) -> ContactRecord:
    region = _network_region(actor)
    access.access_hometown_talent(actor, professional.pk)
    errors = Errors()
    if channel not in ContactChannel.values:
        errors.add("channel", _("未知的联系方式"))
    if not summary.strip():
        errors.add("summary", _("请填写联系内容"))
    if contacted_on > timezone.localdate():
        errors.add("contacted_on", _("联系日期不能晚于今天"))
    errors.raise_if_any()
    with transaction.atomic(), acting_as(actor):
        return ContactRecord.objects.create(
            region=region,
            professional=professional,
            contacted_on=contacted_on,
            channel=channel,
            summary=summary.strip(),
            recorded_by=actor,
        )


@dataclass
class PledgeData:
    professional: Professional
    area: str
    content: str
    pledged_on: date
    activity: Activity | None = None
    due_date: date | None = None  # defaults to three months after the pledge
    owner: Any = None  # defaults to the actor


def pledge_record(*, actor: Any, data: PledgeData) -> Pledge:
    """A pledge, and the follow-up item that makes sure someone acts on it."""
    region = _network_region(actor)
    access.access_hometown_talent(actor, data.professional.pk)
    _validate_pledge(actor, data)
    with transaction.atomic(), acting_as(actor):
        pledge = Pledge.objects.create(
            region=region,
            professional=data.professional,
            activity=data.activity,
            area=data.area,
            content=data.content.strip(),
            pledged_on=data.pledged_on,
        )
        FollowUp.objects.create(
            pledge=pledge,
            owner=data.owner or actor,
            due_date=data.due_date or data.pledged_on + timedelta(days=90),
        )
    return pledge


def _validate_pledge(actor: Any, data: PledgeData) -> None:
    errors = Errors()
    if data.area not in WillingnessTag.values:
        errors.add("area", _("未知的帮扶方向"))
    if not data.content.strip():
        errors.add("content", _("请填写承诺内容"))
    if data.due_date is not None and data.due_date < data.pledged_on:
        errors.add("due_date", _("完成期限不能早于承诺日期"))
    if data.activity is not None and not access.activities_visible_to(actor).filter(pk=data.activity.pk).exists():
        errors.add("activity", _("活动不存在或无权访问"))
    if data.owner is not None and access.hometown_region(data.owner) is None:
        errors.add("owner", _("负责人须为卫健委工作人员"))
    errors.raise_if_any()


def follow_up_update(
    *, actor: Any, follow_up: FollowUp, status: str, note: str = "", due_date: date | None = None
) -> FollowUp:
    access.access_follow_up(actor, follow_up.pk)
    _network_region(actor)
    errors = Errors()
    if status not in FollowUpStatus.values:
        errors.add("status", _("未知的状态"))
    if due_date is not None and due_date < follow_up.pledge.pledged_on:
        errors.add("due_date", _("完成期限不能早于承诺日期"))
    errors.raise_if_any()
    with transaction.atomic(), acting_as(actor):
        follow_up.status = status
        follow_up.note = note.strip()
        follow_up.due_date = due_date or follow_up.due_date
        follow_up.save()
    return follow_up
