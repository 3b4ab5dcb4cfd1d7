"""The programmes part of the demo: the five partnerships of the brief, with their
parties, agreements, yearly targets, stations and appointed experts.

Written through the programme services acting as the demo system administrator,
so the demo obeys the same rules as records entered on the pages and appears in
the audit log. Idempotent: every record is looked up by its natural key first and
kept as it is when found (programme by name; party by programme, institution,
department and role; station by name within its programme; engagement by
programme, station, professional and start; agreement by title within its
programme; target by programme, year and metric).

The experts are the people the directory demo created for them. They are found
exactly, not by search: the directory seeder numbers every person it creates in
the order of ``directory.GROUPS`` and builds the licence number from that serial,
so replaying the numbering names the members of a labelled group.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from medbridge.demo import directory
from medbridge.directory.models import Department, Institution, Professional, Specialty
from medbridge.directory.services import institution_find
from medbridge.programmes import services
from medbridge.programmes.models import (
    Engagement,
    EngagementRole,
    PartyRole,
    Programme,
    ProgrammeKind,
    Station,
    StationKind,
)
from medbridge.programmes.models import TargetMetric as M

LEAD, RECIPIENT, GUIDING = PartyRole.LEAD, PartyRole.RECIPIENT, PartyRole.GUIDING
SUPPORTING = PartyRole.SUPPORTING
ORGANISING, HOSTING = PartyRole.ORGANISING, PartyRole.HOSTING
TRUSTEE, TRUSTEED = PartyRole.TRUSTEE, PartyRole.TRUSTEED

# Programme names, for the pages, tests and later demo parts that hang records on them.
FLEXIBLE = "长治市柔性引进京沪穗知名专家"
CARDIO = "国家心血管病中心长治市心血管病培训中心共建"
CARDIO_CENTRE = "心血管病培训中心"
ASSOCIATION = "晋中市中医院院会合作示范基地"
COUNTY_ASSOCIATION = "榆社县县会合作示范基地"
EXPERT_WORKSTATION = "晋中市中医院专家工作站"
ALLIANCE = "山西省骨科专科联盟"
TRUSTEESHIP = "山西省人民医院托管高平市人民医院"
WEIHAI = "威海市—刚察县对口帮扶"
WEIHAI_HOSPITALS = "威海卫人民医院—刚察县人民医院对口帮扶协议"
FUQING = "福清市医院—沪东医学院附属医院人才培养合作"

Targets = dict[int, dict[str, int]]


@dataclass
class ProgrammeReport:
    """What one run created; a second run reports zeros."""

    programmes: int = 0
    parties: int = 0
    agreements: int = 0
    targets: int = 0
    stations: int = 0
    engagements: int = 0


@dataclass(frozen=True)
class FamousDoctorStation:
    name: str
    opened_on: date
    department: str
    mentor_home: str
    mentors: int


FUQING_STATIONS = (
    FamousDoctorStation("超声医学名医工作站", date(2021, 6, 18), "超声医学科", "沪东医学院附属中山医院", 3),
    FamousDoctorStation("肝胆外科名医工作站", date(2022, 5, 20), "肝胆外科", "沪东医学院附属中山医院", 2),
    FamousDoctorStation("产科名医工作站", date(2023, 4, 21), "产科", "沪东医学院附属妇产科医院", 3),
)


def group_members(label: str) -> dict[str, list[Professional]]:
    """The people of the directory demo's groups labelled ``label``, by institution
    name, each list in licence-number (that is, creation) order."""
    serials: dict[str, list[int]] = {}
    serial = 0
    for group in directory.GROUPS:
        if group.label == label:
            serials.setdefault(group.institution, []).extend(range(serial + 1, serial + group.count + 1))
        serial += group.count
    members: dict[str, list[Professional]] = {}
    for name, numbers in serials.items():
        institution = _institution(name)
        licences = [f"1{institution.region.code}{n:08d}" for n in numbers]
        people = Professional.objects.filter(institution=institution, license_no__in=licences)
        members[name] = list(people.select_related("title", "department").order_by("license_no"))
    return members


def _institution(name: str) -> Institution:
    institution = institution_find(name)
    if institution is None:
        raise LookupError(f"institution {name!r} is missing; the directory demo must run first")
    return institution


class ProgrammeSeeder:
    def __init__(self, actor: Any) -> None:
        self.actor = actor
        self.report = ProgrammeReport()
        self._institutions: dict[str, Institution] = {}

    def run(self) -> ProgrammeReport:
        self.changzhi()
        self.jinzhong()
        self.alliance()
        self.weihai()
        self.fuqing()
        return self.report

    # --- 1. 长治市: flexible introduction and the co-built cardiovascular centre --------

    def changzhi(self) -> None:
        start = date(2023, 1, 1)
        flexible = self.programme(
            ProgrammeKind.FLEXIBLE_INTRODUCTION,
            FLEXIBLE,
            start,
            first=("长治市卫生健康委员会", ORGANISING),
            description=(
                "长治市以柔性引才方式引进北京、上海、广州知名专家233名，每周来长坐诊、手术、带教，服务患者逾4万人次。"
            ),
        )
        self.parties(
            flexible,
            [
                ("长治市卫生健康委员会", ORGANISING),
                ("长治市人民医院", HOSTING),
                *((source, SUPPORTING) for source, _count in directory.EXPERT_SOURCES),
                ("长治市人民医院", RECIPIENT),
                ("长治医学院附属和平医院", RECIPIENT),
                ("长治市潞城区人民医院", RECIPIENT),
                ("长治市屯留区人民医院", RECIPIENT),
            ],
        )
        experts = group_members("visiting_experts")
        serial = 0
        for month, (source, _count) in enumerate(directory.EXPERT_SOURCES, start=3):
            people = experts.get(source, [])
            self.engage(
                flexible,
                people,
                date(2023, month, 1),
                end_date=date(2027, 12, 31),
                letter="长卫引聘〔2023〕{n:03d}号",
                first_number=serial + 1,
            )
            serial += len(people)
        self.targets(
            flexible,
            {
                2025: {M.CLINIC_VISITS: 15000, M.SURGERIES: 600, M.LECTURES: 48, M.PEOPLE_TRAINED: 800},
                2026: {M.CLINIC_VISITS: 16000, M.SURGERIES: 650, M.LECTURES: 52, M.PEOPLE_TRAINED: 900},
            },
        )

        opened = date(2023, 9, 16)
        cardio = self.programme(
            ProgrammeKind.CO_CONSTRUCTION,
            CARDIO,
            opened,
            first=("国家心血管病中心医院", LEAD),
            specialties=("03.04",),
            description="长治市人民医院与国家心血管病中心医院共建心血管病培训中心，开展规范化培训与技术帮扶。",
        )
        self.parties(cardio, [("国家心血管病中心医院", LEAD), ("长治市人民医院", HOSTING)])
        self.agreement(cardio, "心血管病培训中心共建协议", opened, "国家心血管病中心医院；长治市人民医院")
        centre = self.station(
            cardio,
            StationKind.TRAINING_CENTRE,
            CARDIO_CENTRE,
            "长治市人民医院",
            opened,
            department="心血管内科",
            plaque="国家心血管病中心 长治市心血管病培训中心",
        )
        cardiologists = [p for p in experts.get("国家心血管病中心医院", []) if _in(p, "心血管内科")]
        self.engage(
            cardio,
            _chief_first(cardiologists)[:3],
            opened,
            station=centre,
            end_date=date(2026, 9, 15),
            chief=1,
            letter="国心长培聘〔2023〕{n:02d}号",
        )
        self.targets(
            cardio,
            {
                2025: {M.PEOPLE_TRAINED: 300, M.LECTURES: 24, M.NEW_TECHNIQUES: 5},
                2026: {M.PEOPLE_TRAINED: 350, M.LECTURES: 30, M.NEW_TECHNIQUES: 6},
            },
        )

    # --- 2. 晋中市中医院: hospital–association cooperation ----------------------------------

    def jinzhong(self) -> None:
        launch = date(2025, 4, 18)
        base = self.programme(
            ProgrammeKind.HOSPITAL_ASSOCIATION,
            ASSOCIATION,
            launch,
            first=("山西省医学会", ORGANISING),
            specialties=("50",),
            description=(
                "在山西省科学技术协会指导下，由山西省医学会主办，晋中市中医院建设院会合作示范基地并设立专家工作站；"
                "8名专家受聘，启动当日义诊百余人次，并就学科建设进行指导。"
            ),
        )
        self.parties(
            base,
            [
                ("山西省医学会", ORGANISING),
                ("山西省科学技术协会", GUIDING),
                ("晋中市中医院", HOSTING),
                ("晋中市中医院", RECIPIENT),
                ("山西医科大学第一医院", SUPPORTING),
                ("山西省中医院", SUPPORTING),
            ],
        )
        self.agreement(base, "院会合作示范基地共建协议", launch, "山西省医学会；晋中市中医院")
        self.station(
            base,
            StationKind.DEMONSTRATION_BASE,
            "山西省医学会院会合作示范基地（晋中市中医院）",
            "晋中市中医院",
            launch,
            plaque="山西省医学会 院会合作示范基地",
        )
        workstation = self.station(
            base,
            StationKind.EXPERT_WORKSTATION,
            EXPERT_WORKSTATION,
            "晋中市中医院",
            launch,
            plaque="山西省医学会 专家工作站",
        )
        experts = sorted(
            (p for people in group_members("association_experts").values() for p in people),
            key=lambda p: p.license_no,
        )
        self.engage(
            base,
            _chief_first(experts),
            launch,
            station=workstation,
            end_date=date(2028, 4, 17),
            chief=1,
            letter="晋医会聘〔2025〕{n:02d}号",
        )
        self.targets(
            base,
            {
                2025: {M.FREE_CLINIC_PATIENTS: 500, M.LECTURES: 12, M.PEOPLE_TRAINED: 200, M.CLINIC_VISITS: 1200},
                2026: {M.FREE_CLINIC_PATIENTS: 800, M.LECTURES: 16, M.PEOPLE_TRAINED: 300, M.CLINIC_VISITS: 2000},
            },
        )

        county = self.programme(
            ProgrammeKind.COUNTY_ASSOCIATION,
            COUNTY_ASSOCIATION,
            launch,
            first=("山西省医学会", ORGANISING),
            parent=base,
            specialties=("50",),
            description="榆社县中医院建设县会合作示范基地，晋中市中医院示范基地与省医学会专家对口指导。",
        )
        self.parties(
            county,
            [
                ("山西省医学会", ORGANISING),
                ("晋中市中医院", LEAD),
                ("榆社县中医院", HOSTING),
                ("榆社县中医院", RECIPIENT),
            ],
        )
        self.station(
            county,
            StationKind.DEMONSTRATION_BASE,
            "山西省医学会县会合作示范基地（榆社县中医院）",
            "榆社县中医院",
            launch,
            plaque="山西省医学会 县会合作示范基地",
        )
        self.targets(
            county,
            {
                2025: {M.FREE_CLINIC_PATIENTS: 200, M.LECTURES: 6, M.PEOPLE_TRAINED: 80},
                2026: {M.FREE_CLINIC_PATIENTS: 300, M.LECTURES: 8, M.PEOPLE_TRAINED: 120},
            },
        )

    # --- 3. 高平市: orthopaedics alliance and trusteeship ----------------------------------

    def alliance(self) -> None:
        lead = ("山西医科大学第二医院", LEAD, "骨科")
        alliance = self.programme(
            ProgrammeKind.SPECIALTY_ALLIANCE,
            ALLIANCE,
            date(2021, 9, 1),
            first=lead,
            specialties=("04.03",),
            description=(
                "由山西医科大学第二医院国家临床重点专科骨科牵头。3–5年内开展技术帮扶、学科建设、人才培养，"
                "建立区域专科协作机制与疾病防治网络，推进基层首诊、分级诊疗、双向转诊。"
            ),
        )
        self.parties(
            alliance,
            [
                lead,
                ("阳城县人民医院", RECIPIENT, "骨科", date(2021, 9, 1)),
                ("泽州县人民医院", RECIPIENT, "骨科", date(2022, 6, 10)),
                ("沁水县人民医院", RECIPIENT, "骨科", date(2023, 5, 12)),
                ("高平市人民医院", RECIPIENT, "骨科", date(2025, 3, 28)),
            ],
        )
        self.agreement(
            alliance,
            "山西省骨科专科联盟成员单位合作协议（高平市人民医院）",
            date(2025, 3, 28),
            "山西医科大学第二医院骨科；高平市人民医院",
        )
        self.targets(
            alliance,
            {
                2025: {M.PEOPLE_TRAINED: 150, M.LECTURES: 12, M.REFERRALS_UP: 60, M.REFERRALS_DOWN: 40},
                2026: {M.PEOPLE_TRAINED: 200, M.LECTURES: 16, M.REFERRALS_UP: 80, M.REFERRALS_DOWN: 60},
            },
        )

        trust = self.programme(
            ProgrammeKind.TRUSTEESHIP,
            TRUSTEESHIP,
            date(2020, 1, 1),
            first=("山西省人民医院", TRUSTEE),
            description="山西省人民医院全面托管高平市人民医院，派驻管理与技术骨干，提升县域医疗服务能力。",
        )
        self.parties(trust, [("山西省人民医院", TRUSTEE), ("高平市人民医院", TRUSTEED)])
        self.agreement(trust, "高平市人民医院托管协议", date(2019, 12, 20), "山西省人民医院；高平市人民政府")
        self.targets(
            trust,
            {
                2025: {M.PEOPLE_DISPATCHED: 10, M.STATIONED_PERSON_DAYS: 1800, M.NEW_TECHNIQUES: 6, M.SURGERIES: 300},
                2026: {M.PEOPLE_DISPATCHED: 12, M.STATIONED_PERSON_DAYS: 2100, M.NEW_TECHNIQUES: 8, M.SURGERIES: 360},
            },
        )

    # --- 4. 威海市 → 刚察县: cross-province paired assistance --------------------------------

    def weihai(self) -> None:
        weihai = self.programme(
            ProgrammeKind.PAIRED_ASSISTANCE,
            WEIHAI,
            date(2013, 3, 1),
            first=("威海市卫生健康委员会", LEAD),
            specialties=("04.01", "03.02", "05", "32", "26", "21"),
            description=(
                "2013年起威海市累计选派97名卫生专业技术人员驻点帮扶刚察县，接收34名刚察县医务人员挂职学习，"
                "涉及肝胆外科、消化内科、妇产科、肛肠外科、影像、麻醉、康复、护理等专业。"
            ),
        )
        self.parties(
            weihai,
            [
                ("威海市卫生健康委员会", LEAD),
                *(
                    (name, LEAD)
                    for name in ("威海市立医院", "威海市中心医院", "威海市中医院", "威海市妇幼保健院", "威海卫人民医院")
                ),
                ("刚察县卫生健康局", GUIDING),
                ("刚察县人民医院", RECIPIENT),
                ("刚察县藏医院", RECIPIENT),
                ("刚察县妇幼保健计划生育服务中心", RECIPIENT),
                ("刚察县沙柳河镇中心卫生院", RECIPIENT),
            ],
        )
        self.targets(
            weihai,
            {
                2024: {M.PEOPLE_DISPATCHED: 8, M.STATIONED_PERSON_DAYS: 1460, M.PEOPLE_TRAINED: 200},
                2025: {M.PEOPLE_DISPATCHED: 9, M.STATIONED_PERSON_DAYS: 1640, M.PEOPLE_TRAINED: 240},
                2026: {M.PEOPLE_DISPATCHED: 10, M.STATIONED_PERSON_DAYS: 1825, M.PEOPLE_TRAINED: 280},
            },
        )

        signed = date(2025, 6, 18)
        pair = self.programme(
            ProgrammeKind.PAIRED_ASSISTANCE,
            WEIHAI_HOSPITALS,
            signed,
            first=("威海卫人民医院", LEAD),
            parent=weihai,
            description="刚察县代表团赴威海考察五天、走访五家医院，两家人民医院签订对口帮扶协议。",
        )
        self.parties(pair, [("威海卫人民医院", LEAD), ("刚察县人民医院", RECIPIENT)])
        self.agreement(pair, f"{WEIHAI_HOSPITALS}书", signed, "威海卫人民医院；刚察县人民医院")
        self.targets(
            pair,
            {
                2025: {M.PEOPLE_DISPATCHED: 3, M.STATIONED_PERSON_DAYS: 540, M.PEOPLE_TRAINED: 60},
                2026: {M.PEOPLE_DISPATCHED: 4, M.STATIONED_PERSON_DAYS: 720, M.PEOPLE_TRAINED: 80},
            },
        )

    # --- 5. 福清市医院: training placements and famous-doctor workstations ------------------

    def fuqing(self) -> None:
        start = date(2021, 3, 1)
        shanghai = ("沪东医学院附属中山医院", "沪东医学院附属妇产科医院", "沪东医学院附属儿科医院")
        fuqing = self.programme(
            ProgrammeKind.CO_CONSTRUCTION,
            FUQING,
            start,
            first=(shanghai[0], LEAD),
            specialties=("32.05", "04.01", "05.02"),
            description=(
                "福清市医院选派12名骨干赴沪东医学院附属医院进修一年，每人配备同专业挂钩领导，建立职业规划与个人成长档案；"
                "2021年起合作方在福清市医院设立三个名医工作站，持续开展线上课程与专家现场带教。"
            ),
        )
        self.parties(
            fuqing,
            [(shanghai[0], LEAD), *((name, SUPPORTING) for name in shanghai[1:]), ("福清市医院", RECIPIENT)],
        )
        self.agreement(
            fuqing, "人才培养合作协议", start, "沪东医学院附属中山医院；沪东医学院附属妇产科医院；福清市医院"
        )
        mentors = group_members("shanghai_mentors")
        for spec in FUQING_STATIONS:
            station = self.station(
                fuqing,
                StationKind.FAMOUS_DOCTOR_WORKSTATION,
                spec.name,
                "福清市医院",
                spec.opened_on,
                department=spec.department,
                plaque=f"{spec.mentor_home} 福清市医院{spec.name}",
            )
            pool = mentors.get(spec.mentor_home, [])
            chosen = [p for p in pool if _in(p, spec.department)] or pool[:1]
            self.engage(
                fuqing,
                _chief_first(chosen)[: spec.mentors],
                spec.opened_on,
                station=station,
                chief=1,
                letter=f"沪东福聘〔{spec.opened_on.year}〕{{n:02d}}号",
            )
        self.targets(
            fuqing,
            {
                2025: {M.PEOPLE_TRAINED: 12, M.LECTURES: 20, M.CLINIC_VISITS: 3000, M.SURGERIES: 150},
                2026: {M.PEOPLE_TRAINED: 15, M.LECTURES: 24, M.CLINIC_VISITS: 3600, M.SURGERIES: 180},
            },
        )

    # --- find or create ------------------------------------------------------------------

    def institution(self, name: str) -> Institution:
        if name not in self._institutions:
            self._institutions[name] = _institution(name)
        return self._institutions[name]

    def department(self, institution: Institution, name: str | None) -> Department | None:
        if name is None:
            return None
        department = Department.objects.filter(institution=institution, name=name).first()
        if department is None:
            raise LookupError(f"department {institution.name}·{name} is missing from the directory demo")
        return department

    def _party_data(self, spec: tuple[Any, ...]) -> services.PartyData:
        name, role, *rest = spec
        institution = self.institution(name)
        department = self.department(institution, rest[0] if rest else None)
        joined_on = rest[1] if len(rest) > 1 else None
        return services.PartyData(institution=institution, role=role, department=department, joined_on=joined_on)

    def programme(
        self,
        kind: str,
        name: str,
        start: date,
        *,
        first: tuple[Any, ...],
        parent: Programme | None = None,
        specialties: Sequence[str] = (),
        description: str = "",
    ) -> Programme:
        existing = Programme.objects.filter(name=name).order_by("pk").first()
        if existing is not None:
            return existing
        data = services.ProgrammeData(
            kind=kind,
            name=name,
            start_date=start,
            parent=parent,
            description=description,
            specialties=list(Specialty.objects.filter(code__in=specialties)),
        )
        programme = services.programme_create(actor=self.actor, data=data, first_party=self._party_data(first))
        self.report.programmes += 1
        self.report.parties += 1
        return programme

    def parties(self, programme: Programme, specs: Iterable[tuple[Any, ...]]) -> None:
        existing: set[tuple[int, int | None, str]] = set(
            programme.parties.values_list("institution_id", "department_id", "role")
        )
        for spec in specs:
            data = self._party_data(spec)
            key = (data.institution.pk, data.department.pk if data.department else None, data.role)
            if key in existing:
                continue
            services.party_add(actor=self.actor, programme=programme, data=data)
            existing.add(key)
            self.report.parties += 1

    def agreement(self, programme: Programme, title: str, signed_on: date, signatories: str) -> None:
        if programme.agreements.filter(title=title).exists():
            return
        data = services.AgreementData(title=title, signed_on=signed_on, signatories=signatories)
        services.agreement_add(actor=self.actor, programme=programme, data=data)
        self.report.agreements += 1

    def targets(self, programme: Programme, targets: Targets) -> None:
        existing = set(programme.targets.values_list("year", "metric"))
        for year, values in targets.items():
            for metric, value in values.items():
                if (year, metric) in existing:
                    continue  # kept as it is, even if someone changed the value since
                services.target_set(actor=self.actor, programme=programme, year=year, metric=metric, value=value)
                self.report.targets += 1

    def station(
        self,
        programme: Programme,
        kind: str,
        name: str,
        host: str,
        opened_on: date,
        *,
        department: str | None = None,
        plaque: str = "",
    ) -> Station:
        existing = programme.stations.filter(name=name).first()
        if existing is not None:
            return existing
        institution = self.institution(host)
        data = services.StationData(
            programme=programme,
            kind=kind,
            name=name,
            host=institution,
            opened_on=opened_on,
            host_department=self.department(institution, department),
            plaque_text=plaque,
        )
        station = services.station_create(actor=self.actor, data=data)
        self.report.stations += 1
        return station

    def engage(
        self,
        programme: Programme,
        people: Sequence[Professional],
        start: date,
        *,
        letter: str,
        first_number: int = 1,
        station: Station | None = None,
        end_date: date | None = None,
        chief: int = 0,
    ) -> None:
        """Appoint ``people`` from ``start``; the first ``chief`` of them as chief experts.
        ``letter`` is the pattern of the letter numbers, ``{n}`` counting from ``first_number``."""
        existing = set(
            Engagement.objects.filter(programme=programme, station=station, start_date=start).values_list(
                "professional_id", flat=True
            )
        )
        for i, person in enumerate(people):
            if person.pk in existing:
                continue
            data = services.EngagementData(
                professional=person,
                programme=programme,
                station=station,
                start_date=start,
                end_date=end_date,
                role=EngagementRole.CHIEF if i < chief else EngagementRole.MEMBER,
                letter_no=letter.format(n=first_number + i),
            )
            services.engagement_create(actor=self.actor, data=data)
            self.report.engagements += 1


def _chief_first(people: Sequence[Professional]) -> list[Professional]:
    """``people`` with the first 主任医师 among them moved to the front: the chief expert."""
    chief = next((p for p in people if p.title is not None and p.title.code == "231"), None)
    return [chief, *(p for p in people if p is not chief)] if chief else list(people)


def _in(person: Professional, department: str) -> bool:
    return person.department is not None and person.department.name == department


def seed_programmes(actor: Any) -> ProgrammeReport:
    return ProgrammeSeeder(actor).run()
