"""The directory part of the demo: the institutions and people behind the five
programmes of the brief. Everything is written through the directory services, so
the demo obeys the same rules as real data and shows up in the audit log."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any

from medbridge.demo.names import NameMaker
from medbridge.directory import selectors, services
from medbridge.directory.models import (
    Department,
    HospitalGrade,
    Institution,
    InstitutionCategory,
    Professional,
    ProfessionalTitle,
    Region,
    Specialty,
)

# Departments used by the demo, as (department name, catalogue code); None = nursing.
DEPT: dict[str, str | None] = {
    "呼吸内科": "03.01",
    "消化内科": "03.02",
    "神经内科": "03.03",
    "心血管内科": "03.04",
    "内分泌科": "03.07",
    "普通外科": "04.01",
    "肝胆外科": "04.01",
    "肛肠外科": "04.01",
    "神经外科": "04.02",
    "骨科": "04.03",
    "泌尿外科": "04.04",
    "胸外科": "04.05",
    "妇产科": "05",
    "妇科": "05.01",
    "产科": "05.02",
    "儿科": "07",
    "眼科": "10",
    "肿瘤科": "19",
    "康复医学科": "21",
    "麻醉科": "26",
    "医学影像科": "32",
    "超声医学科": "32.05",
    "中医科": "50",
    "护理部": None,
}
SENIOR = ("231", "232")  # 主任医师, 副主任医师
CLINICAL = ("231", "232", "233", "234")
NURSING = ("251", "252", "253", "254")


@dataclass(frozen=True)
class Place:
    name: str
    category: str  # WS 218 code or name
    grade: str | None
    region: str  # GB/T 2260 code
    region_name: str  # fallback when a code changed in a later edition
    parent: str | None = None
    departments: tuple[str, ...] = ()


@dataclass(frozen=True)
class Group:
    """A batch of people at one institution."""

    institution: str
    count: int
    departments: tuple[str, ...]
    titles: tuple[str, ...] = CLINICAL
    home_regions: tuple[str, ...] = ()
    label: str = ""


@dataclass
class SeedReport:
    institutions: int = 0
    professionals: int = 0
    groups: dict[str, int] = field(default_factory=dict)


H, TCM, MCH = "A1", "A2", "G1"
COMMISSION, MEDICAL_ASSOCIATION, SCIENCE_ASSOCIATION, TOWNSHIP = "X1", "Q2", "X2", "C210"

PLACES: list[Place] = [
    # 1. Hometown talent and flexible introduction — 长治市, 山西
    Place("长治市卫生健康委员会", COMMISSION, None, "140400", "长治市"),
    Place(
        "长治市人民医院",
        H,
        "3A",
        "140403",
        "潞州区",
        departments=("心血管内科", "神经内科", "骨科", "普通外科", "儿科", "肿瘤科", "医学影像科"),
    ),
    Place(
        "长治医学院附属和平医院",
        H,
        "3A",
        "140403",
        "潞州区",
        departments=("心血管内科", "呼吸内科", "神经外科", "妇产科"),
    ),
    Place("长治市心血管病培训中心", H, None, "140403", "潞州区", parent="长治市人民医院"),
    Place("长治市潞城区人民医院", H, "2A", "140406", "潞城区", departments=("普通外科", "心血管内科")),
    Place("长治市屯留区人民医院", H, "2A", "140405", "屯留区", departments=("普通外科", "儿科")),
    Place("国家心血管病中心医院", H, "3A", "110105", "朝阳区", departments=("心血管内科", "胸外科")),
    Place(
        "首都医科大学附属京华医院",
        H,
        "3A",
        "110102",
        "西城区",
        departments=("心血管内科", "神经内科", "骨科", "呼吸内科", "消化内科", "肿瘤科"),
    ),
    Place(
        "北京协济医院", H, "3A", "110101", "东城区", departments=("内分泌科", "眼科", "泌尿外科", "儿科", "神经外科")
    ),
    Place("北京中医药大学附属东方医院", TCM, "3A", "110108", "海淀区", departments=("中医科", "康复医学科")),
    Place(
        "上海申江医院",
        H,
        "3A",
        "310104",
        "徐汇区",
        departments=("心血管内科", "消化内科", "骨科", "肿瘤科", "普通外科"),
    ),
    Place("上海仁济东院", H, "3A", "310101", "黄浦区", departments=("泌尿外科", "妇产科", "神经内科", "眼科")),
    Place("广州南粤医院", H, "3A", "440104", "越秀区", departments=("呼吸内科", "肿瘤科", "骨科", "儿科", "内分泌科")),
    Place(
        "广州珠江医科大学附属第一医院", H, "3A", "440104", "越秀区", departments=("神经外科", "心血管内科", "消化内科")
    ),
    Place(
        "山西省人民医院",
        H,
        "3A",
        "140105",
        "小店区",
        departments=("心血管内科", "骨科", "呼吸内科", "普通外科", "神经内科"),
    ),
    # 2. Hospital–association cooperation — 晋中市, 山西
    Place("山西省科学技术协会", SCIENCE_ASSOCIATION, None, "140106", "迎泽区"),
    Place("山西省医学会", MEDICAL_ASSOCIATION, None, "140106", "迎泽区"),
    Place(
        "山西医科大学第一医院", H, "3A", "140106", "迎泽区", departments=("消化内科", "内分泌科", "神经内科", "儿科")
    ),
    Place("山西省中医院", TCM, "3A", "140106", "迎泽区", departments=("中医科", "康复医学科", "骨科")),
    Place("晋中市中医院", TCM, "3A", "140702", "榆次区", departments=("中医科", "骨科", "康复医学科", "心血管内科")),
    Place("榆社县中医院", TCM, "2A", "140721", "榆社县", departments=("中医科", "康复医学科")),
    # 3. Specialty alliance — 高平市 (晋城), 山西
    Place("山西医科大学第二医院", H, "3A", "140106", "迎泽区", departments=("骨科", "神经外科", "泌尿外科")),
    Place(
        "高平市人民医院",
        H,
        "2A",
        "140581",
        "高平市",
        parent="山西省人民医院",
        departments=("骨科", "普通外科", "麻醉科", "康复医学科"),
    ),
    Place("阳城县人民医院", H, "2A", "140522", "阳城县", departments=("骨科",)),
    Place("泽州县人民医院", H, "2B", "140525", "泽州县", departments=("骨科",)),
    Place("沁水县人民医院", H, "2B", "140521", "沁水县", departments=("骨科",)),
    # 4. Cross-province paired assistance — 威海市 → 刚察县
    Place("威海市卫生健康委员会", COMMISSION, None, "371000", "威海市"),
    Place(
        "威海市立医院",
        H,
        "3A",
        "371002",
        "环翠区",
        departments=("肝胆外科", "消化内科", "妇产科", "医学影像科", "麻醉科", "护理部"),
    ),
    Place(
        "威海市中心医院",
        H,
        "3A",
        "371002",
        "环翠区",
        departments=("肝胆外科", "肛肠外科", "麻醉科", "康复医学科", "护理部"),
    ),
    Place("威海市中医院", TCM, "3A", "371002", "环翠区", departments=("肛肠外科", "康复医学科", "护理部")),
    Place("威海市妇幼保健院", MCH, "3A", "371002", "环翠区", departments=("妇产科", "护理部")),
    Place("威海卫人民医院", H, "2A", "371002", "环翠区", departments=("医学影像科", "消化内科", "护理部")),
    Place("刚察县卫生健康局", COMMISSION, None, "632224", "刚察县"),
    Place(
        "刚察县人民医院",
        H,
        "2B",
        "632224",
        "刚察县",
        departments=("肝胆外科", "消化内科", "妇产科", "肛肠外科", "医学影像科", "麻醉科", "康复医学科", "护理部"),
    ),
    Place("刚察县藏医院", H, "2C", "632224", "刚察县", parent="刚察县人民医院", departments=("康复医学科", "护理部")),
    Place(
        "刚察县妇幼保健计划生育服务中心",
        MCH,
        None,
        "632224",
        "刚察县",
        parent="刚察县人民医院",
        departments=("妇产科",),
    ),
    Place(
        "刚察县沙柳河镇中心卫生院", TOWNSHIP, None, "632224", "刚察县", parent="刚察县人民医院", departments=("护理部",)
    ),
    Place("刚察县哈尔盖镇卫生院", "C220", None, "632224", "刚察县", parent="刚察县人民医院", departments=("护理部",)),
    # 5. Training placements — 福清市 → 上海
    Place(
        "福清市医院",
        H,
        "3B",
        "350181",
        "福清市",
        departments=("超声医学科", "肝胆外科", "产科", "心血管内科", "麻醉科", "儿科", "医学影像科", "护理部"),
    ),
    Place(
        "沪东医学院附属中山医院",
        H,
        "3A",
        "310104",
        "徐汇区",
        departments=("超声医学科", "肝胆外科", "心血管内科", "麻醉科", "医学影像科"),
    ),
    Place("沪东医学院附属妇产科医院", H, "3A", "310101", "黄浦区", departments=("产科", "妇科", "护理部")),
    Place("沪东医学院附属儿科医院", H, "3A", "310104", "徐汇区", departments=("儿科",)),
]

CHANGZHI_HOMES = (
    "140403",
    "140404",
    "140405",
    "140406",
    "140423",
    "140425",
    "140426",
    "140427",
    "140428",
    "140429",
    "140430",
    "140431",
)
EXPERT_SOURCES = (
    ("首都医科大学附属京华医院", 48),
    ("北京协济医院", 40),
    ("国家心血管病中心医院", 25),
    ("北京中医药大学附属东方医院", 15),
    ("上海申江医院", 35),
    ("上海仁济东院", 25),
    ("广州南粤医院", 25),
    ("广州珠江医科大学附属第一医院", 20),
)  # 233 visiting experts in all

GROUPS: list[Group] = [
    *(Group(src, n, (), SENIOR, label="visiting_experts") for src, n in EXPERT_SOURCES),
    Group("首都医科大学附属京华医院", 12, (), SENIOR, CHANGZHI_HOMES, "hometown_talent"),
    Group("广州南粤医院", 8, (), CLINICAL, CHANGZHI_HOMES, "hometown_talent"),
    Group("山西省人民医院", 10, (), CLINICAL, CHANGZHI_HOMES, "hometown_talent"),
    Group("长治市人民医院", 40, ()),
    Group("长治医学院附属和平医院", 20, ()),
    Group("山西医科大学第一医院", 4, (), SENIOR, label="association_experts"),
    Group("山西省中医院", 4, (), SENIOR, label="association_experts"),
    Group("晋中市中医院", 25, ()),
    Group("山西医科大学第二医院", 15, ("骨科",), SENIOR, label="alliance_lead"),
    Group("高平市人民医院", 20, ()),
    *(Group(h, 5, ("骨科",)) for h in ("阳城县人民医院", "泽州县人民医院", "沁水县人民医院")),
    Group("威海市立医院", 30, (), label="weihai_dispatch"),
    Group("威海市中心医院", 25, (), label="weihai_dispatch"),
    Group("威海市中医院", 15, (), label="weihai_dispatch"),
    Group("威海市妇幼保健院", 12, (), label="weihai_dispatch"),
    Group("威海卫人民医院", 15, (), label="weihai_dispatch"),
    Group("刚察县人民医院", 30, (), label="gangcha_staff"),
    Group("刚察县藏医院", 4, (), label="gangcha_staff"),
    Group("刚察县妇幼保健计划生育服务中心", 3, (), label="gangcha_staff"),
    Group("刚察县沙柳河镇中心卫生院", 3, (), NURSING, label="gangcha_staff"),
    Group("福清市医院", 12, ("超声医学科", "肝胆外科", "产科"), ("233", "234", "253"), label="fuqing_trainees"),
    Group("福清市医院", 12, (), SENIOR, label="fuqing_leaders"),
    Group("福清市医院", 40, ()),
    Group("沪东医学院附属中山医院", 12, (), SENIOR, label="shanghai_mentors"),
    Group("沪东医学院附属妇产科医院", 6, (), SENIOR, label="shanghai_mentors"),
]


class Seeder:
    """Creates the demo directory idempotently: what exists (by natural key) is kept."""

    def __init__(self, actor: Any, seed: int = 2026) -> None:
        self.actor = actor
        self.rng = random.Random(seed)
        self.names = NameMaker(seed)
        self.report = SeedReport()
        self.serial = 0

    def run(self) -> SeedReport:
        for place in PLACES:
            self._institution(place)
        for group in GROUPS:
            self._group(group)
        return self.report

    # --- institutions -------------------------------------------------------

    def _institution(self, place: Place) -> Institution:
        institution = services.institution_find(place.name)
        if institution is None:
            data = services.InstitutionData(
                name=place.name,
                category=_reference(InstitutionCategory, place.category),
                grade=HospitalGrade.objects.filter(code=place.grade).first() if place.grade else None,
                region=_region(place.region, place.region_name),
                parent=services.institution_find(place.parent) if place.parent else None,
            )
            institution = services.institution_create(actor=self.actor, data=data)
            self.report.institutions += 1
        for name in place.departments:
            self._department(institution, name)
        return institution

    def _department(self, institution: Institution, name: str) -> Department:
        existing = Department.objects.filter(institution=institution, name=name).first()
        if existing:
            return existing
        code = DEPT[name]
        specialty = Specialty.objects.filter(code=code).first() if code else None
        data = services.DepartmentData(institution=institution, name=name, specialty=specialty)
        return services.department_create(actor=self.actor, data=data)

    # --- people ---------------------------------------------------------------

    def _group(self, group: Group) -> None:
        institution = services.institution_find(group.institution)
        assert institution is not None, group.institution
        departments = [self._department(institution, d) for d in group.departments] or list(
            institution.departments.all()
        )
        for _ in range(group.count):
            self._person(institution, group, self.rng.choice(departments) if departments else None)
        if group.label:
            self.report.groups[group.label] = self.report.groups.get(group.label, 0) + group.count

    def _person(self, institution: Institution, group: Group, department: Department | None) -> Professional:
        self.serial += 1
        license_no = f"1{institution.region.code}{self.serial:08d}"
        name = self.names()
        existing = Professional.objects.filter(license_no=license_no).first()
        if existing:
            return existing
        nurse = department is not None and department.specialty is None
        titles = NURSING if nurse else group.titles
        home = self.rng.choice(group.home_regions) if group.home_regions else institution.region.code
        title = ProfessionalTitle.objects.get(code=self.rng.choice(titles))
        data = services.ProfessionalData(
            name=name,
            sex=self.rng.choice(("1", "2")),
            profession=title.profession,
            title=title,
            specialty=department.specialty if department else None,
            institution=institution,
            department=department,
            home_region=selectors.region_lookup(home),
            license_no=license_no,
            phone=f"1{self.rng.choice('35789')}{self.rng.randrange(10**9):09d}",
        )
        self.report.professionals += 1
        return services.professional_create(actor=self.actor, data=data)


def _reference(model: Any, code_or_name: str) -> Any:
    row = selectors.code_or_name_lookup(model, code_or_name)
    if row is None:
        raise LookupError(f"{model.__name__} {code_or_name!r} is missing; run `medbridge load-reference` first")
    return row


def _region(code: str, name: str) -> Region:
    region = Region.objects.filter(code=code).first() or selectors.region_lookup(name)
    if region is None:
        raise LookupError(f"region {code} {name} is missing; run `medbridge load-reference` first")
    return region
