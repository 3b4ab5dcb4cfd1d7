"""The figures a commission publishes, computed from the records, never typed in.

Every count starts from the access module's scoped querysets, so a user sees
figures only over the records they may see. Each metric is one grouped query by
year; a year's figure is a cell of that table and the cumulative figure since the
start is the sum of its row. Definitions follow the apps that own the records:

- postings: counted by year of planned start, cancelled ones left out (as
  ``postings.selectors.posting_stats``); the specialty of a posting is the
  department it strengthens (host for stationed/visiting, home for learning);
- stationed person-days: days between actual (else planned) start and end;
- surgeries, people trained on site, teaching lectures: sums of work logs (as
  ``postings.selectors.log_totals``); new techniques by year first performed;
- clinic visits (坐诊人次) = checked in + walk-ins of held sessions (as
  ``clinics.selectors.visit_totals``); visiting experts = distinct experts who held one;
- free-clinic patients, lectures, courses, attendance: activities (as
  ``activities.selectors.activity_figures_by_programme``);
- referrals up/down by year requested; remote consultations by year requested.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from typing import Any

from django.db.models import Case, CharField, Count, F, Q, QuerySet, Sum, Value, When
from django.db.models.functions import Coalesce, ExtractYear
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from medbridge.accounts import access
from medbridge.activities.models import COURSE_KINDS, ActivityKind
from medbridge.clinics.models import SessionStatus
from medbridge.directory.models import Institution, Region
from medbridge.postings.models import LEARNING_KINDS, Posting, PostingKind, PostingStatus, Technique, WorkLog
from medbridge.programmes.models import Programme, Target, TargetMetric
from medbridge.referrals.models import Direction

# The metrics, in the order pages and reports show them.
METRICS: dict[str, Any] = {
    "stationed": gettext_lazy("驻点帮扶人次"),
    "attachment": gettext_lazy("挂职学习人次"),
    "training": gettext_lazy("进修人次"),
    "visiting_postings": gettext_lazy("柔性坐诊派驻"),
    "person_days": gettext_lazy("驻点人天"),
    "visiting_experts": gettext_lazy("坐诊专家人数"),
    "sessions_held": gettext_lazy("坐诊场次"),
    "clinic_visits": gettext_lazy("坐诊人次"),
    "free_clinic_patients": gettext_lazy("义诊人次"),
    "surgeries": gettext_lazy("手术例数"),
    "new_techniques": gettext_lazy("新技术新项目"),
    "people_trained": gettext_lazy("培训人数"),
    "lectures": gettext_lazy("讲座场次"),
    "lecture_attendance": gettext_lazy("讲座听众人次"),
    "courses": gettext_lazy("培训班"),
    "activity_attendance": gettext_lazy("活动参加人次"),
    "referrals_up": gettext_lazy("上转人次"),
    "referrals_down": gettext_lazy("下转人次"),
    "consultations": gettext_lazy("远程会诊"),
    "engaged_experts": gettext_lazy("聘任专家"),
}

# Which figure a programme target is measured against.
TARGET_SOURCES: dict[str, str] = {
    TargetMetric.PEOPLE_DISPATCHED: "stationed",
    TargetMetric.STATIONED_PERSON_DAYS: "person_days",
    TargetMetric.CLINIC_VISITS: "clinic_visits",
    TargetMetric.SURGERIES: "surgeries",
    TargetMetric.NEW_TECHNIQUES: "new_techniques",
    TargetMetric.PEOPLE_TRAINED: "people_trained",
    TargetMetric.REFERRALS_UP: "referrals_up",
    TargetMetric.REFERRALS_DOWN: "referrals_down",
    TargetMetric.FREE_CLINIC_PATIENTS: "free_clinic_patients",
    TargetMetric.LECTURES: "lectures",
}

Yearly = dict[int, int]


@dataclass(frozen=True)
class FigureScope:
    """Which records to count: a programme (with its sub-programmes), a region
    (GB/T 2260 code prefix, either end of a posting or referral), an institution
    (either end), a year (None: cumulative since the start)."""

    programme: Programme | None = None
    region: str = ""
    institution: Institution | None = None
    year: int | None = None

    # Looked up once per scope: a page's dozen queries share them.
    @cached_property
    def programme_ids(self) -> list[int]:
        return _programme_ids(self.programme) if self.programme is not None else []

    @cached_property
    def region_institution_ids(self) -> list[int]:
        return _institutions_in(self.region) if self.region else []


@dataclass
class Figures:
    """Metric → year → value, plus the specialties the postings strengthened."""

    by_year: dict[str, Yearly] = field(default_factory=dict)
    specialties: list[str] = field(default_factory=list)
    # The breakdown the specialties were read from, so a page showing both asks once.
    breakdown: list[SpecialtyRow] = field(default_factory=list)
    since: int | None = None
    # Counts of distinct people do not add up across years (an expert who held
    # clinics in two years is one expert): their cumulative figure is counted apart.
    distinct_totals: dict[str, int] = field(default_factory=dict)

    @property
    def years(self) -> list[int]:
        """Every year from the first to the last with a figure, gaps included."""
        seen = {y for row in self.by_year.values() for y in row}
        return list(range(min(seen), max(seen) + 1)) if seen else []

    def total(self, metric: str) -> int:
        if metric in self.distinct_totals:
            return self.distinct_totals[metric]
        return sum(self.by_year.get(metric, {}).values())

    def value(self, metric: str, year: int | None = None) -> int:
        return self.total(metric) if year is None else self.by_year.get(metric, {}).get(year, 0)

    @property
    def totals(self) -> dict[str, int]:
        return {metric: self.total(metric) for metric in METRICS}

    def rows(self) -> list[tuple[str, str, list[int], int]]:
        """(metric, label, values aligned with ``years``, total) for tables."""
        years = self.years
        return [
            (m, str(label), [self.value(m, y) for y in years], self.total(m))
            for m, label in METRICS.items()
            if self.total(m)
        ]


# --- Scoping ---------------------------------------------------------------------------


def _programme_ids(programme: Programme) -> list[int]:
    """The programme and its sub-programmes. A list of ids rather than an OR across
    a join to the programme: the list lets PostgreSQL use the programme index of a
    table with a million clinic sessions instead of reading all of them."""
    return [programme.pk, *programme.children.values_list("pk", flat=True)]


def _programme_q(scope: FigureScope, path: str = "programme") -> Q:
    if scope.programme is None:
        return Q()
    return Q(**{f"{path}_id__in": scope.programme_ids})


def _ends_q(scope: FigureScope, *ends: str) -> Q:
    """Records with either end inside the region or at the institution."""
    q = Q()
    if scope.region:
        q &= _or([Q(**{f"{end}_id__in": scope.region_institution_ids}) for end in ends])
    if scope.institution is not None:
        q &= _or([Q(**{f"{end}_id": scope.institution.pk}) for end in ends])
    return q


def _institutions_in(region: str) -> list[int]:
    """Ids of the institutions in a region, as a list: PostgreSQL then reads a
    province's records from the institution indexes (and once the visibility test),
    where a join to the regions made it test every row of the table."""
    return list(Institution.objects.filter(region__code__startswith=region).values_list("pk", flat=True))


def _or(parts: list[Q]) -> Q:
    result = Q()
    for part in parts:
        result |= part
    return result


def _year_filter(qs: QuerySet[Any], scope: FigureScope, path: str) -> QuerySet[Any]:
    return qs.filter(**{f"{path}__year": scope.year}) if scope.year else qs


def scoped_postings(user: Any, scope: FigureScope) -> QuerySet[Posting]:
    qs = access.postings_visible_to(user).exclude(status=PostingStatus.CANCELLED)
    qs = qs.filter(_programme_q(scope), _ends_q(scope, "home_institution", "host_institution"))
    return _year_filter(qs, scope, "planned_start").order_by()


def scoped_sessions(user: Any, scope: FigureScope) -> QuerySet[Any]:
    qs = access.clinic_sessions_visible_to(user).filter(status=SessionStatus.HELD)
    qs = qs.filter(_programme_q(scope), _ends_q(scope, "host"))
    return _year_filter(qs, scope, "date").order_by()


def scoped_activities(user: Any, scope: FigureScope) -> QuerySet[Any]:
    qs = access.activities_visible_to(user)
    if scope.programme is not None:
        through = qs.model.programmes.through.objects.filter(programme_id__in=scope.programme_ids)
        qs = qs.filter(pk__in=through.values("activity_id"))
    qs = qs.filter(_ends_q(scope, "venue"))
    return _year_filter(qs, scope, "start_date").order_by()


def _scoped_referrals(user: Any, scope: FigureScope) -> QuerySet[Any]:
    qs = access.referrals_visible_to(user).filter(_programme_q(scope))
    qs = qs.filter(_ends_q(scope, "from_institution", "to_institution"))
    return _year_filter(qs, scope, "requested_at").order_by()


def _scoped_consultations(user: Any, scope: FigureScope) -> QuerySet[Any]:
    qs = access.consultations_visible_to(user).filter(_programme_q(scope))
    qs = qs.filter(_ends_q(scope, "requesting_institution", "consulting_institution"))
    return _year_filter(qs, scope, "requested_at").order_by()


# --- Metrics ---------------------------------------------------------------------------


def _grouped(qs: QuerySet[Any], year_path: str, **sums: Any) -> dict[str, Yearly]:
    """One query: the given aggregates grouped by year of ``year_path``."""
    rows = qs.annotate(y=ExtractYear(year_path)).values("y").annotate(**sums)
    out: dict[str, Yearly] = defaultdict(dict)
    for row in rows:
        for name in sums:
            if row[name]:
                out[name][row["y"]] = int(row[name])
    return out


def _posting_metrics(postings: QuerySet[Posting]) -> dict[str, Yearly]:
    return _grouped(
        postings,
        "planned_start",
        stationed=Count("pk", filter=Q(kind=PostingKind.STATIONED)),
        attachment=Count("pk", filter=Q(kind=PostingKind.ATTACHMENT)),
        training=Count("pk", filter=Q(kind=PostingKind.TRAINING)),
        visiting_postings=Count("pk", filter=Q(kind=PostingKind.VISITING)),
    )


def _person_days(postings: QuerySet[Posting]) -> dict[str, Yearly]:
    """Days on site of stationed postings, by year of start; a posting still running
    counts up to today."""
    today = timezone.localdate()
    days: Yearly = defaultdict(int)
    rows = postings.filter(kind=PostingKind.STATIONED).values_list(
        "planned_start", "planned_end", "actual_start", "actual_end", "status"
    )
    for planned_start, planned_end, actual_start, actual_end, status in rows:
        start: date = actual_start or planned_start
        end: date = actual_end or (min(planned_end, today) if status == PostingStatus.ACTIVE else planned_end)
        if start <= today and end >= start:
            days[start.year] += (min(end, today) - start).days + 1
    return {"person_days": dict(days)}


def _log_metrics(postings: QuerySet[Posting]) -> dict[str, Yearly]:
    logs = WorkLog.objects.filter(posting__in=postings.values("pk")).order_by()
    grouped = _grouped(
        logs,
        "day",
        surgeries=Coalesce(Sum("surgeries_performed"), 0) + Coalesce(Sum("surgeries_assisted"), 0),
        log_trained=Coalesce(Sum("staff_trained"), 0),
        log_lectures=Coalesce(Sum("lectures"), 0),
    )
    techniques = Technique.objects.filter(posting__in=postings.values("pk")).order_by()
    grouped.update(_grouped(techniques, "first_on", new_techniques=Count("pk")))
    return grouped


def _clinic_metrics(sessions: QuerySet[Any]) -> dict[str, Yearly]:
    return _grouped(
        sessions,
        "date",
        sessions_held=Count("pk"),
        clinic_visits=Coalesce(Sum("checked_in"), 0) + Coalesce(Sum("walk_ins"), 0),
        visiting_experts=Count("expert_id", distinct=True),
    )


def _activity_metrics(activities: QuerySet[Any]) -> dict[str, Yearly]:
    return _grouped(
        activities,
        "start_date",
        free_clinic_patients=Coalesce(Sum("patients_served"), 0),
        activity_lectures=Count("pk", filter=Q(kind=ActivityKind.LECTURE)),
        lecture_attendance=Coalesce(Sum("attendance_count", filter=Q(kind=ActivityKind.LECTURE)), 0),
        courses=Count("pk", filter=Q(kind__in=COURSE_KINDS)),
        course_attendance=Coalesce(Sum("attendance_count", filter=Q(kind__in=COURSE_KINDS)), 0),
        activity_attendance=Coalesce(Sum("attendance_count"), 0),
    )


def _referral_metrics(user: Any, scope: FigureScope) -> dict[str, Yearly]:
    grouped = _grouped(
        _scoped_referrals(user, scope),
        "requested_at",
        referrals_up=Count("pk", filter=Q(direction=Direction.UP)),
        referrals_down=Count("pk", filter=Q(direction=Direction.DOWN)),
    )
    grouped.update(_grouped(_scoped_consultations(user, scope), "requested_at", consultations=Count("pk")))
    return grouped


def _engagement_metrics(user: Any, scope: FigureScope) -> dict[str, Yearly]:
    qs = access.engagements_visible_to(user).filter(_programme_q(scope)).order_by()
    qs = _year_filter(qs, scope, "start_date")
    return _grouped(qs, "start_date", engaged_experts=Count("professional_id", distinct=True))


def _distinct_totals(user: Any, scope: FigureScope) -> dict[str, int]:
    experts = scoped_sessions(user, scope).aggregate(n=Count("expert_id", distinct=True))["n"]
    engagements = _year_filter(access.engagements_visible_to(user).filter(_programme_q(scope)), scope, "start_date")
    engaged = engagements.order_by().aggregate(n=Count("professional_id", distinct=True))["n"]
    return {"visiting_experts": int(experts or 0), "engaged_experts": int(engaged or 0)}


def _add(a: Yearly, b: Yearly) -> Yearly:
    return {y: a.get(y, 0) + b.get(y, 0) for y in set(a) | set(b)}


def _combine(parts: dict[str, Yearly]) -> dict[str, Yearly]:
    """Lectures count both lecture activities and lectures in work logs; people
    trained count staff trained on site, course attendance and people received to learn."""
    parts["lectures"] = _add(parts.pop("activity_lectures", {}), parts.pop("log_lectures", {}))
    trained = _add(parts.pop("log_trained", {}), parts.pop("course_attendance", {}))
    trained = _add(trained, _add(parts.get("attachment", {}), parts.get("training", {})))
    parts["people_trained"] = trained
    return {metric: parts.get(metric, {}) for metric in METRICS}


def figures(user: Any, scope: FigureScope) -> Figures:
    """All metrics for the scope, by year; ``Figures.total`` gives the cumulative."""
    postings = scoped_postings(user, scope)
    parts: dict[str, Yearly] = {}
    parts.update(_posting_metrics(postings))
    parts.update(_person_days(postings))
    parts.update(_log_metrics(postings))
    parts.update(_clinic_metrics(scoped_sessions(user, scope)))
    parts.update(_activity_metrics(scoped_activities(user, scope)))
    parts.update(_referral_metrics(user, scope))
    parts.update(_engagement_metrics(user, scope))
    breakdown = specialty_breakdown(user, scope)
    result = Figures(by_year=_combine(parts), specialties=_specialty_names(breakdown), breakdown=breakdown)
    result.distinct_totals = _distinct_totals(user, scope)
    result.since = scope.programme.start_date.year if scope.programme else (min(result.years, default=None))
    return result


# --- Breakdowns ------------------------------------------------------------------------


@dataclass(frozen=True)
class SpecialtyRow:
    name: str
    stationed: int
    attachment: int
    training: int
    visiting: int

    @property
    def total(self) -> int:
        return self.stationed + self.attachment + self.training + self.visiting


def _assisted() -> Case:
    return Case(
        When(kind__in=LEARNING_KINDS, then=F("home_department__name")),
        default=F("host_department__name"),
        output_field=CharField(),
    )


def specialty_breakdown(user: Any, scope: FigureScope) -> list[SpecialtyRow]:
    """Postings by the department they strengthen, largest first."""
    rows = (
        scoped_postings(user, scope)
        .annotate(assisted=Coalesce(_assisted(), Value("—")))
        .values("assisted")
        .annotate(
            stationed=Count("pk", filter=Q(kind=PostingKind.STATIONED)),
            attachment=Count("pk", filter=Q(kind=PostingKind.ATTACHMENT)),
            training=Count("pk", filter=Q(kind=PostingKind.TRAINING)),
            visiting=Count("pk", filter=Q(kind=PostingKind.VISITING)),
        )
    )
    result = [SpecialtyRow(r["assisted"], r["stationed"], r["attachment"], r["training"], r["visiting"]) for r in rows]
    return sorted(result, key=lambda r: (-r.total, r.name))


def _specialty_names(breakdown: list[SpecialtyRow]) -> list[str]:
    return [row.name for row in breakdown if row.name != "—"]


@dataclass(frozen=True)
class Attainment:
    """One programme target against what the records show."""

    metric: str
    label: str
    year: int
    target: int
    actual: int

    @property
    def percent(self) -> int:
        return round(100 * self.actual / self.target) if self.target else 0


def target_attainment(programme: Programme, result: Figures) -> list[Attainment]:
    targets = Target.objects.filter(programme=programme).order_by("year", "metric")
    return [
        Attainment(
            t.metric,
            str(TargetMetric(t.metric).label),
            t.year,
            t.value,
            result.value(TARGET_SOURCES[t.metric], t.year),
        )
        for t in targets
    ]


@dataclass(frozen=True)
class ExpertRow:
    name: str
    institution: str
    sessions: int
    visits: int


def top_experts(user: Any, scope: FigureScope, limit: int = 10) -> list[ExpertRow]:
    """Visiting experts by patients seen (checked in + walk-ins)."""
    rows = (
        scoped_sessions(user, scope)
        .values("expert_id", "expert__name", "expert__institution__name")
        .annotate(sessions=Count("pk"), visits=Coalesce(Sum("checked_in"), 0) + Coalesce(Sum("walk_ins"), 0))
        .order_by("-visits", "expert__name")[:limit]
    )
    return [
        ExpertRow(r["expert__name"], r["expert__institution__name"] or "", r["sessions"], r["visits"]) for r in rows
    ]


@dataclass(frozen=True)
class Flow:
    """People moving from one city to another (postings), with coordinates."""

    source: str
    target: str
    people: int
    source_coord: tuple[float, float] | None
    target_coord: tuple[float, float] | None


def _city_code(code: str) -> str:
    return code[:4] + "00" if len(code) >= 4 else code


def people_flows(user: Any, scope: FigureScope) -> list[Flow]:
    """Postings from the sending city to the receiving city: stationed and visiting
    people travel home → host; learners too (home → host where they learn)."""
    rows = (
        scoped_postings(user, scope)
        .values("home_institution__region__code", "host_institution__region__code")
        .annotate(n=Count("pk"))
    )
    counts: dict[tuple[str, str], int] = defaultdict(int)
    for row in rows:
        key = (_city_code(row["home_institution__region__code"]), _city_code(row["host_institution__region__code"]))
        counts[key] += row["n"]
    cities = {r.code: r for r in Region.objects.filter(code__in={c for pair in counts for c in pair})}
    flows = [_flow(cities, a, b, n) for (a, b), n in counts.items() if a != b]
    return sorted(flows, key=lambda f: (-f.people, f.source, f.target))


def _flow(cities: dict[str, Region], a: str, b: str, n: int) -> Flow:
    def name(code: str) -> str:
        return cities[code].name if code in cities else code

    def coord(code: str) -> tuple[float, float] | None:
        region = cities.get(code)
        if region is None or region.longitude is None or region.latitude is None:
            return None
        return (region.longitude, region.latitude)

    return Flow(name(a), name(b), n, coord(a), coord(b))


# --- The summary paragraph -------------------------------------------------------------


def summary_paragraph(result: Figures) -> str:
    """A Chinese paragraph an officer can paste into a press release; only figures
    that are not zero are mentioned."""
    t = result.totals
    parts: list[str] = []
    if t["stationed"]:
        parts.append(_("累计选派%(n)d名专业技术人员驻点帮扶") % {"n": t["stationed"]})
    if t["attachment"]:
        parts.append(_("接收%(n)d名业务骨干挂职学习") % {"n": t["attachment"]})
    if t["training"]:
        parts.append(_("选送%(n)d名骨干进修") % {"n": t["training"]})
    if t["visiting_experts"]:
        parts.append(
            _("柔性引进%(e)d名专家坐诊%(s)d场、服务患者%(v)d人次")
            % {"e": t["visiting_experts"], "s": t["sessions_held"], "v": t["clinic_visits"]}
        )
    parts.extend(_extras(t))
    if result.specialties:
        shown = "、".join(result.specialties[:2])
        parts.append(_("涉及%(s)s等%(n)d个专业") % {"s": shown, "n": len(result.specialties)})
    if not parts:
        return str(_("暂无可统计的帮扶记录。"))
    opening = _("自%(y)d年以来，") % {"y": result.since} if result.since else ""
    return opening + "，".join(parts) + "。"


def _extras(t: dict[str, int]) -> list[str]:
    extras = [
        ("engaged_experts", _("聘任专家%(n)d名")),
        ("free_clinic_patients", _("义诊服务%(n)d人次")),
        ("surgeries", _("开展手术%(n)d例")),
        ("new_techniques", _("引进新技术新项目%(n)d项")),
        ("lectures", _("举办讲座%(n)d场")),
        ("referrals_up", _("上转患者%(n)d人次")),
        ("referrals_down", _("下转患者%(n)d人次")),
        ("consultations", _("开展远程会诊%(n)d例")),
    ]
    return [text % {"n": t[metric]} for metric, text in extras if t[metric]]
