"""One workbook row → one directory record, through the directory's own services.

Each ``upsert_*`` finds the record by its natural key, builds the same data object
the pages build, and calls the create or update service only when something
differs — so re-importing a file writes nothing and leaves no audit entries.
Problems found while reading the row are raised together as ``RowProblems``;
the services' own ValidationError and PermissionDenied pass through.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, fields
from datetime import date, datetime
from enum import StrEnum
from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from medbridge.accounts import access
from medbridge.directory import selectors, services
from medbridge.directory.models import (
    Department,
    HospitalGrade,
    Institution,
    InstitutionCategory,
    Profession,
    Professional,
    ProfessionalTitle,
    Region,
    Sex,
    Specialty,
)
from medbridge.interop.services.reader import SheetRow
from medbridge.interop.services.workbook import profession_labels, sex_labels
from medbridge.pii import keyed_hash

Ref = TypeVar("Ref")
# GB/T 2261.1 itself names the values 男性 and 女性; people write either.
SEX_ALIASES = {"男性": Sex.MALE.value, "女性": Sex.FEMALE.value}


class Outcome(StrEnum):
    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"


@dataclass
class Batch:
    """The file being imported, as a row sees it: who imports it and all its rows
    (a new programme takes its first managing party from the 参与方 sheet), plus
    what earlier rows did that later ones need to know."""

    actor: Any
    rows: list[SheetRow] = field(default_factory=list)
    # Parties created together with their programme by a 项目 row, by pk → the
    # 参与方 row they were taken from; that row then counts them as its own.
    first_parties: dict[int, int] = field(default_factory=dict)

    def rows_of(self, sheet: str) -> list[SheetRow]:
        return [row for row in self.rows if row.spec.title == sheet]


_DATE = re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})")
# The largest integer every column of an import holds (a 32-bit signed integer).
MAX_INTEGER = 2**31 - 1


class RowProblems(Exception):
    """Everything wrong with one row, as (column header, message) pairs."""

    def __init__(self, problems: list[tuple[str, str]]) -> None:
        super().__init__("; ".join(m for _h, m in problems))
        self.problems = problems


class RowReader:
    """Turns a row's cells into typed values, collecting every problem it meets
    so the user sees all of a row's mistakes at once."""

    def __init__(self, actor: Any, row: SheetRow) -> None:
        self.actor, self.row = actor, row
        self.problems: list[tuple[str, str]] = []

    def add(self, header: str, message: str) -> None:
        self.problems.append((header, message))

    def fail(self) -> RowProblems:
        return RowProblems(self.problems or [(self.row.spec.scope_header, _("该行无法导入"))])

    def text(self, header: str) -> str:
        return self.row.text(header)

    def required(self, header: str) -> str:
        value = self.text(header)
        if not value:
            self.add(header, _("请填写“%(header)s”") % {"header": header})
        return value

    def number(self, header: str) -> float | None:
        value = self.row.values.get(header)
        if isinstance(value, int | float) and not isinstance(value, bool):
            return float(value)
        text = self.text(header)
        try:
            return float(text) if text else None
        except ValueError:
            self.add(header, _("“%(header)s”应为数字") % {"header": header})
            return None

    def integer(self, header: str, *, required: bool = False) -> int | None:
        text = self.required(header) if required else self.text(header)
        if not text:
            return None
        number = self.number(header)
        if number is None:
            return None
        if not number.is_integer():
            self.add(header, _("“%(header)s”应为整数") % {"header": header})
            return None
        if abs(number) > MAX_INTEGER:
            # Larger than any column holds; the database driver would raise, not refuse.
            self.add(header, _("“%(header)s”数值过大") % {"header": header})
            return None
        return int(number)

    def date(self, header: str, *, required: bool = False) -> date | None:
        """A date typed as YYYY-MM-DD, or an Excel date cell."""
        value = self.row.values.get(header)
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, date):
            return value
        text = self.required(header) if required else self.text(header)
        if not text:
            return None
        match = _DATE.fullmatch(text)
        try:
            if match is None:
                raise ValueError(text)
            return date(*(int(part) for part in match.groups()))
        except ValueError:
            self.add(header, _("“%(header)s”应为 YYYY-MM-DD 格式的日期，如 2025-03-01") % {"header": header})
            return None

    def reference(self, model: type[Ref], header: str, *, required: bool = False) -> Ref | None:
        text = self.required(header) if required else self.text(header)
        found: Ref | None = selectors.code_or_name_lookup(model, text) if text else None
        if text and found is None:
            self.add(header, _("找不到“%(value)s”，请填写代码或准确名称") % {"value": text})
        return found

    def region(self, header: str, *, required: bool = False) -> Region | None:
        text = self.required(header) if required else self.text(header)
        found = selectors.region_lookup(text) if text else None
        if text and found is None:
            self.add(header, _("找不到地区“%(value)s”，请填写区划代码或不重名的地区名称") % {"value": text})
        return found

    def institution(
        self, header: str, *, required: bool = False, also: Institution | None = None
    ) -> Institution | None:
        """An institution named in the row, if the actor may see it (``also`` is let
        through regardless: the value already stored, which is not the user's choice)."""
        text = self.required(header) if required else self.text(header)
        found = services.institution_find(text) if text else None
        if found is not None and found != also and not _visible(self.actor, found):
            found = None
        if text and found is None:
            self.add(header, _("找不到机构“%(value)s”，或您无权访问该机构") % {"value": text})
        return found

    def choice(self, header: str, labels: dict[str, str], current: str, aliases: dict[str, str] | None = None) -> str:
        """A coded value given as its word or its code; empty keeps ``current``."""
        text = self.text(header)
        if not text:
            return current
        by_label = (aliases or {}) | {label: value for value, label in labels.items()}
        value = by_label.get(text, text if text in labels else None)
        if value is None:
            self.add(
                header, _("“%(header)s”应为：%(choices)s") % {"header": header, "choices": "、".join(labels.values())}
            )
            return current
        return value


def _visible(actor: Any, institution: Institution) -> bool:
    return access.institutions_visible_to(actor).filter(pk=institution.pk).exists()


def _differs(instance: Any, data: Any, *, skip: tuple[str, ...] = ()) -> bool:
    return any(getattr(instance, f.name) != getattr(data, f.name) for f in fields(data) if f.name not in skip)


# --- 机构 -----------------------------------------------------------------------


def upsert_institution(actor: Any, row: SheetRow) -> Outcome:
    reader = RowReader(actor, row)
    name = reader.required("机构名称")
    existing = services.institution_find(name) if name else None
    if existing is not None and not _visible(actor, existing):
        access.require_can_manage_institution(actor, existing)
    data = _institution_data(reader, name, existing)
    if existing is None:
        _create_institution(actor, data)
        return Outcome.CREATED
    if not _differs(existing, data):
        return Outcome.UNCHANGED
    services.institution_update(actor=actor, institution=existing, data=data)
    return Outcome.UPDATED


def _create_institution(actor: Any, data: services.InstitutionData) -> None:
    try:
        services.institution_create(actor=actor, data=data)
    except PermissionDenied as error:
        # Creating is refused for the region ("您无权在…登记机构"), so point there.
        raise RowProblems([("所在地区", str(error))]) from error


def _institution_data(reader: RowReader, name: str, existing: Institution | None) -> services.InstitutionData:
    category = reader.reference(InstitutionCategory, "机构类别", required=True)
    region = reader.region("所在地区", required=True)
    grade = reader.reference(HospitalGrade, "医院等级")
    parent = reader.institution("上级机构", also=existing.parent if existing else None)
    longitude, latitude = reader.number("经度"), reader.number("纬度")
    if reader.problems or category is None or region is None:
        raise reader.fail()
    return services.InstitutionData(
        name=name,
        category=category,
        region=region,
        grade=grade,
        short_name=reader.text("简称"),
        parent=parent,
        address=reader.text("地址"),
        longitude=longitude,
        latitude=latitude,
    )


# --- 科室 -----------------------------------------------------------------------


def upsert_department(actor: Any, row: SheetRow) -> Outcome:
    reader = RowReader(actor, row)
    institution = reader.institution("机构名称", required=True)
    name = reader.required("科室名称")
    specialty = reader.reference(Specialty, "诊疗科目")
    if reader.problems or institution is None:
        raise reader.fail()
    data = services.DepartmentData(institution=institution, name=name, specialty=specialty)
    existing = access.departments_visible_to(actor).filter(institution=institution, name=name).first()
    if existing is None:
        services.department_create(actor=actor, data=data)
        return Outcome.CREATED
    if not _differs(existing, data):
        return Outcome.UNCHANGED
    services.department_update(actor=actor, department=existing, data=data)
    return Outcome.UPDATED


# --- 人员 -----------------------------------------------------------------------


def upsert_professional(actor: Any, row: SheetRow) -> Outcome:
    reader = RowReader(actor, row)
    name = reader.required("姓名")
    institution = reader.institution("工作单位", required=True)
    existing = _find_professional(reader, name, institution) if name and institution else None
    data = _professional_data(reader, name, institution, existing)
    if existing is None:
        services.professional_create(actor=actor, data=data)
        return Outcome.CREATED
    if data.id_number is None and not _differs(existing, data, skip=("id_number",)):
        return Outcome.UNCHANGED
    services.professional_update(actor=actor, professional=existing, data=data)
    return Outcome.UPDATED


def _find_professional(reader: RowReader, name: str, institution: Institution) -> Professional | None:
    license_no = reader.text("执业证书编码")
    matches = services.professionals_matching(name=name, institution=institution, license_no=license_no)
    if license_no and not matches:
        # The file may be adding a licence number to someone registered without one.
        matches = [p for p in services.professionals_matching(name=name, institution=institution) if not p.license_no]
    if len(matches) > 1:
        reader.add(
            "执业证书编码",
            _("“%(institution)s”有多名叫“%(name)s”的人员，请填写执业证书编码以区分")
            % {"institution": institution.name, "name": name},
        )
        return None
    found = matches[0] if matches else None
    if found is not None and not access.professionals_visible_to(reader.actor).filter(pk=found.pk).exists():
        reader.add("执业证书编码", _("该执业证书编码已登记在您无权管理的人员名下"))
        return None
    return found


def _professional_data(
    reader: RowReader, name: str, institution: Institution | None, existing: Professional | None
) -> services.ProfessionalData:
    data = services.ProfessionalData(
        name=name,
        sex=reader.choice("性别", sex_labels(), existing.sex if existing else Sex.UNSTATED, SEX_ALIASES),
        title=reader.reference(ProfessionalTitle, "职称"),
        profession=reader.choice(
            "专业类别", profession_labels(), existing.profession if existing else Profession.PHYSICIAN
        ),
        specialty=reader.reference(Specialty, "专业"),
        institution=institution,
        department=_department(reader, institution),
        home_region=reader.region("籍贯"),
        license_no=reader.text("执业证书编码"),
        # An empty phone keeps the stored one: exports leave the phones the
        # exporting user may not see empty, and re-importing must not erase them.
        phone=services.normalise_phone(reader.text("手机号码")) or (existing.phone if existing else ""),
        introduction=reader.text("简介"),
        id_number=_id_number(reader.text("身份证号码"), existing),
    )
    if reader.problems:
        raise reader.fail()
    return data


def _department(reader: RowReader, institution: Institution | None) -> Department | None:
    name = reader.text("科室")
    if not name or institution is None:
        return None
    found = access.departments_visible_to(reader.actor).filter(institution=institution, name=name).first()
    if found is None:
        reader.add(
            "科室",
            _("“%(institution)s”没有名为“%(name)s”的科室，可先在“科室”表中添加")
            % {"institution": institution.name, "name": name},
        )
    return found


def _id_number(text: str, existing: Professional | None) -> str | None:
    """None when there is nothing to change: an empty cell, or the number already on file."""
    if not text:
        return None
    if existing is not None and existing.id_number_hash and keyed_hash(text) == existing.id_number_hash:
        return None
    return text.upper()
