"""Actors and an alliance for the referral tests.

The orthopaedics alliance: a provincial university hospital (三级甲等, 太原) leads,
a county-level city hospital (二级甲等, 高平) is a member. The 晋城市 officer is
over the county side; the 长治市 officer and the 太原市中心医院 administrator
(``outsider``) have nothing to do with either referral.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from medbridge.accounts.models import Role, User
from medbridge.directory.models import HospitalGrade, Institution, Professional
from medbridge.programmes import services as programme_services
from medbridge.programmes.models import PartyRole, Programme, ProgrammeKind
from medbridge.referrals import services
from medbridge.referrals.models import Referral
from tests.factories import DepartmentFactory, InstitutionFactory, ProfessionalFactory, UserFactory, region

PATIENT = {"initials": "ZSF", "record_no": "GP20250001", "reason": "股骨颈骨折需髋关节置换"}


@pytest.fixture(autouse=True)
def _media_in_tmp_and_fast_hashing(settings: Any, tmp_path: Any) -> None:
    # Attachments must not land in the developer's var/media. Password hashing is
    # not under test here, and Argon2 for five actors per test is most of the set-up.
    settings.MEDIA_ROOT = tmp_path
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def lead(db: None) -> Institution:
    return InstitutionFactory(name="山西医科大学第二医院", region=region("140106"))


@pytest.fixture
def county(db: None) -> Institution:
    return InstitutionFactory(
        name="高平市人民医院", region=region("140581"), grade=HospitalGrade.objects.get(code="2A")
    )


@pytest.fixture
def alliance(sysadmin: User, lead: Institution, county: Institution) -> Programme:
    programme = programme_services.programme_create(
        actor=sysadmin,
        data=programme_services.ProgrammeData(
            kind=ProgrammeKind.SPECIALTY_ALLIANCE, name="山西省骨科专科联盟", start_date=date(2021, 9, 1)
        ),
        first_party=programme_services.PartyData(institution=lead, role=PartyRole.LEAD),
    )
    programme_services.party_add(
        actor=sysadmin,
        programme=programme,
        data=programme_services.PartyData(institution=county, role=PartyRole.RECIPIENT),
    )
    return programme


@pytest.fixture
def lead_admin(lead: Institution) -> User:
    return UserFactory(username="lead_admin", role=Role.INSTITUTION_ADMIN, institution=lead)


@pytest.fixture
def county_admin(county: Institution) -> User:
    return UserFactory(username="county_admin", role=Role.INSTITUTION_ADMIN, institution=county)


@pytest.fixture
def county_doctor(county: Institution) -> User:
    person = ProfessionalFactory(name="赵骨科", institution=county)
    return UserFactory(username="county_doctor", role=Role.PROFESSIONAL, professional=person)


@pytest.fixture
def county_officer(db: None) -> User:
    return UserFactory(username="jincheng_officer", role=Role.COMMISSION_OFFICER, region=region("140500"))


@pytest.fixture
def lead_expert(lead: Institution) -> Professional:
    return ProfessionalFactory(name="钱专家", institution=lead)


def referral_data(sender: Institution, receiver: Institution, **extra: Any) -> services.ReferralData:
    values: dict[str, Any] = {
        "from_institution": sender,
        "to_institution": receiver,
        "patient_initials": PATIENT["initials"],
        "patient_sex": "1",
        "patient_age_band": "60-74",
        "patient_record_no": PATIENT["record_no"],
        "reason": PATIENT["reason"],
        "diagnosis_code": "S72.001",
    }
    return services.ReferralData(**{**values, **extra})


@pytest.fixture
def referral(alliance: Programme, county_admin: User, county: Institution, lead: Institution) -> Referral:
    """An upward referral the county sent to the lead hospital."""
    DepartmentFactory(institution=lead, name="骨科")
    return services.referral_create(actor=county_admin, data=referral_data(county, lead))
