"""Actors and records for the activity tests.

长治市 (140400) keeps a hometown network. Its people working in 北京 and 广州 are
in the pool of the 长治 officer; a 长治-born doctor working in 长治 is not (they
are at home), nor is a 太原-born doctor in 北京. The 太原 officer sees none of them.
"""

from __future__ import annotations

from datetime import date

import pytest

from medbridge.accounts.models import Role, User
from medbridge.activities import services
from medbridge.activities.models import Activity, ActivityKind, HostRole
from medbridge.directory.models import Institution, Professional
from tests.factories import InstitutionFactory, ProfessionalFactory, UserFactory, region, specialty, title


@pytest.fixture
def beijing_hospital(db: None) -> Institution:
    return InstitutionFactory(name="首都医科大学附属京华医院", region=region("110102"))


@pytest.fixture
def guangzhou_hospital(db: None) -> Institution:
    return InstitutionFactory(name="广州南粤医院", region=region("440104"))


def _person(name: str, institution: Institution, *, home: str, title_code: str, specialty_code: str) -> Professional:
    return ProfessionalFactory(
        name=name,
        institution=institution,
        home_region=region(home),
        title=title(title_code),
        specialty=specialty(specialty_code),
    )


@pytest.fixture
def hometown(
    hospital_a: Institution, beijing_hospital: Institution, guangzhou_hospital: Institution
) -> dict[str, Professional]:
    """Named people, each a case of the pool and of the cardiology search."""
    return {
        # 长治-born, in 北京, cardiology, 副主任医师 and up: what the search asks for.
        "match_chief": _person("申晋华", beijing_hospital, home="140403", title_code="231", specialty_code="03.04"),
        "match_deputy": _person("郜立新", beijing_hospital, home="140425", title_code="232", specialty_code="03.04"),
        # In the pool but not the search: too junior; wrong specialty; works in 广州.
        "junior": _person("秦晓峰", beijing_hospital, home="140404", title_code="233", specialty_code="03.04"),
        "neurologist": _person("常海燕", beijing_hospital, home="140426", title_code="231", specialty_code="03.03"),
        "guangzhou": _person("连振东", guangzhou_hospital, home="140428", title_code="231", specialty_code="03.04"),
        # Not in the pool at all: born in 太原; works at home in 长治.
        "taiyuan_born": _person("阎振宇", beijing_hospital, home="140105", title_code="231", specialty_code="03.04"),
        "at_home": _person("牛建国", hospital_a, home="140423", title_code="231", specialty_code="03.04"),
    }


@pytest.fixture
def taiyuan_officer(db: None) -> User:
    return UserFactory(username="taiyuan_officer", role=Role.COMMISSION_OFFICER, region=region("140100"))


@pytest.fixture
def symposium(city_officer: User, hospital_a: Institution) -> Activity:
    return services.activity_create(
        actor=city_officer,
        data=services.ActivityData(
            kind=ActivityKind.SYMPOSIUM,
            title="春节在外长治籍医疗卫生人才座谈会",
            start_date=date(2026, 2, 19),
            hosts=[services.HostData(hospital_a, HostRole.HOST)],
            venue=hospital_a,
            attendance_count=60,
        ),
    )
