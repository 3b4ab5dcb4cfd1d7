"""factory-boy factories. Reference rows (regions, titles …) come from the shipped
reference data loaded once per test database; factories look them up by code."""

from __future__ import annotations

from typing import Any

import factory
from factory.django import DjangoModelFactory

from medbridge.accounts.models import Role, User
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

PASSWORD = "correct horse battery staple"


def region(code: str) -> Region:
    return Region.objects.get(code=code)


def title(code: str) -> ProfessionalTitle:
    return ProfessionalTitle.objects.get(code=code)


def specialty(code: str) -> Specialty:
    return Specialty.objects.get(code=code)


class InstitutionFactory(DjangoModelFactory):  # type: ignore[misc]
    class Meta:
        model = Institution

    name = factory.Sequence(lambda n: f"测试第{n}人民医院")
    category = factory.LazyFunction(lambda: InstitutionCategory.objects.get(code="A1"))
    grade = factory.LazyFunction(lambda: HospitalGrade.objects.get(code="3A"))
    region = factory.LazyFunction(lambda: Region.objects.get(code="140400"))


class DepartmentFactory(DjangoModelFactory):  # type: ignore[misc]
    class Meta:
        model = Department

    institution = factory.SubFactory(InstitutionFactory)
    name = factory.Sequence(lambda n: f"第{n}科")


class ProfessionalFactory(DjangoModelFactory):  # type: ignore[misc]
    class Meta:
        model = Professional

    name = factory.Sequence(lambda n: f"测试人员{n}")
    sex = "1"
    institution = factory.SubFactory(InstitutionFactory)
    title = factory.LazyFunction(lambda: ProfessionalTitle.objects.get(code="233"))
    phone = factory.Sequence(lambda n: f"139{n:08d}")


class UserFactory(DjangoModelFactory):  # type: ignore[misc]
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    role = Role.PROFESSIONAL

    @factory.post_generation  # type: ignore[misc]
    def password(self: User, create: bool, extracted: Any, **kwargs: Any) -> None:
        self.set_password(extracted or PASSWORD)
        if create:
            self.save()


def _next_week() -> Any:
    from datetime import timedelta

    from django.utils import timezone

    return timezone.localdate() + timedelta(days=7)


def _clock(hour: int) -> Any:
    from datetime import time

    return time(hour, 0)


class ClinicSessionFactory(DjangoModelFactory):  # type: ignore[misc]
    """A public clinic next week, 08:00–12:00, 20 places."""

    class Meta:
        model = "clinics.ClinicSession"

    expert = factory.SubFactory(ProfessionalFactory)
    host = factory.SubFactory(InstitutionFactory)
    kind = "clinic"
    date = factory.LazyFunction(_next_week)
    start_time = factory.LazyFunction(lambda: _clock(8))
    end_time = factory.LazyFunction(lambda: _clock(12))
    capacity = 20
