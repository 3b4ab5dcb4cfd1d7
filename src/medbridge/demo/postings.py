"""The postings part of the demo.

- 威海市 → 刚察县: 97 stationed postings in 26 half-yearly batches from 2013 (the
  last batch stays a year and is still in the county), each batch relieving the
  one before, person by person; 34 county staff received for attachment in
  yearly batches from 2014. Work logs with the techniques introduced.
- 福清市医院: 12 one-year training postings at the Shanghai hospitals with a mentor
  and a liaison leader each, a year of monthly, quarterly and final evaluations,
  monthly logs and a career plan per trainee.

Written through the posting services acting as the demo system administrator.
Idempotent: a programme whose postings exist is left as it is. Statuses follow
the calendar of the day the demo is seeded (ended postings are completed).
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.utils import timezone

from medbridge.demo.programmes import FUQING, WEIHAI, group_members
from medbridge.directory.models import Department, Institution, Professional
from medbridge.postings import services
from medbridge.postings.forms import months_later
from medbridge.postings.models import (
    CareerGoalStatus,
    EvaluationCriterion,
    EvaluationPeriod,
    EvaluationResult,
    EvaluatorRole,
    Posting,
    PostingBatch,
    PostingKind,
    PostingStatus,
)
from medbridge.programmes.models import Programme

# What each department introduced in the county, first to last.
TECHNIQUES = {
    "肝胆外科": ("腹腔镜胆囊切除术", "ERCP胆总管取石术", "肝包虫病外囊剥除术"),
    "消化内科": ("无痛胃肠镜", "内镜下息肉切除术", "幽门螺杆菌规范化根除"),
    "妇产科": ("宫腔镜检查", "产后出血球囊压迫止血", "无痛分娩"),
    "肛肠外科": ("PPH吻合器痔上黏膜环切术", "肛瘘挂线术"),
    "医学影像科": ("CT三维重建", "MRI弥散加权成像", "床旁超声"),
    "麻醉科": ("超声引导下神经阻滞", "分娩镇痛", "术后镇痛泵管理"),
    "康复医学科": ("脑卒中早期康复", "藏医康复理疗结合"),
    "护理部": ("PICC置管维护", "护理质量敏感指标管理", "高原病护理规范"),
}
LEARNED = {
    "超声医学科": ("超声造影", "介入超声穿刺活检", "胎儿心脏超声筛查"),
    "肝胆外科": ("腹腔镜肝切除术", "胆道镜取石术", "加速康复外科路径"),
    "产科": ("新生儿复苏", "瘢痕子宫阴道试产管理", "产后出血团队演练"),
}
CAREER_GOALS = (
    ("取得副主任医师职称", 3),
    ("独立开展本专科三级手术/检查", 1),
    ("牵头在福清市医院开展一项新技术", 1),
)


@dataclass
class PostingReport:
    stationed: int = 0
    attachment: int = 0
    training: int = 0
    logs: int = 0
    evaluations: int = 0


class PostingSeeder:
    def __init__(self, actor: Any) -> None:
        self.actor = actor
        self.report = PostingReport()
        self.rng = random.Random(2013)
        self.today = timezone.localdate()

    def run(self) -> PostingReport:
        weihai = Programme.objects.get(name=WEIHAI)
        if not weihai.postings.exists():
            self.stationed(weihai)
            self.attachment(weihai)
        fuqing = Programme.objects.get(name=FUQING)
        if not fuqing.postings.exists():
            self.training(fuqing)
        return self.report

    # --- 威海市 → 刚察县 -----------------------------------------------------------------

    def stationed(self, programme: Programme) -> None:
        people = [p for members in group_members("weihai_dispatch").values() for p in members]
        self.rng.shuffle(people)
        county = Institution.objects.get(name="刚察县人民医院")
        sizes = [4] * 19 + [3] * 7
        previous: list[Posting] = []
        previous_batch: PostingBatch | None = None
        for number, size in enumerate(sizes, start=1):
            start = months_later(date(2013, 3, 1), 6 * (number - 1)) + timedelta(days=1)
            if number == len(sizes):
                start = date(2025, 12, 1)  # the current team stays a year
            months = 12 if number == len(sizes) else 6
            members, people = people[:size], people[size:]
            batch = self.batch(programme, PostingKind.STATIONED, number, start, months, previous_batch, county, members)
            postings = list(batch.postings.select_related("professional", "host_department"))
            for posting in postings:
                self.handover(posting, previous)
                self.live(posting)
                self.logs(posting, TECHNIQUES)
            self.report.stationed += len(postings)
            previous, previous_batch = postings, batch

    def attachment(self, programme: Programme) -> None:
        staff = group_members("gangcha_staff")
        received = [p for members in staff.values() for p in members]
        trainees, leaders = received[:34], received[34:]
        hosts = Institution.objects.filter(
            name__in=("威海市立医院", "威海市中心医院", "威海市中医院", "威海市妇幼保健院", "威海卫人民医院")
        )
        sizes = [3] * 10 + [2] * 2
        previous: PostingBatch | None = None
        for number, size in enumerate(sizes, start=1):
            members, trainees = trainees[:size], trainees[size:]
            start = date(2013 + number, 4, 1)
            data = services.BatchData(
                programme, PostingKind.ATTACHMENT, number, start, months_later(start, 3), relieves=previous
            )
            batch = services.batch_create(
                actor=self.actor, data=data, members=[self._attachment_member(p, hosts, leaders) for p in members]
            )
            services.batch_approve(actor=self.actor, batch=batch)
            for posting in batch.postings.select_related("professional__department"):
                self.live(posting)
                self.logs(posting, {}, count=1)
                self.report.attachment += 1
            previous = batch

    def _attachment_member(self, person: Professional, hosts: Any, leaders: list[Professional]) -> services.BatchMember:
        assert person.institution is not None
        host, department = self._host_for(person, hosts)
        return services.BatchMember(
            professional=person,
            home_institution=person.institution,
            host_institution=host,
            home_department=person.department,
            host_department=department,
            mentor=_colleague(host, department, exclude=person),
            liaison=_pick(leaders, person.institution) or _colleague(person.institution, None, exclude=person),
        )

    def _host_for(self, person: Professional, hosts: Any) -> tuple[Institution, Department | None]:
        name = person.department.name if person.department else ""
        fitting = list(Department.objects.filter(institution__in=hosts, name=name).select_related("institution"))
        if fitting:
            department = self.rng.choice(fitting)
            return department.institution, department
        host = self.rng.choice(list(hosts))
        return host, None

    # --- 福清市医院 → 上海 ---------------------------------------------------------------

    def training(self, programme: Programme) -> None:
        trainees = group_members("fuqing_trainees")["福清市医院"]
        leaders = group_members("fuqing_leaders")["福清市医院"]
        mentors = group_members("shanghai_mentors")
        start = date(2025, 3, 1)
        for person in trainees:
            host_name = "沪东医学院附属妇产科医院" if _in(person, "产科") else "沪东医学院附属中山医院"
            host = Institution.objects.get(name=host_name)
            department = host.departments.filter(name=person.department.name if person.department else "").first()
            data = self._data(programme, PostingKind.TRAINING, person, host, department, start, 12)
            data.mentor = _same_department_first(mentors.get(host_name, []), person) or _colleague(
                host, department, exclude=person
            )
            data.liaison = _same_department_first(leaders, person)
            data.goals = "系统学习本专科常见病、疑难病诊治规范，掌握两项以上新技术，回院后带教科室人员。"
            posting = services.posting_create(actor=self.actor, data=data)
            posting = self.live(posting)
            self.logs(posting, LEARNED, count=12)
            self.evaluations(posting)
            self.career_plan(person, posting)
            self.report.training += 1

    def evaluations(self, posting: Posting) -> None:
        criteria = list(EvaluationCriterion.objects.filter(active=True))
        base = self.rng.randint(70, 80)
        for month in range(1, 13):
            end = min(months_later(posting.planned_start, month), posting.end)
            if end > self.today:
                return
            self.evaluate(posting, EvaluationPeriod.MONTHLY, end, EvaluatorRole.MENTOR, criteria, base + 1.5 * month)
            if month % 3 == 0:
                self.evaluate(
                    posting, EvaluationPeriod.QUARTERLY, end, EvaluatorRole.LIAISON, criteria, base + 1.4 * month
                )
        if posting.status == PostingStatus.COMPLETED:
            for role in (EvaluatorRole.MENTOR, EvaluatorRole.LIAISON):
                self.evaluate(posting, EvaluationPeriod.FINAL, posting.end, role, criteria, base + 17)

    def evaluate(
        self, posting: Posting, period: str, end: date, role: str, criteria: Sequence[EvaluationCriterion], level: float
    ) -> None:
        scores = {c.pk: max(0, min(100, round(level + self.rng.uniform(-4, 4)))) for c in criteria}
        result = ""
        if period == EvaluationPeriod.FINAL:
            mean = sum(scores.values()) / len(scores)
            result = (
                EvaluationResult.EXCELLENT
                if mean >= 90
                else EvaluationResult.GOOD
                if mean >= 80
                else EvaluationResult.PASS
            )
        comments = "学习态度端正，临床思维进步明显。" if level >= 85 else "能按计划完成轮转，需加强独立操作。"
        data = services.EvaluationData(period, end, role, scores, comments, result)
        services.evaluation_add(actor=self.actor, posting=posting, data=data)
        self.report.evaluations += 1

    def career_plan(self, person: Professional, posting: Posting) -> None:
        for goal, years in CAREER_GOALS:
            status = CareerGoalStatus.IN_PROGRESS if years > 1 else CareerGoalStatus.ACHIEVED
            target = date(posting.end.year + years - 1, 12, 31)
            services.career_goal_add(
                actor=self.actor, professional=person, data=services.CareerGoalData(goal, target, status)
            )

    # --- shared --------------------------------------------------------------------------

    def batch(
        self,
        programme: Programme,
        kind: str,
        number: int,
        start: date,
        months: int,
        relieves: PostingBatch | None,
        host: Institution,
        people: list[Professional],
    ) -> PostingBatch:
        data = services.BatchData(programme, kind, number, start, months_later(start, months), relieves=relieves)
        members = [
            services.BatchMember(
                professional=p,
                home_institution=p.institution or host,
                host_institution=host,
                home_department=p.department,
                host_department=host.departments.filter(name=_dept_name(p)).first(),
            )
            for p in people
        ]
        batch = services.batch_create(actor=self.actor, data=data, members=members)
        services.batch_approve(actor=self.actor, batch=batch)
        return batch

    def _data(
        self,
        programme: Programme,
        kind: str,
        person: Professional,
        host: Institution,
        department: Department | None,
        start: date,
        months: int,
    ) -> services.PostingData:
        assert person.institution is not None
        return services.PostingData(
            professional=person,
            programme=programme,
            kind=kind,
            home_institution=person.institution,
            home_department=person.department,
            host_institution=host,
            host_department=department,
            planned_start=start,
            planned_end=months_later(start, months),
        )

    def handover(self, posting: Posting, previous: list[Posting]) -> None:
        if not previous:
            return
        same = [p for p in previous if p.host_department_id == posting.host_department_id]
        relieved = (same or previous)[0]
        previous.remove(relieved)
        services.handover_record(actor=self.actor, posting=posting, relieves=relieved)

    def live(self, posting: Posting) -> Posting:
        """Brings a posting to where the calendar says it is."""
        if posting.planned_start > self.today:
            status = PostingStatus.APPROVED
        elif posting.planned_end >= self.today:
            status = PostingStatus.ACTIVE
        else:
            status = PostingStatus.COMPLETED
        late = timedelta(days=self.rng.choice((0, 0, 1, 2, 3)))
        return services.posting_bring_to(
            actor=self.actor,
            posting=posting,
            status=status,
            actual_start=min(posting.planned_start + late, self.today),
            actual_end=posting.planned_end if status == PostingStatus.COMPLETED else None,
        )

    def logs(self, posting: Posting, techniques: Mapping[str, tuple[str, ...]], *, count: int = 3) -> None:
        if posting.status not in (PostingStatus.ACTIVE, PostingStatus.COMPLETED):
            return
        names = list(techniques.get(_dept_name(posting.professional), ()))
        for month in range(count):
            day = months_later(posting.start, month + 1) - timedelta(days=self.rng.randint(0, 5))
            if not posting.start <= day <= min(posting.end, self.today):
                continue
            surgical = posting.kind == PostingKind.STATIONED
            data = services.WorkLogData(
                day=day,
                patients_seen=self.rng.randint(60, 180),
                surgeries_performed=self.rng.randint(0, 12) if surgical else 0,
                surgeries_assisted=self.rng.randint(2, 20),
                lectures=self.rng.randint(1, 4),
                staff_trained=self.rng.randint(5, 40) if surgical else self.rng.randint(0, 3),
                teaching_rounds=self.rng.randint(2, 8),
                new_techniques=[names.pop(0)] if names and self.rng.random() < 0.6 else [],
                notes="本月门诊、查房与带教按计划完成。",
            )
            services.worklog_add(actor=self.actor, posting=posting, data=data)
            self.report.logs += 1


def _dept_name(person: Professional) -> str:
    return person.department.name if person.department else ""


def _in(person: Professional, department: str) -> bool:
    return _dept_name(person) == department


def _colleague(
    institution: Institution | None, department: Department | None, *, exclude: Professional
) -> Professional | None:
    if institution is None:
        return None
    staff = institution.staff.exclude(pk=exclude.pk).order_by("license_no")
    return (staff.filter(department=department).first() if department else None) or staff.first()


def _pick(people: list[Professional], institution: Institution | None) -> Professional | None:
    return next((p for p in people if p.institution_id == getattr(institution, "pk", None)), None)


def _same_department_first(people: Sequence[Professional], person: Professional) -> Professional | None:
    same = [p for p in people if p.department_id and p.department_id == person.department_id]
    named = [p for p in people if _dept_name(p) == _dept_name(person)]
    chosen = same or named or list(people)
    return chosen[0] if chosen else None


def seed_postings(actor: Any) -> PostingReport:
    return PostingSeeder(actor).run()
