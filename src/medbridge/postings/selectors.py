"""Reads for postings: lists, figures, reminders and the development profile.
Everything starts from the access module's scoped querysets."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.db.models import Case, Count, F, Q, QuerySet, Sum, When
from django.db.models.functions import ExtractYear
from django.utils.translation import gettext as _

from medbridge.accounts import access
from medbridge.directory.models import Institution, Professional
from medbridge.postings.models import (
    LEARNING_KINDS,
    CareerGoal,
    Evaluation,
    EvaluationPeriod,
    EvaluatorRole,
    Posting,
    PostingBatch,
    PostingKind,
    PostingStatus,
    Technique,
    WorkLog,
)

ENDING_SOON = timedelta(days=30)
# An evaluation is late this long after the period it covers has ended.
EVALUATION_GRACE = timedelta(days=10)
FINAL_GRACE = timedelta(days=30)
RELIEF_WINDOW = timedelta(days=60)


def find_person(institution: Institution, text: str) -> Professional | str:
    """The person at ``institution`` with this name (or licence number), or why not."""
    found = list(institution.staff.filter(name=text)[:2]) or list(institution.staff.filter(license_no=text)[:1])
    if len(found) > 1:
        return str(_("“%(i)s”有多名“%(n)s”，请改填执业证书编码") % {"i": institution.name, "n": text})
    if not found:
        return str(_("“%(i)s”没有人员“%(n)s”") % {"i": institution.name, "n": text})
    return found[0]


@dataclass
class PostingFilter:
    q: str = ""
    programme: int | None = None
    kind: str = ""
    status: str = ""
    year: int | None = None
    department: str = ""
    batch: int | None = None


def _with_department(qs: QuerySet[Posting]) -> Any:
    """Annotates the name of the department each posting strengthens (typed Any:
    the stubs cannot see annotations through a helper)."""
    return qs.annotate(
        assisted=Case(
            When(kind__in=LEARNING_KINDS, then=F("home_department__name")),
            default=F("host_department__name"),
        )
    )


def posting_list(user: Any, f: PostingFilter) -> QuerySet[Posting]:
    qs: Any = _with_department(access.postings_visible_to(user))
    if f.q:
        qs = qs.filter(
            Q(professional__name__icontains=f.q)
            | Q(host_institution__name__icontains=f.q)
            | Q(home_institution__name__icontains=f.q)
        )
    if f.programme:
        qs = qs.filter(Q(programme_id=f.programme) | Q(programme__parent_id=f.programme))
    if f.kind:
        qs = qs.filter(kind=f.kind)
    if f.status:
        qs = qs.filter(status=f.status)
    if f.year:
        qs = qs.filter(planned_start__year=f.year)
    if f.department:
        qs = qs.filter(assisted=f.department)
    if f.batch:
        qs = qs.filter(batch_id=f.batch)
    ordered: QuerySet[Posting] = qs.order_by("-planned_start", "professional__name", "id")
    return ordered


@dataclass
class PostingStats:
    """Counts of people posted, the way a commission reports them: by kind, by the
    department strengthened and by year of start. Cancelled postings are not counted."""

    total: int = 0
    by_kind: dict[str, int] = field(default_factory=dict)
    by_department: list[tuple[str, int]] = field(default_factory=list)
    years: list[int] = field(default_factory=list)
    by_kind_year: dict[str, dict[int, int]] = field(default_factory=dict)

    @property
    def table(self) -> list[tuple[str, list[int]]]:
        """Kind × year, each row aligned with ``years``."""
        return [(kind, [by_year.get(y, 0) for y in self.years]) for kind, by_year in self.by_kind_year.items()]


def posting_stats(user: Any, f: PostingFilter) -> PostingStats:
    qs = posting_list(user, f).exclude(status=PostingStatus.CANCELLED).order_by()
    rows = qs.annotate(y=ExtractYear("planned_start")).values("kind", "assisted", "y").annotate(n=Count("id"))
    stats = PostingStats()
    departments: dict[str, int] = defaultdict(int)
    kind_year: dict[str, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    for row in rows:
        stats.total += row["n"]
        kind = str(PostingKind(row["kind"]).label)
        stats.by_kind[kind] = stats.by_kind.get(kind, 0) + row["n"]
        departments[row["assisted"] or "—"] += row["n"]
        kind_year[kind][row["y"]] += row["n"]
    stats.by_department = sorted(departments.items(), key=lambda item: (-item[1], item[0]))
    stats.years = sorted({y for by_year in kind_year.values() for y in by_year})
    stats.by_kind_year = {kind: dict(by_year) for kind, by_year in kind_year.items()}
    return stats


@dataclass
class LogTotals:
    days: int = 0
    patients_seen: int = 0
    surgeries_performed: int = 0
    surgeries_assisted: int = 0
    lectures: int = 0
    staff_trained: int = 0
    teaching_rounds: int = 0


LOG_FIELDS = (
    "patients_seen",
    "surgeries_performed",
    "surgeries_assisted",
    "lectures",
    "staff_trained",
    "teaching_rounds",
)


def log_totals(logs: QuerySet[WorkLog]) -> LogTotals:
    sums = logs.aggregate(days=Count("id"), **{name: Sum(name) for name in LOG_FIELDS})
    return LogTotals(**{name: value or 0 for name, value in sums.items()})


def posting_logs(posting: Posting) -> QuerySet[WorkLog]:
    return posting.logs.prefetch_related("techniques")


def posting_evaluations(posting: Posting) -> QuerySet[Evaluation]:
    return posting.evaluations.select_related("evaluator").prefetch_related("scores__criterion")


def batches_list(user: Any, *, programme: int | None = None) -> QuerySet[PostingBatch]:
    qs = access.batches_visible_to(user).annotate(people=Count("postings")).prefetch_related("specialties")
    if programme:
        qs = qs.filter(programme_id=programme)
    return qs.order_by("programme__name", "kind", "-number")


def batch_postings(user: Any, batch: PostingBatch) -> QuerySet[Posting]:
    return access.postings_visible_to(user).filter(batch=batch).select_related("relieves__professional")


def previous_batch_postings(user: Any, batch: PostingBatch) -> QuerySet[Posting]:
    """The postings this batch's people may relieve: those of the batch it relieves."""
    if batch.relieves_id is None:
        return Posting.objects.none()
    return access.postings_visible_to(user).filter(batch_id=batch.relieves_id)


# --- Reminders -------------------------------------------------------------------------


@dataclass
class Reminder:
    kind: str  # "ending" | "evaluation" | "relief"
    text: str
    url: str
    due: date


def reminders(user: Any, today: date) -> list[Reminder]:
    items = _ending_soon(user, today) + _evaluations_overdue(user, today) + _batches_without_relief(user, today)
    return sorted(items, key=lambda r: r.due)


def _ending_soon(user: Any, today: date) -> list[Reminder]:
    qs = access.postings_visible_to(user).filter(status=PostingStatus.ACTIVE)
    qs = qs.filter(Q(planned_end__lte=today + ENDING_SOON, actual_end__isnull=True))
    return [
        Reminder(
            "ending",
            _("%(name)s 在%(host)s的%(kind)s将于 %(end)s 结束")
            % {
                "name": p.professional.name,
                "host": p.host_institution.name,
                "kind": p.get_kind_display(),
                "end": p.end,
            },
            p.get_absolute_url(),
            p.end,
        )
        for p in qs.order_by("planned_end")[:50]
    ]


def _evaluations_overdue(user: Any, today: date) -> list[Reminder]:
    recent = today - FINAL_GRACE - timedelta(days=60)
    qs = access.postings_visible_to(user).filter(
        Q(status=PostingStatus.ACTIVE) | Q(status=PostingStatus.COMPLETED, actual_end__gte=recent),
        Q(mentor__isnull=False) | Q(liaison__isnull=False),
    )
    counts = _evaluation_counts(qs)
    found = []
    for posting in qs[:500]:
        for role, missing, due in _missing_evaluations(posting, counts.get(posting.pk, {}), today):
            found.append(
                Reminder(
                    "evaluation",
                    _("%(name)s 的%(role)s%(period)s考核逾期未填")
                    % {"name": posting.professional.name, "role": EvaluatorRole(role).label, "period": missing},
                    posting.get_absolute_url(),
                    due,
                )
            )
    return found


def _evaluation_counts(qs: QuerySet[Posting]) -> dict[int, dict[tuple[str, str], int]]:
    counts: dict[int, dict[tuple[str, str], int]] = defaultdict(dict)
    rows = (
        Evaluation.objects.filter(posting__in=qs)
        .values("posting_id", "evaluator_role", "period")
        .annotate(n=Count("id"))
    )
    for row in rows:
        counts[row["posting_id"]][(row["evaluator_role"], row["period"])] = row["n"]
    return counts


def _months_between(start: date, end: date) -> int:
    months = (end.year - start.year) * 12 + end.month - start.month
    return months if end.day >= start.day else months - 1


def _missing_evaluations(
    posting: Posting, have: dict[tuple[str, str], int], today: date
) -> list[tuple[str, str, date]]:
    """Which evaluations are late: a monthly one from the mentor for every full
    month served, a quarterly one from the liaison leader for every full quarter,
    and a final one from each within 30 days of the end."""
    missing: list[tuple[str, str, date]] = []
    served_until = min(posting.end, today - EVALUATION_GRACE)
    rules = (
        (EvaluatorRole.MENTOR, posting.mentor_id, EvaluationPeriod.MONTHLY, 1),
        (EvaluatorRole.LIAISON, posting.liaison_id, EvaluationPeriod.QUARTERLY, 3),
    )
    for role, person, period, months in rules:
        if person is None:
            continue
        due = max(_months_between(posting.start, served_until), 0) // months
        if have.get((role, period), 0) < due:
            missing.append((role, str(EvaluationPeriod(period).label), today))
        ended = posting.status == PostingStatus.COMPLETED and posting.end + FINAL_GRACE < today
        if ended and not have.get((role, EvaluationPeriod.FINAL)):
            missing.append((role, _("结业"), posting.end + FINAL_GRACE))
    return missing


def _batches_without_relief(user: Any, today: date) -> list[Reminder]:
    qs = access.batches_visible_to(user).filter(
        kind=PostingKind.STATIONED,
        relieved_by__isnull=True,
        planned_end__gte=today - RELIEF_WINDOW,
        planned_end__lte=today + RELIEF_WINDOW,
    )
    return [
        Reminder(
            "relief",
            _("%(programme)s %(batch)s将于 %(end)s 期满，尚无接替批次")
            % {"programme": b.programme.name, "batch": b.label, "end": b.planned_end},
            b.get_absolute_url(),
            b.planned_end,
        )
        for b in qs.order_by("planned_end")
    ]


# --- Development profile ---------------------------------------------------------------


@dataclass
class TimelineEntry:
    day: date
    end: date | None
    kind: str
    title: str
    detail: str
    url: str = ""


@dataclass
class Profile:
    professional: Professional
    postings: list[Posting]
    timeline: list[TimelineEntry]
    techniques: list[Technique]
    evaluation_series: dict[str, list[tuple[str, float]]]
    evaluations: list[Evaluation]
    goals: list[CareerGoal]
    totals: LogTotals


def profile(user: Any, professional: Professional) -> Profile:
    postings = list(access.postings_visible_to(user).filter(professional=professional).order_by("planned_start"))
    logs = WorkLog.objects.filter(posting__in=postings)
    evaluations = list(
        Evaluation.objects.filter(posting__in=postings).select_related("evaluator", "posting").order_by("period_end")
    )
    return Profile(
        professional=professional,
        postings=postings,
        timeline=_timeline(user, professional, postings, logs),
        techniques=list(Technique.objects.filter(posting__in=postings).select_related("posting__host_institution")),
        evaluation_series=_series(evaluations),
        evaluations=evaluations,
        goals=list(professional.career_goals.all()),
        totals=log_totals(logs),
    )


def _timeline(
    user: Any, professional: Professional, postings: list[Posting], logs: QuerySet[WorkLog]
) -> list[TimelineEntry]:
    entries = [
        TimelineEntry(
            p.start,
            p.end,
            "posting",
            f"{p.get_kind_display()}：{p.host_institution.name}",
            _posting_detail(p),
            p.get_absolute_url(),
        )
        for p in postings
    ]
    engagements = access.engagements_visible_to(user).filter(professional=professional)
    entries += [
        TimelineEntry(
            e.start_date,
            e.end_date,
            "engagement",
            _("受聘：%(where)s") % {"where": e.station or e.programme},
            e.get_role_display(),
        )
        for e in engagements
    ]
    for month, totals in _logs_by_month(logs):
        entries.append(TimelineEntry(month, None, "log", _("工作日志"), totals))
    return sorted(entries, key=lambda e: (e.day, e.kind), reverse=True)


def _posting_detail(posting: Posting) -> str:
    department = posting.assisted_department
    parts = [str(posting.get_status_display()), department.name if department else ""]
    return " · ".join(p for p in parts if p)


def _logs_by_month(logs: QuerySet[WorkLog]) -> list[tuple[date, str]]:
    months: dict[date, LogTotals] = {}
    for log in logs.order_by("day"):
        key = log.day.replace(day=1)
        totals = months.setdefault(key, LogTotals())
        totals.days += 1
        for name in LOG_FIELDS:
            setattr(totals, name, getattr(totals, name) + getattr(log, name))
    return [
        (
            month,
            _("诊疗 %(p)d 人次，手术 %(s)d 台，授课 %(l)d 次，培训 %(t)d 人次")
            % {
                "p": t.patients_seen,
                "s": t.surgeries_performed + t.surgeries_assisted,
                "l": t.lectures,
                "t": t.staff_trained,
            },
        )
        for month, t in months.items()
    ]


def _series(evaluations: list[Evaluation]) -> dict[str, list[tuple[str, float]]]:
    """Score over time per evaluator role, for the profile's chart."""
    series: dict[str, list[tuple[str, float]]] = {}
    for evaluation in evaluations:
        label = str(EvaluatorRole(evaluation.evaluator_role).label)
        series.setdefault(label, []).append((evaluation.period_end.isoformat(), float(evaluation.score)))
    return series
