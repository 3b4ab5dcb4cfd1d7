"""A 2026 training round of the Weihai–Gangcha programme: two Weihai departments
(one place each) and three Gangcha doctors who want them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest

from medbridge.accounts.models import User
from medbridge.directory.models import Department, Institution, Professional
from medbridge.planning import services
from medbridge.planning.models import Application, MatchingRound, RankingRule, RoundDepartment, RoundKind
from medbridge.programmes.models import Programme
from tests.factories import DepartmentFactory, ProfessionalFactory, title


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
