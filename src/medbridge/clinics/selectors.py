"""Reads of clinics: the public calendar (anyone), the host's session list and
roster (scoped), and the 坐诊人次 figures. Every read starts from the access module."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Count, F, Q, QuerySet, Sum
from django.utils import timezone

from medbridge.accounts import access
from medbridge.clinics.models import Booking, BookingStatus, ClinicSession, SessionStatus
from medbridge.directory.models import Department, Institution, Professional, Region, Specialty
from medbridge.directory.selectors import region_prefix


@dataclass(frozen=True)
class PublicFilter:
    region: str = ""  # GB/T 2260 code of a city or county
    host: int | None = None
    specialty: str = ""  # 诊疗科目 code; a parent code takes its children
    day: date | None = None
    q: str = ""  # expert's name


def public_sessions(f: PublicFilter) -> QuerySet[ClinicSession]:
    qs = access.clinic_sessions_public()
    # Place and specialty filter through small id subqueries rather than joins: at
    # a million sessions both databases then walk the (status, date) index once.
    if f.region:
        hosts = Institution.objects.filter(region__code__startswith=region_prefix(f.region)).values("pk")
        qs = qs.filter(host_id__in=hosts)
    if f.host:
        qs = qs.filter(host_id=f.host)
    if f.specialty:
        experts = Professional.objects.filter(specialty__code__startswith=f.specialty).values("pk")
        departments = Department.objects.filter(specialty__code__startswith=f.specialty).values("pk")
        qs = qs.filter(Q(expert_id__in=experts) | Q(department_id__in=departments))
    if f.day:
        qs = qs.filter(date=f.day)
    if f.q:
        qs = qs.filter(expert__name__icontains=f.q)
    return qs.order_by("date", "start_time", "pk")


@dataclass(frozen=True)
class PublicChoices:
    regions: list[Region]
    hosts: list[Institution]
    specialties: list[Specialty]


def public_choices() -> PublicChoices:
    """The filter lists: only places, hospitals and specialties that have sessions."""
    upcoming = access.clinic_sessions_public()
    hosts = list(Institution.objects.filter(pk__in=upcoming.values("host_id")).select_related("region__parent"))
    regions: dict[str, Region] = {}
    for host in hosts:
        county = host.region
        regions.setdefault(county.code, county)
        if county.parent is not None and county.parent.level == Region.Level.PREFECTURE:
            regions.setdefault(county.parent.code, county.parent)
    specialties = Specialty.objects.filter(pk__in=upcoming.values("expert__specialty_id")).order_by("code")
    return PublicChoices(
        sorted(regions.values(), key=lambda r: r.code), sorted(hosts, key=lambda h: h.name), list(specialties)
    )


def public_expert_sessions(expert: Professional) -> QuerySet[ClinicSession]:
    return access.clinic_sessions_public().filter(expert=expert).order_by("date", "start_time")


def expert_visit_total(expert: Professional) -> int:
    held = ClinicSession.objects.filter(expert=expert, status=SessionStatus.HELD)
    return int(held.aggregate(n=Sum(F("checked_in") + F("walk_ins")))["n"] or 0)


@dataclass(frozen=True)
class SessionFilter:
    q: str = ""  # expert or hospital name
    status: str = ""
    date_from: date | None = None
    date_to: date | None = None
    host: int | None = None
    programme: int | None = None


def session_list(user: Any, f: SessionFilter) -> QuerySet[ClinicSession]:
    qs = access.clinic_sessions_visible_to(user)
    if f.q:
        qs = qs.filter(Q(expert__name__icontains=f.q) | Q(host__name__icontains=f.q))
    if f.status:
        qs = qs.filter(status=f.status)
    if f.date_from:
        qs = qs.filter(date__gte=f.date_from)
    if f.date_to:
        qs = qs.filter(date__lte=f.date_to)
    if f.host:
        qs = qs.filter(host_id=f.host)
    if f.programme:
        qs = qs.filter(programme_id=f.programme)
    return qs.order_by("date", "start_time", "pk")


@dataclass(frozen=True)
class VisitTotals:
    sessions: int
    held: int
    cancelled: int
    booked: int
    checked_in: int
    no_shows: int
    walk_ins: int

    @property
    def visits(self) -> int:
        return self.checked_in + self.walk_ins


def visit_totals(sessions: QuerySet[ClinicSession]) -> VisitTotals:
    """The 坐诊人次 figures of a set of sessions: patients seen = checked in + walk-ins."""
    row = sessions.order_by().aggregate(
        sessions=Count("pk"),
        held=Count("pk", filter=Q(status=SessionStatus.HELD)),
        cancelled=Count("pk", filter=Q(status=SessionStatus.CANCELLED)),
        booked=Sum("booked"),
        checked_in=Sum("checked_in"),
        no_shows=Sum("no_shows"),
        walk_ins=Sum("walk_ins"),
    )
    return VisitTotals(**{k: int(v or 0) for k, v in row.items()})


# Confirmed patients first in booking order, then the waiting list, then the rest.
ROSTER_ORDER = {
    BookingStatus.CONFIRMED: 0,
    BookingStatus.CHECKED_IN: 0,
    BookingStatus.NO_SHOW: 0,
    BookingStatus.WAITLISTED: 1,
    BookingStatus.CANCELLED: 2,
}


def session_roster(session: ClinicSession) -> list[Booking]:
    bookings = list(session.bookings.order_by("created_at", "pk"))
    return sorted(bookings, key=lambda b: ROSTER_ORDER.get(BookingStatus(b.status), 3))


def today() -> date:
    return timezone.localdate()
