"""A Shandong city hospital (威海市立医院) stations doctors in a Qinghai county
hospital (刚察县人民医院) and receives its staff for attachment; both sit in one
paired-assistance programme run by the Weihai side. The 威海市 officer approves
the programme's batches."""

from __future__ import annotations

from datetime import date

import pytest

from medbridge.accounts.models import User
from medbridge.directory.models import Department, Institution, Professional
from medbridge.postings import services
from medbridge.postings.models import Posting, PostingKind
from medbridge.programmes.models import Programme
from tests.factories import DepartmentFactory, ProfessionalFactory, specialty


@pytest.fixture
def paired(paired_programme: Programme) -> Programme:
    return paired_programme


@pytest.fixture
def weihai_surgery(weihai_hospital: Institution) -> Department:
    return DepartmentFactory(institution=weihai_hospital, name="肝胆外科", specialty=specialty("04.01"))


@pytest.fixture
def gangcha_surgery(gangcha_hospital: Institution) -> Department:
    return DepartmentFactory(institution=gangcha_hospital, name="肝胆外科", specialty=specialty("04.01"))


@pytest.fixture
def surgeon(weihai_hospital: Institution, weihai_surgery: Department) -> Professional:
    return ProfessionalFactory(name="孙立", institution=weihai_hospital, department=weihai_surgery)


@pytest.fixture
def county_doctor(gangcha_hospital: Institution, gangcha_surgery: Department) -> Professional:
    return ProfessionalFactory(name="马成", institution=gangcha_hospital, department=gangcha_surgery)


@pytest.fixture
def mentor(weihai_hospital: Institution, weihai_surgery: Department) -> Professional:
    return ProfessionalFactory(name="周主任", institution=weihai_hospital, department=weihai_surgery)


@pytest.fixture
def liaison(gangcha_hospital: Institution) -> Professional:
    return ProfessionalFactory(name="韩院长", institution=gangcha_hospital)


def stationed_data(
    programme: Programme, person: Professional, host: Institution, start: date, end: date, **extra: object
) -> services.PostingData:
    assert person.institution is not None
    return services.PostingData(
        professional=person,
        programme=programme,
        kind=extra.pop("kind", PostingKind.STATIONED),  # type: ignore[arg-type]
        home_institution=person.institution,
        home_department=person.department,
        host_institution=host,
        planned_start=start,
        planned_end=end,
        **extra,  # type: ignore[arg-type]
    )


@pytest.fixture
def stationed(
    weihai_admin: User,
    paired: Programme,
    surgeon: Professional,
    gangcha_hospital: Institution,
    gangcha_surgery: Department,
) -> Posting:
    data = stationed_data(
        paired, surgeon, gangcha_hospital, date(2024, 3, 1), date(2024, 8, 31), host_department=gangcha_surgery
    )
    return services.posting_create(actor=weihai_admin, data=data)
