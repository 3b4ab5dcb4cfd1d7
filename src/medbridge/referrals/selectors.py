"""Reads of referrals and consultations, always starting from the access module's
scoped querysets; and the figures (counts, medians) the reports are built from."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from statistics import median
from typing import Any

from django.db.models import BooleanField, Case, Q, QuerySet, Value, When
from django.utils import timezone

from medbridge.accounts import access
from medbridge.directory.models import Institution
from medbridge.pii import keyed_hash
from medbridge.programmes.models import Programme
from medbridge.referrals.models import (
    Consultation,
    ConsultationKind,
    ConsultationStatus,
    Direction,
    Referral,
    ReferralStatus,
)

# The board's columns, left to right; a closed referral sits in the last one.
BOARD_COLUMNS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("requested", (ReferralStatus.REQUESTED,)),
    ("accepted", (ReferralStatus.ACCEPTED,)),
    ("arrived", (ReferralStatus.ARRIVED,)),
    ("completed", (ReferralStatus.COMPLETED,)),
    ("closed", (ReferralStatus.DECLINED, ReferralStatus.RETURNED, ReferralStatus.CANCELLED)),
)
BOARD_CARDS = 10


def overdue_q(now: datetime | None = None) -> Q:
    """Still waiting for acceptance after the deadline its urgency set."""
    return Q(status=ReferralStatus.REQUESTED, accept_due_at__lt=now or timezone.now())


def with_overdue(qs: QuerySet[Referral], now: datetime | None = None) -> QuerySet[Referral]:
    flag = Case(When(overdue_q(now), then=Value(True)), default=Value(False), output_field=BooleanField())
    return qs.annotate(overdue=flag)


@dataclass(frozen=True)
class ReferralFilter:
    institution: Institution | None = None
    side: str = ""  # "out" (sent by institution), "in" (received), "" both
    status: str = ""
    direction: str = ""
    urgency: str = ""
    programme: Programme | None = None
    q: str = ""  # a partner institution's name, or the referral number ZZ000123
    record_no: str = ""  # a local record number, matched through its keyed hash
    overdue: bool = False
    year: int | None = None


def referral_list(user: Any, f: ReferralFilter) -> QuerySet[Referral]:
    qs = access.referrals_visible_to(user)
    qs = _for_institution(qs, f.institution, f.side)
    for name in ("status", "direction", "urgency"):
        if getattr(f, name):
            qs = qs.filter(**{name: getattr(f, name)})
    if f.programme is not None:
        qs = qs.filter(programme=f.programme)
    if f.q:
        qs = qs.filter(_text_q(f.q))
    if f.record_no:
        # Only among records whose patients the user may see: otherwise a search
        # would tell an officer whether some record number was ever referred.
        staff = access.staff_institutions(user)
        qs = qs.filter(Q(from_institution__in=staff) | Q(to_institution__in=staff))
        qs = qs.filter(patient_record_hash=keyed_hash(f.record_no))
    if f.overdue:
        qs = qs.filter(overdue_q())
    if f.year:
        qs = qs.filter(requested_at__year=f.year)
    return with_overdue(qs).order_by("-requested_at", "-id")


def _for_institution(qs: QuerySet[Referral], institution: Institution | None, side: str) -> QuerySet[Referral]:
    if institution is None:
        return qs
    if side == "out":
        return qs.filter(from_institution=institution)
    if side == "in":
        return qs.filter(to_institution=institution)
    return qs.filter(Q(from_institution=institution) | Q(to_institution=institution))


def _text_q(text: str) -> Q:
    q = Q(from_institution__name__icontains=text) | Q(to_institution__name__icontains=text)
    number = text.upper().removeprefix("ZZ")
    if number.isdigit():
        q |= Q(pk=int(number))
    return q


@dataclass(frozen=True)
class BoardColumn:
    key: str
    statuses: tuple[str, ...]
    count: int
    cards: list[Referral]


def referral_board(user: Any, f: ReferralFilter) -> list[BoardColumn]:
    """Referrals by status, the newest few per column; counts cover them all."""
    qs = referral_list(user, ReferralFilter(**{**f.__dict__, "status": ""}))
    columns = []
    for key, statuses in BOARD_COLUMNS:
        in_column = qs.filter(status__in=statuses)
        columns.append(BoardColumn(key, statuses, in_column.count(), list(in_column[:BOARD_CARDS])))
    return columns


def board_institutions(user: Any) -> QuerySet[Institution]:
    """Institutions whose board the user may open: those of their scope with referrals."""
    visible = access.referrals_visible_to(user)
    ids = set(visible.values_list("from_institution", flat=True)) | set(
        visible.values_list("to_institution", flat=True)
    )
    return access.institutions_visible_to(user).filter(pk__in=ids).order_by("name")


# --- Consultations ------------------------------------------------------------------


@dataclass(frozen=True)
class ConsultationFilter:
    institution: Institution | None = None
    status: str = ""
    kind: str = ""
    q: str = ""
    year: int | None = None


def consultation_list(user: Any, f: ConsultationFilter) -> QuerySet[Consultation]:
    qs = access.consultations_visible_to(user)
    if f.institution is not None:
        qs = qs.filter(Q(requesting_institution=f.institution) | Q(consulting_institution=f.institution))
    if f.status:
        qs = qs.filter(status=f.status)
    if f.kind:
        qs = qs.filter(kind=f.kind)
    if f.q:
        q = Q(requesting_institution__name__icontains=f.q) | Q(consulting_institution__name__icontains=f.q)
        q |= Q(consulting_expert__name__icontains=f.q)
        number = f.q.upper().removeprefix("HZ")
        qs = qs.filter(q | Q(pk=int(number)) if number.isdigit() else q)
    if f.year:
        qs = qs.filter(requested_at__year=f.year)
    return qs.order_by("-requested_at", "-id")


# --- Figures --------------------------------------------------------------------------


@dataclass(frozen=True)
class FiguresFilter:
    year: int | None = None
    programme: Programme | None = None
    institution: Institution | None = None  # the viewpoint: partners are its counterparts


@dataclass
class PartnerRow:
    institution_id: int
    name: str
    up: list[int]
    down: list[int]
    across: list[int]

    @property
    def up_total(self) -> int:
        return sum(self.up)

    @property
    def down_total(self) -> int:
        return sum(self.down)

    @property
    def across_total(self) -> int:
        return sum(self.across)


@dataclass
class KindRow:
    kind: str
    label: str
    requested: int = 0
    completed: int = 0
    median_opinion_hours: float | None = None


@dataclass
class Figures:
    months: list[str]
    partners: list[PartnerRow]
    up_by_month: list[int]
    down_by_month: list[int]
    across_by_month: list[int]
    total: int = 0
    by_status: dict[str, int] = field(default_factory=dict)
    accepted: int = 0
    median_accept_hours: float | None = None
    completed: int = 0
    median_complete_days: float | None = None
    accepted_late: int = 0
    overdue_open: int = 0
    consultations: list[KindRow] = field(default_factory=list)


def _month(moment: datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m")


def _median(values: list[float], digits: int = 1) -> float | None:
    return round(median(values), digits) if values else None


def _hours(start: datetime, end: datetime) -> float:
    return (end - start).total_seconds() / 3600


def referral_figures(user: Any, f: FiguresFilter) -> Figures:
    """Referrals up/down/across by partner and month, acceptance and completion times
    (medians over the referrals that reached that step), consultations by kind. Patient
    fields are never read: officers see these figures too."""
    qs = referral_list(user, ReferralFilter(institution=f.institution, programme=f.programme, year=f.year))
    rows = list(qs.select_related(None).values(*_FIGURE_FIELDS))
    months = _month_axis(f.year, [_month(r["requested_at"]) for r in rows])
    figures = Figures(months, [], [0] * len(months), [0] * len(months), [0] * len(months), total=len(rows))
    _count_by_partner(figures, rows, f.institution)
    _times(figures, rows)
    figures.consultations = consultation_figures(user, f)
    return figures


_FIGURE_FIELDS = (
    "from_institution_id",
    "from_institution__name",
    "from_institution__grade__rank",
    "to_institution_id",
    "to_institution__name",
    "to_institution__grade__rank",
    "direction",
    "status",
    "requested_at",
    "accept_due_at",
    "accepted_at",
    "completed_at",
)


def _month_axis(year: int | None, seen: list[str]) -> list[str]:
    if year:
        return [f"{year}-{m:02d}" for m in range(1, 13)]
    return sorted(set(seen))


def _partner_of(row: dict[str, Any], viewpoint: Institution | None) -> tuple[int, str]:
    """The counterpart of ``viewpoint``; without one, the grassroots side of the pair
    (the sender of an upward referral, the receiver of a downward one)."""
    sender = (row["from_institution_id"], row["from_institution__name"])
    receiver = (row["to_institution_id"], row["to_institution__name"])
    if viewpoint is not None:
        return receiver if sender[0] == viewpoint.pk else sender
    return receiver if row["direction"] == Direction.DOWN else sender


def _count_by_partner(figures: Figures, rows: list[dict[str, Any]], viewpoint: Institution | None) -> None:
    index = {m: i for i, m in enumerate(figures.months)}
    partners: dict[int, PartnerRow] = {}
    by_direction = {
        Direction.UP: figures.up_by_month,
        Direction.DOWN: figures.down_by_month,
        Direction.ACROSS: figures.across_by_month,
    }
    for row in rows:
        pk, name = _partner_of(row, viewpoint)
        size = len(figures.months)
        partner = partners.setdefault(pk, PartnerRow(pk, name, [0] * size, [0] * size, [0] * size))
        i = index[_month(row["requested_at"])]
        getattr(partner, row["direction"])[i] += 1
        by_direction[row["direction"]][i] += 1
    figures.partners = sorted(partners.values(), key=lambda p: (-(p.up_total + p.down_total), p.name))


def _times(figures: Figures, rows: list[dict[str, Any]]) -> None:
    counts: dict[str, int] = defaultdict(int)
    accept_hours, complete_days = [], []
    now = timezone.now()
    for row in rows:
        counts[row["status"]] += 1
        if row["accepted_at"]:
            accept_hours.append(_hours(row["requested_at"], row["accepted_at"]))
            figures.accepted_late += row["accepted_at"] > row["accept_due_at"]
        if row["completed_at"]:
            complete_days.append(_hours(row["requested_at"], row["completed_at"]) / 24)
        if row["status"] == ReferralStatus.REQUESTED and row["accept_due_at"] < now:
            figures.overdue_open += 1
    figures.by_status = {s.value: counts.get(s.value, 0) for s in ReferralStatus}
    figures.accepted, figures.median_accept_hours = len(accept_hours), _median(accept_hours)
    figures.completed, figures.median_complete_days = len(complete_days), _median(complete_days)


def consultation_figures(user: Any, f: FiguresFilter) -> list[KindRow]:
    qs = consultation_list(user, ConsultationFilter(institution=f.institution, year=f.year))
    if f.programme is not None:
        qs = qs.filter(programme=f.programme)
    rows = {k.value: KindRow(k.value, str(k.label)) for k in ConsultationKind}
    hours: dict[str, list[float]] = defaultdict(list)
    for kind, status, requested, completed in qs.values_list("kind", "status", "requested_at", "completed_at"):
        rows[kind].requested += 1
        if status == ConsultationStatus.COMPLETED and completed:
            rows[kind].completed += 1
            hours[kind].append(_hours(requested, completed))
    for kind, values in hours.items():
        rows[kind].median_opinion_hours = _median(values)
    return list(rows.values())


# --- Timelines ---------------------------------------------------------------------------


def referral_events(referral: Referral) -> QuerySet[Any]:
    return referral.events.select_related("actor").order_by("at", "id")


def consultation_events(consultation: Consultation) -> QuerySet[Any]:
    return consultation.events.select_related("actor").order_by("at", "id")
