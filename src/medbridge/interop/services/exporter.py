"""Exporting the part of the directory a user can see, in the import format.

The export is written so that importing it back changes nothing: reference values
are written as names only where the importer's lookup finds that same row by the
name (else as codes), parents come before the institutions that name them, and a
phone the user may not see is left empty — which the importer reads as "keep".
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from openpyxl import Workbook

from medbridge.accounts import access
from medbridge.directory import selectors
from medbridge.directory.models import Department, Institution, Professional, Region
from medbridge.interop.services.workbook import (
    DEPARTMENTS,
    INSTITUTIONS,
    PROFESSIONALS,
    build_workbook,
    profession_labels,
    sex_labels,
)

Cells = list[Any]


class Labels:
    """How to write a reference row so that the importer finds it again."""

    def __init__(self) -> None:
        self._seen: dict[tuple[type[Any], int], str] = {}
        self.sexes = sex_labels()
        self.professions = profession_labels()

    def of(self, obj: Any) -> str:
        if obj is None:
            return ""
        key = (type(obj), obj.pk)
        if key not in self._seen:
            self._seen[key] = obj.name if self._finds(obj) else obj.code
        return self._seen[key]

    @staticmethod
    def _finds(obj: Any) -> bool:
        if isinstance(obj, Region):
            return selectors.region_lookup(obj.name) == obj
        return bool(selectors.code_or_name_lookup(type(obj), obj.name) == obj)


def export_workbook(user: Any) -> Workbook:
    labels = Labels()
    return build_workbook(
        {
            INSTITUTIONS: (_institution_row(i, labels) for i in _institutions_parents_first(user)),
            DEPARTMENTS: (_department_row(d, labels) for d in _departments(user)),
            PROFESSIONALS: _professional_rows(user, labels),
        }
    )


def _institutions_parents_first(user: Any) -> list[Institution]:
    # The importer resolves 上级机构 as it goes, so a parent must come first.
    parent_of = dict(Institution.objects.values_list("pk", "parent_id"))

    def depth(pk: int | None) -> int:
        steps = 0
        while pk is not None and steps < 50:
            pk, steps = parent_of.get(pk), steps + 1
        return steps

    return sorted(access.institutions_visible_to(user), key=lambda i: (depth(i.parent_id), i.name))


def _institution_row(institution: Institution, labels: Labels) -> Cells:
    return [
        institution.name,
        institution.short_name,
        labels.of(institution.category),
        labels.of(institution.grade),
        labels.of(institution.region),
        institution.parent.name if institution.parent else "",
        institution.address,
        institution.longitude,
        institution.latitude,
    ]


def _departments(user: Any) -> Iterator[Department]:
    return iter(access.departments_visible_to(user).order_by("institution__name", "name"))


def _department_row(department: Department, labels: Labels) -> Cells:
    return [department.institution.name, department.name, labels.of(department.specialty)]


def _professional_rows(user: Any, labels: Labels) -> Iterator[Cells]:
    may_see_phone = access.personal_data_checker(user)
    # 工作单位 is required by the format; people without an employer are a
    # system administrator's edge case and cannot be written back from a sheet.
    people = access.professionals_visible_to(user).filter(institution__isnull=False)
    for person in people.order_by("institution__name", "name", "id"):
        yield _professional_row(person, labels, phone=person.phone if may_see_phone(person) else "")


def _professional_row(person: Professional, labels: Labels, *, phone: str) -> Cells:
    assert person.institution is not None  # filtered above
    return [
        person.name,
        labels.sexes.get(person.sex, person.sex),
        labels.professions.get(person.profession, person.profession),
        labels.of(person.title),
        labels.of(person.specialty),
        person.institution.name,
        person.department.name if person.department else "",
        labels.of(person.home_region),
        person.license_no,
        phone,
        "",  # ID numbers are never stored, so never exported
        person.introduction,
    ]
