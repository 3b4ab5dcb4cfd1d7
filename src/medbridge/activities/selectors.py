"""Reads of activities and the hometown-talent pool, always starting from the
access module's scoped querysets."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Case, Count, Q, QuerySet, Sum, Value, When
from django.db.models.functions import Coalesce

from medbridge.accounts import access
from medbridge.activities.models import (
    Activity,
    ActivityKind,
    CourseSession,
    Enrolment,
    FollowUp,
    HostRole,
    Participant,
    Rsvp,
    Willingness,
)
from medbridge.directory.models import Professional, Region
from medbridge.directory.selectors import region_prefix

# --- Activities ----------------------------------------------------------------


@dataclass(frozen=True)
class ActivityFilter:
    q: str = ""
    kind: str = ""
    programme: int | None = None
    region: str = ""  # a GB/T 2260 code: held at a venue or in a region inside it
    year: int | None = None


def activity_list(user: Any, f: ActivityFilter) -> QuerySet[Activity]:
    qs = access.activities_visible_to(user)
    if f.q:
        qs = qs.filter(Q(title__icontains=f.q) | Q(venue__name__icontains=f.q) | Q(address__icontains=f.q))
    if f.kind:
        qs = qs.filter(kind=f.kind)
    if f.programme:
        qs = qs.filter(programmes__pk=f.programme)
    if f.region:
        prefix = region_prefix(f.region)
        qs = qs.filter(Q(venue__region__code__startswith=prefix) | Q(region__code__startswith=prefix))
    if f.year:
        qs = qs.filter(start_date__year=f.year)
    return qs.annotate(participant_count=Count("participants", distinct=True)).order_by("-start_date", "title")


def activity_hosts(activity: Activity) -> Any:
    """Organisers first, then hosts, co-organisers and guides: how a notice lists them."""
    rank = Case(*(When(role=role, then=Value(i)) for i, role in enumerate(HostRole)), default=Value(len(HostRole)))
    return activity.hosts.select_related("institution").order_by(rank, "institution__name")


def activity_participants(activity: Activity) -> QuerySet[Participant]:
    return activity.participants.select_related(
        "professional__title", "professional__institution", "professional__department"
    ).order_by("role", "professional__name")


@dataclass(frozen=True)
class RsvpSummary:
    invited: int
    accepted: int
    declined: int
    attended: int


def rsvp_summary(activity: Activity) -> RsvpSummary:
    counts = activity.participants.aggregate(
        invited=Count("pk"),
        accepted=Count("pk", filter=Q(rsvp=Rsvp.ACCEPTED)),
        declined=Count("pk", filter=Q(rsvp=Rsvp.DECLINED)),
        attended=Count("pk", filter=Q(attended=True)),
    )
    return RsvpSummary(**counts)


# --- Figures for programmes -----------------------------------------------------------


@dataclass(frozen=True)
class ActivityFigures:
    """What a programme's activities add to its figures: headcount, patients seen
    at free clinics (and other activities that served patients), lectures given."""

    activities: int = 0
    attendance: int = 0
    free_clinic_patients: int = 0
    lectures: int = 0


def activity_figures_by_programme(programme_ids: Iterable[int]) -> dict[int, ActivityFigures]:
    """One query for many programmes; an activity shared by two programmes counts
    in each of them."""
    rows = (
        Activity.programmes.through.objects.filter(programme_id__in=list(programme_ids))
        .values("programme_id")
        .annotate(
            activities=Count("activity_id"),
            attendance=Coalesce(Sum("activity__attendance_count"), 0),
            free_clinic_patients=Coalesce(Sum("activity__patients_served"), 0),
            lectures=Count("activity_id", filter=Q(activity__kind=ActivityKind.LECTURE)),
        )
    )
    return {row.pop("programme_id"): ActivityFigures(**row) for row in rows}


def programme_activity_figures(programme: Any) -> ActivityFigures:
    return activity_figures_by_programme([programme.pk]).get(programme.pk, ActivityFigures())


def programme_activities(programme: Any) -> QuerySet[Activity]:
    return programme.activities.select_related("venue").order_by("start_date", "title")  # type: ignore[no-any-return]


# --- Courses ---------------------------------------------------------------------------


@dataclass(frozen=True)
class CertificateData:
    name: str
    institution: str
    course: str
    start: Any
    end: Any
    sessions_attended: int
    sessions_total: int
    hours: Decimal
    organisers: str


def course_grid(activity: Activity) -> tuple[list[CourseSession], list[tuple[Enrolment, list[bool]]]]:
    """Sessions × enrolled trainees, each cell whether they were present."""
    sessions = list(activity.sessions.order_by("day", "id"))
    enrolments = list(activity.enrolments.select_related("professional__institution").order_by("professional__name"))
    present = set(activity.sessions.filter(attendances__isnull=False).values_list("attendances__enrolment_id", "pk"))
    return sessions, [(e, [(e.pk, s.pk) in present for s in sessions]) for e in enrolments]


def certificate_data(enrolment: Enrolment) -> CertificateData | None:
    """What the certificate of attendance says; None if the trainee attended nothing."""
    attended = CourseSession.objects.filter(attendances__enrolment=enrolment)
    if not attended.exists():
        return None
    activity = enrolment.activity
    organisers = "、".join(h.institution.name for h in activity_hosts(activity) if h.role in ("organiser", "host"))
    return CertificateData(
        name=enrolment.professional.name,
        institution=enrolment.professional.institution.name if enrolment.professional.institution else "",
        course=activity.title,
        start=activity.start_date,
        end=activity.end_date,
        sessions_attended=attended.count(),
        sessions_total=activity.sessions.count(),
        hours=attended.aggregate(h=Sum("hours"))["h"] or Decimal(0),
        organisers=organisers,
    )


# --- The hometown-talent pool ---------------------------------------------------------------

# GB/T 8561 title levels, lowest first: "副主任医师 or above" is rank ≥ 3.
TITLE_RANKS = {"assistant": 0, "junior": 1, "intermediate": 2, "deputy_senior": 3, "senior": 4}


@dataclass(frozen=True)
class HometownFilter:
    q: str = ""
    specialty: str = ""  # a catalogue code; 03.04 心血管内科专业, 03 内科 and all beneath
    work_region: str = ""  # a GB/T 2260 code of where they work now
    min_title_rank: int | None = None
    tag: str = ""


@dataclass(frozen=True)
class TalentCard:
    """All an officer is shown of a hometown professional working elsewhere."""

    id: int
    name: str
    title: str
    specialty: str
    department: str
    institution: str
    city: str
    home: str
    tags: tuple[str, ...] = ()


def hometown_search(user: Any, f: HometownFilter) -> QuerySet[Professional]:
    qs = access.hometown_talent_visible_to(user)
    if f.q:
        qs = qs.filter(Q(name__icontains=f.q) | Q(institution__name__icontains=f.q))
    if f.specialty:
        qs = qs.filter(specialty__code__startswith=f.specialty)
    if f.work_region:
        qs = qs.filter(institution__region__code__startswith=region_prefix(f.work_region))
    if f.min_title_rank is not None:
        levels = [level for level, rank in TITLE_RANKS.items() if rank >= f.min_title_rank]
        qs = qs.filter(title__level__in=levels)
    if f.tag:
        qs = qs.filter(willingness__tag=f.tag, willingness__in=_willingness_of(user)).distinct()
    return qs.order_by("institution__region__code", "name", "pk")


def _willingness_of(user: Any) -> QuerySet[Willingness]:
    return Willingness.objects.filter(access.hometown_records_scope(user))


def city_of(region: Region | None) -> str:
    """The prefecture-level city a region lies in (北京市 for 朝阳区), for the card."""
    node = region
    while node is not None and node.level not in (Region.Level.PREFECTURE, Region.Level.PROVINCE):
        node = node.parent
    if node is not None and node.name in ("市辖区", "县") and node.parent is not None:
        node = node.parent
    return node.name if node is not None else ""


def talent_cards(user: Any, professionals: Iterable[Professional]) -> list[TalentCard]:
    people = list(professionals)
    tags: dict[int, list[str]] = {}
    for w in _willingness_of(user).filter(professional__in=[p.pk for p in people]).order_by("tag"):
        tags.setdefault(w.professional_id, []).append(str(w.get_tag_display()))
    return [_card(p, tuple(tags.get(p.pk, ()))) for p in people]


def _card(p: Professional, tags: tuple[str, ...]) -> TalentCard:
    return TalentCard(
        id=p.pk,
        name=p.name,
        title=p.title.name if p.title else "",
        specialty=p.specialty.name if p.specialty else "",
        department=p.department.name if p.department else "",
        institution=p.institution.name if p.institution else "",
        city=city_of(p.institution.region if p.institution else None),
        home=p.home_region.full_name if p.home_region else "",
        tags=tags,
    )


def talent_tags(user: Any, professional: Professional) -> list[str]:
    return list(_willingness_of(user).filter(professional=professional).values_list("tag", flat=True))


def talent_contacts(user: Any, professional: Professional) -> Any:
    from medbridge.activities.models import ContactRecord

    scope = access.hometown_records_scope(user)
    return ContactRecord.objects.filter(scope, professional=professional).select_related("recorded_by")


def talent_pledges(user: Any, professional: Professional) -> Any:
    return access.pledges_visible_to(user).filter(professional=professional)


def talent_activities(user: Any, professional: Professional) -> QuerySet[Participant]:
    visible = access.activities_visible_to(user)
    return professional.activity_participations.filter(activity__in=visible).select_related("activity")


def follow_up_list(user: Any, *, status: str = "", mine: bool = False) -> QuerySet[FollowUp]:
    qs = access.follow_ups_visible_to(user)
    if status:
        qs = qs.filter(status=status)
    if mine:
        qs = qs.filter(owner=user)
    return qs.order_by("status", "due_date", "pk")
