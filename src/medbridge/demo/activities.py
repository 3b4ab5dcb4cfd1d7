"""The activities part of the demo: how the five programmes show up on the ground.

- 长治市's Spring Festival exchange with hometown experts back from Beijing,
  Shanghai, Guangzhou and the provincial capital, with their pledges, willingness
  tags and contact records (kept by the city's commission, the ``changzhi`` account);
- 晋中市中医院's launch: a plaque ceremony with 200+ attendees and a free clinic
  of 100+ patients;
- the orthopaedics alliance's signing and lectures with 500+ staff attending, and
  a course for county orthopaedic staff with sessions, attendance and certificates;
- 刚察县's delegation: five days in 威海, five hospitals, then the signing.

Written through the activity services; idempotent (an activity is looked up by
title and start date, a hometown expert by licence number, and an activity found
is left as it is).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from medbridge.accounts.models import User
from medbridge.activities import services
from medbridge.activities.models import (
    Activity,
    ActivityKind,
    ContactChannel,
    HostRole,
    ParticipantRole,
    Rsvp,
    WillingnessTag,
)
from medbridge.demo import programmes as demo_programmes
from medbridge.demo.programmes import group_members
from medbridge.directory import services as directory_services
from medbridge.directory.models import Department, Institution, Professional, ProfessionalTitle, Region
from medbridge.programmes.models import Programme

SPRING_FESTIVAL = "2026年春节在外长治籍医疗卫生人才座谈会"
TCM_LAUNCH = "院会合作示范基地揭牌暨专家工作站启动仪式"
TCM_FREE_CLINIC = "省医学会专家工作站启动义诊"
ALLIANCE_SIGNING = "高平市人民医院加入山西省骨科专科联盟签约仪式"
ALLIANCE_LECTURES = "山西省骨科专科联盟学术讲座（高平站）"
ALLIANCE_COURSE = "骨科专科联盟基层骨干培训班"
STUDY_TOUR = "刚察县卫生健康代表团赴威海考察学习"
PAIR_SIGNING = "威海卫人民医院—刚察县人民医院对口帮扶协议签约仪式"
WEIHAI_HOSPITALS = ("威海市立医院", "威海市中心医院", "威海市中医院", "威海市妇幼保健院", "威海卫人民医院")


@dataclass(frozen=True)
class HometownExpert:
    """A named hometown expert the demo adds to the directory demo's random ones:
    they make the hometown search's answer known in advance, including near misses."""

    name: str
    institution: str
    department: str
    title: str  # GB/T 8561 code
    home: str  # GB/T 2260 code


HOMETOWN_EXPERTS = (
    # Changzhi-born cardiologists in Beijing, 副主任医师 or above: the search finds them.
    HometownExpert("申晋华", "国家心血管病中心医院", "心血管内科", "231", "140403"),
    HometownExpert("郜立新", "首都医科大学附属京华医院", "心血管内科", "232", "140425"),
    # Near misses: too junior; born in 太原; working at home in 长治.
    HometownExpert("秦晓峰", "国家心血管病中心医院", "心血管内科", "233", "140404"),
    HometownExpert("阎振宇", "国家心血管病中心医院", "心血管内科", "231", "140105"),
    HometownExpert("牛建国", "长治市人民医院", "心血管内科", "231", "140423"),
    # Shanghai, the fourth city the Spring Festival exchange draws from.
    HometownExpert("常海燕", "上海申江医院", "消化内科", "232", "140426"),
    HometownExpert("连振东", "上海申江医院", "骨科", "231", "140428"),
)
HOMETOWN_LICENCE = "HT{n:04d}"


@dataclass
class ActivityReport:
    """What one run created; a second run reports zeros."""

    activities: int = 0
    participants: int = 0
    pledges: int = 0
    hometown_experts: int = 0


class ActivitySeeder:
    def __init__(self, actor: Any) -> None:
        self.actor = actor
        self.report = ActivityReport()

    def run(self) -> ActivityReport:
        self.hometown_experts()
        self.spring_festival()
        self.tcm_launch()
        self.alliance()
        self.study_tour()
        return self.report

    # --- 1. 长治市: the Spring Festival exchange --------------------------------------

    def hometown_experts(self) -> None:
        for n, expert in enumerate(HOMETOWN_EXPERTS, start=1):
            licence = HOMETOWN_LICENCE.format(n=n)
            if Professional.objects.filter(license_no=licence).exists():
                continue
            institution = _institution(expert.institution)
            department = Department.objects.get(institution=institution, name=expert.department)
            title = ProfessionalTitle.objects.get(code=expert.title)
            data = directory_services.ProfessionalData(
                name=expert.name,
                sex="1",
                title=title,
                profession=title.profession,
                specialty=department.specialty,
                institution=institution,
                department=department,
                home_region=Region.objects.get(code=expert.home),
                license_no=licence,
            )
            directory_services.professional_create(actor=self.actor, data=data)
            self.report.hometown_experts += 1

    def spring_festival(self) -> None:
        day = date(2026, 2, 19)
        activity = self.activity(
            ActivityKind.SYMPOSIUM,
            SPRING_FESTIVAL,
            day,
            programmes=[demo_programmes.FLEXIBLE],
            hosts=[("长治市卫生健康委员会", HostRole.ORGANISER), ("长治市人民医院", HostRole.HOST)],
            venue="长治市人民医院",
            attendance_count=68,
            outcomes="参观长治市人民医院新院区；座谈会上在外专家就人才培养、教学科研、远程医疗作出帮扶承诺。",
        )
        if activity is None:
            return
        returning = _returning_experts()
        for person in returning:
            self.invite(activity, person, ParticipantRole.EXPERT, attended=person != returning[-1])
        self.hometown_network(activity, returning)

    def hometown_network(self, activity: Activity, people: list[Professional]) -> None:
        officer = User.objects.get(username="changzhi")
        areas = list(WillingnessTag)
        for i, person in enumerate(people):
            tags = [areas[i % len(areas)].value, areas[(i + 2) % len(areas)].value]
            services.willingness_set(actor=officer, professional=person, tags=tags)
            services.contact_record(
                actor=officer,
                professional=person,
                contacted_on=activity.start_date - timedelta(days=20),
                channel=ContactChannel.PHONE if i % 2 else ContactChannel.WECHAT,
                summary="春节前致电问候，邀请参加在外长治籍医疗卫生人才座谈会。",
            )
            if i < 6:
                self.pledge(officer, activity, person, areas[i % len(areas)])

    def pledge(self, officer: User, activity: Activity, person: Professional, area: WillingnessTag) -> None:
        content = {
            WillingnessTag.TEACHING: "每季度回长治市人民医院开展一次教学查房",
            WillingnessTag.CLINICS: "每月回乡坐诊一次",
            WillingnessTag.TELEMEDICINE: "接入远程会诊平台，每周固定时段接受会诊",
            WillingnessTag.RESEARCH: "联合申报一项省级科研课题",
            WillingnessTag.RECRUITING: "推荐两名青年骨干来长工作",
        }[area]
        data = services.PledgeData(
            professional=person, area=area.value, content=content, pledged_on=activity.start_date, activity=activity
        )
        services.pledge_record(actor=officer, data=data)
        self.report.pledges += 1

    # --- 2. 晋中市中医院: the launch --------------------------------------------------------

    def tcm_launch(self) -> None:
        launch = date(2025, 4, 18)
        hosts = [
            ("山西省医学会", HostRole.ORGANISER),
            ("晋中市中医院", HostRole.HOST),
            ("山西省科学技术协会", HostRole.GUIDE),
        ]
        programmes = [demo_programmes.ASSOCIATION]
        ceremony = self.activity(
            ActivityKind.PLAQUE_CEREMONY,
            TCM_LAUNCH,
            launch,
            programmes=programmes,
            hosts=hosts,
            venue="晋中市中医院",
            attendance_count=230,
            agreements_signed=1,
            banners_presented=2,
            outcomes="为院会合作示范基地、专家工作站揭牌；向8名专家颁发聘书；专家就学科建设进行指导。",
        )
        clinic = self.activity(
            ActivityKind.FREE_CLINIC,
            TCM_FREE_CLINIC,
            launch,
            programmes=programmes,
            hosts=hosts,
            venue="晋中市中医院",
            patients_served=126,
        )
        experts = [p for people in group_members("association_experts").values() for p in people]
        for activity in (a for a in (ceremony, clinic) if a is not None):
            for person in experts:
                self.invite(activity, person, ParticipantRole.EXPERT, attended=True)

    # --- 3. 高平市: the orthopaedics alliance ------------------------------------------------

    def alliance(self) -> None:
        signed = date(2025, 3, 28)
        programmes = [demo_programmes.ALLIANCE]
        hosts = [("山西医科大学第二医院", HostRole.ORGANISER), ("高平市人民医院", HostRole.HOST)]
        self.activity(
            ActivityKind.SIGNING,
            ALLIANCE_SIGNING,
            signed,
            programmes=programmes,
            hosts=hosts,
            venue="高平市人民医院",
            attendance_count=60,
            agreements_signed=1,
            banners_presented=1,
        )
        lectures = self.activity(
            ActivityKind.LECTURE,
            ALLIANCE_LECTURES,
            signed,
            programmes=programmes,
            hosts=hosts,
            venue="高平市人民医院",
            attendance_count=520,
            outcomes="脊柱微创、关节置换与创伤骨科三场专题讲座。",
        )
        speakers = group_members("alliance_lead").get("山西医科大学第二医院", [])[:3]
        if lectures is not None:
            for person in speakers:
                self.invite(lectures, person, ParticipantRole.SPEAKER, attended=True)
        self.alliance_course(programmes, hosts, speakers)

    def alliance_course(self, programmes: list[str], hosts: Sequence[tuple[str, str]], teachers: list[Any]) -> None:
        start = date(2025, 5, 12)
        course = self.activity(
            ActivityKind.COURSE,
            ALLIANCE_COURSE,
            start,
            end=start + timedelta(days=4),
            programmes=programmes,
            hosts=hosts,
            venue="高平市人民医院",
            capacity=30,
            attendance_count=15,
        )
        if course is None:
            return
        topics = ("骨折规范化处置", "关节置换围手术期管理", "脊柱退变性疾病诊疗", "骨质疏松防治", "康复与双向转诊")
        sessions = [
            services.session_add(
                actor=self.actor, activity=course, day=start + timedelta(days=i), topic=t, hours=Decimal(4)
            )
            for i, t in enumerate(topics)
        ]
        for person in teachers:
            self.invite(course, person, ParticipantRole.SPEAKER, attended=True)
        trainees = Professional.objects.filter(
            institution__name__in=("高平市人民医院", "阳城县人民医院", "泽州县人民医院", "沁水县人民医院"),
            department__name="骨科",
        ).order_by("license_no")[:12]
        enrolments = [services.enrol(actor=self.actor, activity=course, professional=p) for p in trainees]
        for i, session in enumerate(sessions):
            # Everyone comes to the first classes; one or two miss the later ones.
            present = [e for j, e in enumerate(enrolments) if (j + i) % 7 != 6]
            services.session_attendance_set(actor=self.actor, session=session, present=present)

    # --- 4. 刚察县 → 威海: the five-day study tour ------------------------------------------

    def study_tour(self) -> None:
        start = date(2025, 6, 14)
        tour = self.activity(
            ActivityKind.STUDY_TOUR,
            STUDY_TOUR,
            start,
            end=start + timedelta(days=4),
            programmes=[demo_programmes.WEIHAI],
            hosts=[("威海市卫生健康委员会", HostRole.ORGANISER), ("刚察县卫生健康局", HostRole.CO_ORGANISER)],
            region="371000",
            address="威海市各医院",
            attendance_count=12,
            outcomes="走访五家医院，就驻点帮扶、挂职学习与医共体建设座谈交流。",
        )
        if tour is not None:
            for i, name in enumerate(WEIHAI_HOSPITALS):
                services.itinerary_day_set(
                    actor=self.actor,
                    activity=tour,
                    day=start + timedelta(days=i),
                    summary=f"考察{name}，座谈交流",
                    institutions=[_institution(name)],
                )
            staff = group_members("gangcha_staff").get("刚察县人民医院", [])[:8]
            for person in staff:
                self.invite(tour, person, ParticipantRole.GUEST, attended=True)
        self.activity(
            ActivityKind.SIGNING,
            PAIR_SIGNING,
            start + timedelta(days=4),
            programmes=[demo_programmes.WEIHAI, demo_programmes.WEIHAI_HOSPITALS],
            hosts=[("威海卫人民医院", HostRole.HOST), ("威海市卫生健康委员会", HostRole.ORGANISER)],
            venue="威海卫人民医院",
            attendance_count=40,
            agreements_signed=1,
        )

    # --- helpers ----------------------------------------------------------------------------

    def activity(
        self,
        kind: str,
        title: str,
        start: date,
        *,
        programmes: list[str],
        hosts: Sequence[tuple[str, str]],
        end: date | None = None,
        venue: str = "",
        region: str = "",
        **figures: Any,
    ) -> Activity | None:
        """The activity, created; None when an earlier run created it already."""
        if Activity.objects.filter(title=title, start_date=start).exists():
            return None
        data = services.ActivityData(
            kind=kind,
            title=title,
            start_date=start,
            end_date=end,
            programmes=[Programme.objects.get(name=name) for name in programmes],
            hosts=[services.HostData(_institution(name), role) for name, role in hosts],
            venue=_institution(venue) if venue else None,
            region=Region.objects.get(code=region) if region else None,
            **figures,
        )
        self.report.activities += 1
        return services.activity_create(actor=self.actor, data=data)

    def invite(self, activity: Activity, person: Professional, role: str, *, attended: bool) -> None:
        participant = services.participant_invite(actor=self.actor, activity=activity, professional=person, role=role)
        services.participant_respond(actor=self.actor, participant=participant, rsvp=Rsvp.ACCEPTED)
        services.attendance_record(actor=self.actor, participant=participant, attended=attended)
        self.report.participants += 1


def _institution(name: str) -> Institution:
    institution = directory_services.institution_find(name)
    if institution is None:
        raise LookupError(f"institution {name!r} is missing; the directory demo must run first")
    return institution


def _returning_experts() -> list[Professional]:
    """Who came home for the exchange: the hometown groups of the directory demo
    (Beijing, Guangzhou, the provincial capital) and the named Shanghai experts."""
    groups = group_members("hometown_talent")
    people = [p for members in groups.values() for p in members[:3]]
    named = Professional.objects.filter(name__in=("申晋华", "郜立新", "常海燕", "连振东"), license_no__startswith="HT")
    return people + list(named.order_by("license_no"))


def seed_activities(actor: Any) -> ActivityReport:
    return ActivitySeeder(actor).run()
