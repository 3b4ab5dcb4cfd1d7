"""A Changzhi cardiology alliance with two experts and a county department asking
for visits; and a 2026 training round of the Weihai–Gangcha programme: two Weihai departments
(one place each) and three Gangcha doctors who want them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest

from medbridge.accounts.models import User
from medbridge.directory.models import Department, Institution, Professional
from medbridge.planning import services
from medbridge.planning.models import Application, MatchingRound, RankingRule, RoundDepartment, RoundKind
from medbridge.programmes import services as programme_services
from medbridge.programmes.models import PartyRole, Programme, ProgrammeKind
from tests.factories import DepartmentFactory, InstitutionFactory, ProfessionalFactory, region, specialty, title


@dataclass
class Round:
    round: MatchingRound
    cardiology: RoundDepartment
    surgery: RoundDepartment
    senior: Professional
    middle: Professional
    junior: Professional


def open_round(actor: User, programme: Programme) -> MatchingRound:
    return services.round_open(
        actor=actor,
        data=services.RoundData(
            programme=programme,
            kind=RoundKind.TRAINING,
            title="2026年度进修",
            placement_start=date(2026, 9, 1),
            placement_end=date(2027, 2, 28),
        ),
    )


def apply(actor: User, round_: MatchingRound, person: Professional, *choices: RoundDepartment) -> Application:
    data = services.ApplicationData(
        professional=person, home_institution=person.institution, years_of_service=5, choices=list(choices)
    )
    return services.application_add(actor=actor, round_=round_, data=data)


@pytest.fixture
def weihai_departments(weihai_hospital: Institution) -> tuple[Department, Department]:
    return DepartmentFactory(institution=weihai_hospital, name="心内科"), DepartmentFactory(
        institution=weihai_hospital, name="普外科"
    )


@pytest.fixture
def training_round(
    weihai_admin: User,
    paired_programme: Programme,
    gangcha_hospital: Institution,
    weihai_departments: tuple[Department, Department],
) -> Round:
    round_ = open_round(weihai_admin, paired_programme)
    cardio, surgery = (
        services.round_department_add(actor=weihai_admin, round_=round_, department=d, quota=1, rule=RankingRule.TITLE)
        for d in weihai_departments
    )
    senior = ProfessionalFactory(name="马主任", institution=gangcha_hospital, title=title("232"))
    middle = ProfessionalFactory(name="韩医生", institution=gangcha_hospital, title=title("233"))
    junior = ProfessionalFactory(name="才让", institution=gangcha_hospital, title=title("234"))
    apply(weihai_admin, round_, junior, cardio, surgery)
    apply(weihai_admin, round_, senior, cardio)
    apply(weihai_admin, round_, middle, cardio, surgery)
    return Round(round_, cardio, surgery, senior, middle, junior)


@pytest.fixture
def county_cardiology(db: None) -> Department:
    county = InstitutionFactory(name="长子县人民医院", region=region("140428"))
    return DepartmentFactory(institution=county, name="心内科", specialty=specialty("03.04"))


@pytest.fixture
def alliance(admin_a: User, hospital_a: Institution, county_cardiology: Department) -> Programme:
    programme = programme_services.programme_create(
        actor=admin_a,
        data=programme_services.ProgrammeData(
            kind=ProgrammeKind.MEDICAL_ALLIANCE, name="长治市心血管专科联盟", start_date=date(2024, 1, 1)
        ),
        first_party=programme_services.PartyData(institution=hospital_a, role=PartyRole.LEAD),
    )
    programme_services.party_add(
        actor=admin_a,
        programme=programme,
        data=programme_services.PartyData(institution=county_cardiology.institution, role=PartyRole.RECIPIENT),
    )
    for name in ("赵心", "钱诚"):
        expert = ProfessionalFactory(name=name, institution=hospital_a, specialty=specialty("03.04"))
        programme_services.engagement_create(
            actor=admin_a,
            data=programme_services.EngagementData(
                professional=expert, programme=programme, start_date=date(2024, 1, 1)
            ),
        )
    return programme


def with_demand(admin_a: User, programme: Programme, department: Department) -> None:
    for code, weight in (("03.04", 3), ("04.01", 2)):
        services.host_demand_add(
            actor=admin_a,
            programme=programme,
            data=services.DemandData(
                department=department, specialty=specialty(code), sessions_per_week=1, weight=weight
            ),
        )
