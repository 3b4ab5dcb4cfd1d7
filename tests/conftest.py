"""Shared actors for every test.

Two prefectures of Shanxi: 长治市 (140400), where hospital A stands, and 太原市
(140100), where hospital B stands. An officer of 长治市 must see A and not B; the
administrator of A must not see B's people; the auditor sees only the audit log.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from importlib import import_module
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.test import Client
from django.utils import translation

from medbridge.accounts.models import Role, User
from medbridge.directory import services
from medbridge.directory.models import Institution, Professional
from medbridge.programmes import services as programme_services
from medbridge.programmes.models import PartyRole, Programme, ProgrammeKind
from tests.browser import page  # noqa: F401  (the browser fixture, for every test folder)
from tests.factories import PASSWORD, InstitutionFactory, ProfessionalFactory, UserFactory, region


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: Any, django_db_blocker: Any) -> None:
    # The shipped reference data is part of the product; load the real thing once.
    with django_db_blocker.unblock():
        services.reference_load()


@pytest.fixture
def hospital_a(db: None) -> Institution:
    return InstitutionFactory(name="长治市人民医院", region=region("140400"))


@pytest.fixture
def hospital_b(db: None) -> Institution:
    return InstitutionFactory(name="太原市中心医院", region=region("140100"))


@pytest.fixture
def doctor_a(hospital_a: Institution) -> Professional:
    return ProfessionalFactory(name="李明", institution=hospital_a, phone="13812345678")


@pytest.fixture
def doctor_b(hospital_b: Institution) -> Professional:
    return ProfessionalFactory(name="王芳", institution=hospital_b, phone="13987654321")


@pytest.fixture
def sysadmin(db: None) -> User:
    return UserFactory(username="sysadmin", role=Role.SYSTEM_ADMIN, is_superuser=True, is_staff=True)


@pytest.fixture
def auditor(db: None) -> User:
    return UserFactory(username="auditor", role=Role.AUDITOR)


@pytest.fixture
def city_officer(db: None) -> User:
    return UserFactory(username="changzhi_officer", role=Role.COMMISSION_OFFICER, region=region("140400"))


@pytest.fixture
def admin_a(hospital_a: Institution) -> User:
    return UserFactory(username="admin_a", role=Role.INSTITUTION_ADMIN, institution=hospital_a)


@pytest.fixture
def outsider(hospital_b: Institution) -> User:
    """The administrator of hospital B: signed in, but A is none of their business."""
    return UserFactory(username="admin_b", role=Role.INSTITUTION_ADMIN, institution=hospital_b)


# Across provinces: a Shandong city hospital assists a Qinghai county hospital; a
# Fujian county-level city hospital stands outside both scopes.
@pytest.fixture
def weihai_hospital(db: None) -> Institution:
    return InstitutionFactory(name="威海市立医院", region=region("371002"))


@pytest.fixture
def gangcha_hospital(db: None) -> Institution:
    return InstitutionFactory(name="刚察县人民医院", region=region("632224"))


@pytest.fixture
def fuqing_hospital(db: None) -> Institution:
    return InstitutionFactory(name="福清市医院", region=region("350181"))


@pytest.fixture
def weihai_admin(weihai_hospital: Institution) -> User:
    return UserFactory(username="weihai_admin", role=Role.INSTITUTION_ADMIN, institution=weihai_hospital)


@pytest.fixture
def gangcha_admin(gangcha_hospital: Institution) -> User:
    return UserFactory(username="gangcha_admin", role=Role.INSTITUTION_ADMIN, institution=gangcha_hospital)


@pytest.fixture
def fuqing_admin(fuqing_hospital: Institution) -> User:
    return UserFactory(username="fuqing_admin", role=Role.INSTITUTION_ADMIN, institution=fuqing_hospital)


@pytest.fixture
def gangcha_officer(db: None) -> User:
    return UserFactory(username="gangcha_officer", role=Role.COMMISSION_OFFICER, region=region("632224"))


@pytest.fixture
def weihai_officer(db: None) -> User:
    return UserFactory(username="weihai_officer", role=Role.COMMISSION_OFFICER, region=region("371000"))


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def login() -> Any:
    return signed_in


@pytest.fixture
def password() -> str:
    return PASSWORD


@pytest.fixture(autouse=True)
def _fast_password_hashing(request: Any, settings: Any) -> None:
    # Argon2 is deliberately slow and dominated the set-up of tests that create a
    # few users each; only the accounts tests, which are about passwords, keep it.
    if "tests/accounts" not in str(request.node.path):
        settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _default_language() -> Iterator[None]:
    # A test that renders in English (or a request with Accept-Language: en) leaves
    # the thread's language active; the next test must start in Chinese again.
    translation.activate(django_settings.LANGUAGE_CODE)
    yield
    translation.activate(django_settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _reference_survives_flushes(request: Any) -> None:
    # Transactional tests (the browser, threads) end with a flush that empties
    # every table, the reference data included; put it back for the next one.
    marker = request.node.get_closest_marker("django_db")
    transactional = bool(marker and marker.kwargs.get("transaction"))
    if transactional or {"transactional_db", "live_server"} & set(request.fixturenames):
        request.getfixturevalue("transactional_db")
        from medbridge.directory.models import Region

        if not Region.objects.exists():
            services.reference_load()
            # The evaluation form's criteria come from a data migration, which a flush empties too.
            from django.apps import apps

            import_module("medbridge.postings.migrations.0002_default_criteria").add_defaults(apps, None)


@pytest.fixture
def paired_programme(weihai_admin: User, weihai_hospital: Institution, gangcha_hospital: Institution) -> Programme:
    programme = programme_services.programme_create(
        actor=weihai_admin,
        data=programme_services.ProgrammeData(
            kind=ProgrammeKind.PAIRED_ASSISTANCE, name="威海—刚察对口帮扶", start_date=date(2013, 3, 1)
        ),
        first_party=programme_services.PartyData(institution=weihai_hospital, role=PartyRole.LEAD),
    )
    programme_services.party_add(
        actor=weihai_admin,
        programme=programme,
        data=programme_services.PartyData(institution=gangcha_hospital, role=PartyRole.RECIPIENT),
    )
    return programme
