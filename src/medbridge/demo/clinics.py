"""The clinics part of the demo: the 233 experts 长治市 introduced flexibly hold a
weekly clinic at one of the programme's hospitals.

- **A year of history** (every week up to yesterday): sessions held or, now and then,
  cancelled, with their booked / checked-in / no-show / walk-in counts adding up to
  more than 40,000 patient visits, as the city reports. This is volume, so it is
  bulk-inserted: no services, no audit entries. Bookings of the last two weeks
  are inserted too (names, encrypted phones) so rosters have patients; older
  ones are shown as the anonymisation would leave them: counts only.
- **The coming four weeks** are planned through ``series_create`` as a host would
  plan them, booked through ``booking_create`` as patients would book them (one
  session full with a waiting list), one session cancelled through
  ``session_cancel`` (its patients' messages wait in the outbox), and today's
  clinics partly checked in at the desk.

Idempotent: nothing is done when the programme already has sessions.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, time, timedelta
from typing import Any

from django.db import connection
from django.utils import timezone

from medbridge.accounts import access
from medbridge.clinics import services
from medbridge.clinics.models import Booking, BookingStatus, ClinicSession, SessionKind, SessionStatus
from medbridge.demo.names import NameMaker
from medbridge.demo.programmes import FLEXIBLE, group_members
from medbridge.directory.models import Department, Institution, Professional
from medbridge.pii import keyed_hash
from medbridge.programmes.models import Engagement, Programme

HOSTS = ("长治市人民医院", "长治医学院附属和平医院", "长治市潞城区人民医院", "长治市屯留区人民医院")
MAIN_HOST = HOSTS[0]
SLOTS = ((time(8, 0), time(12, 0)), (time(14, 0), time(17, 30)))
HISTORY_WEEKS = 52
UPCOMING_WEEKS = 2
CAPACITY = 8
ROSTER_DAYS = 7
BOOKED_SESSIONS = 40  # of the coming week's, booked through the service


@dataclass
class ClinicReport:
    sessions_history: int = 0
    sessions_upcoming: int = 0
    bookings: int = 0
    visits: int = 0


@dataclass(frozen=True)
class Plan:
    """Where and when one expert holds their weekly clinic."""

    expert: Professional
    engagement: Engagement | None
    host: Institution
    department: Department | None
    weekday: int
    start: time
    end: time


def seed_clinics(actor: Any) -> ClinicReport:
    programme = Programme.objects.filter(name=FLEXIBLE).first()
    if programme is None or ClinicSession.objects.filter(programme=programme).exists():
        return ClinicReport()
    plans = _plans(programme)
    rng = random.Random(233)
    report = ClinicReport()
    report.sessions_history, report.visits = _history(plans, programme, rng)
    report.sessions_upcoming = _upcoming(actor, plans)
    report.bookings = _book_upcoming(actor, programme, rng)
    return report


def _plans(programme: Programme) -> list[Plan]:
    experts = [p for people in group_members("visiting_experts").values() for p in people]
    engagements = {e.professional_id: e for e in programme.engagements.filter(station=None)}
    hosts = {i.name: i for i in Institution.objects.filter(name__in=HOSTS)}
    departments = list(Department.objects.filter(institution__in=hosts.values()).select_related("institution"))
    plans = []
    for n, expert in enumerate(experts):
        matching = [d for d in departments if expert.specialty_id and d.specialty_id == expert.specialty_id]
        department = matching[n % len(matching)] if matching else None
        host = department.institution if department else hosts[MAIN_HOST]
        start, end = SLOTS[n % 2]
        plans.append(Plan(expert, engagements.get(expert.pk), host, department, n % 6, start, end))
    return plans


def _week_days(plan: Plan, first: date, weeks: int) -> list[date]:
    offset = (plan.weekday - first.weekday()) % 7
    return [first + timedelta(days=offset + 7 * w) for w in range(weeks)]


# --- History (bulk) ---------------------------------------------------------------------


def _history(plans: list[Plan], programme: Programme, rng: random.Random) -> tuple[int, int]:
    today = timezone.localdate()
    first = today - timedelta(weeks=HISTORY_WEEKS)
    rows = [
        _held(plan, day, programme, rng)
        for plan in plans
        for day in _week_days(plan, first, HISTORY_WEEKS + 1)
        if day < today
    ]
    _insert(rows)
    recent = ClinicSession.objects.filter(
        programme=programme, status=SessionStatus.HELD, date__gte=today - timedelta(days=ROSTER_DAYS)
    )
    Booking.objects.bulk_create(_roster_rows(list(recent), rng), batch_size=2000)
    return len(rows), sum(row.visits for row in rows)


# Columns written for a historical session; the others keep their defaults.
HISTORY_COLUMNS = (
    "expert_id", "host_id", "department_id", "kind", "date", "start_time", "end_time", "capacity", "status",
    "cancel_reason", "note", "programme_id", "engagement_id", "booked", "waitlisted", "checked_in", "no_shows",
    "walk_ins", "created_at", "updated_at",
)  # fmt: skip


def _insert(rows: list[ClinicSession]) -> None:
    """Plain executemany: for twelve thousand rows this is several times faster than
    bulk_create, which keeps the demo seed quick."""
    table, placeholders = ClinicSession._meta.db_table, ", ".join(["%s"] * len(HISTORY_COLUMNS))
    # Table and column names are constants of this module, never input.
    sql = f"INSERT INTO {table} ({', '.join(HISTORY_COLUMNS)}) VALUES ({placeholders})"  # noqa: S608
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    with connection.cursor() as cursor:
        cursor.executemany(sql, [_history_values(s, now) for s in rows])


def _history_values(s: ClinicSession, now: Any) -> tuple[Any, ...]:
    ops = connection.ops
    day, start, end = ops.adapt_datefield_value(s.date), *map(ops.adapt_timefield_value, (s.start_time, s.end_time))
    return (
        *(s.expert_id, s.host_id, s.department_id, s.kind, day, start, end, s.capacity, s.status),
        *(s.cancel_reason, "", s.programme_id, s.engagement_id, s.booked, 0, s.checked_in, s.no_shows),
        *(s.walk_ins, now, now),
    )


def _held(plan: Plan, day: date, programme: Programme, rng: random.Random) -> ClinicSession:
    session = _session(plan, day, programme)
    if rng.random() < 0.05:
        session.status, session.cancel_reason = SessionStatus.CANCELLED, "专家临时有手术安排"
        return session
    session.status = SessionStatus.HELD
    session.booked = rng.randint(2, 6)
    session.no_shows = rng.randint(0, 1)
    session.checked_in = session.booked - session.no_shows
    session.walk_ins = rng.randint(0, 1)
    return session


def _session(plan: Plan, day: date, programme: Programme) -> ClinicSession:
    return ClinicSession(
        expert=plan.expert,
        host=plan.host,
        department=plan.department,
        kind=SessionKind.CLINIC,
        date=day,
        start_time=plan.start,
        end_time=plan.end,
        capacity=CAPACITY,
        programme=programme,
        engagement=plan.engagement,
    )


def _roster_rows(sessions: list[ClinicSession], rng: random.Random) -> list[Booking]:
    names = NameMaker(5)
    rows = []
    for session in sessions:
        statuses = [BookingStatus.CHECKED_IN] * session.checked_in + [BookingStatus.NO_SHOW] * session.no_shows
        for status in statuses:
            phone = f"1{rng.choice('3589')}{rng.randint(0, 999_999_999):09d}"
            rows.append(
                Booking(
                    session=session,
                    code=services.bookings.new_code(),
                    status=status,
                    patient_name=names(),
                    phone=phone,
                    phone_hash=keyed_hash(phone),
                    consent_at=timezone.now(),
                )
            )
    return rows


# --- The coming weeks (services) ---------------------------------------------------------


def _upcoming(actor: Any, plans: list[Plan]) -> int:
    today = timezone.localdate()
    last = today + timedelta(weeks=UPCOMING_WEEKS) - timedelta(days=1)
    created = 0
    for plan in plans:
        data = services.SeriesData(
            expert=plan.expert,
            host=plan.host,
            department=plan.department,
            weekday=plan.weekday,
            start_time=plan.start,
            end_time=plan.end,
            capacity=CAPACITY,
            first_date=today,
            last_date=last,
            engagement=plan.engagement,
        )
        created += services.series_create(actor=actor, data=data).sessions.count()
    return created


def _book_upcoming(actor: Any, programme: Programme, rng: random.Random) -> int:
    today = timezone.localdate()
    # Only what a patient could book now: today's clinics that are over are not.
    open_now = access.clinic_sessions_public().filter(programme=programme, date__lte=today + timedelta(days=7))
    week = open_now.order_by("date", "start_time", "pk")
    names, serial, booked = NameMaker(11), 0, 0
    sessions = list(week.select_related("expert", "host")[:BOOKED_SESSIONS])
    for index, session in enumerate(sessions):
        wanted = CAPACITY + 3 if index == 1 else rng.randint(0, CAPACITY - 2)
        for _ in range(wanted):
            serial += 1
            data = services.BookingData(patient_name=names(), phone=f"1370000{serial:04d}", consent=True)
            services.booking_create(session=session, data=data, client=f"demo-{serial}")
            booked += 1
    _desk_today(actor, [s for s in sessions if s.date == today])
    if len(sessions) > 2:
        services.session_cancel(actor=actor, session=sessions[2], reason="专家临时有会诊任务，改期另行通知")
    return booked


def _desk_today(actor: Any, sessions: list[ClinicSession]) -> None:
    """Today's first clinics are under way: some patients have checked in. (When
    the demo is seeded after the day's clinics, there are none left to open.)"""
    for session in sessions[:5]:
        for booking in session.bookings.filter(status=BookingStatus.CONFIRMED)[:3]:
            booking.session = session
            services.booking_check_in(actor=actor, booking=booking)
        services.walk_ins_set(actor=actor, session=session, walk_ins=1)
