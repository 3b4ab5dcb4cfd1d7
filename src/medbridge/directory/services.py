"""Writes to the directory. Pages, the API, the importer and the CLI all call these,
so each rule (unique names, valid phone and ID numbers, scope) lives here once."""

from __future__ import annotations

import re
from dataclasses import dataclass, fields
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models.functions import Lower
from django.utils.translation import gettext as _

from medbridge.accounts import access
from medbridge.accounts.audit import acting_as
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
from medbridge.pii import keyed_hash

MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")
LANDLINE_RE = re.compile(r"^0\d{2,3}-?\d{7,8}$")
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK = "10X98765432"
# WS 218 categories that are graded under the hospital grading scheme: hospitals (A),
# township centres (C, 一级), maternal-child (G) and disease-control hospitals (H).
GRADED_CATEGORY_PREFIXES = ("A", "C", "G", "H")


def data_values(data: Any, *, exclude: set[str] | None = None) -> dict[str, Any]:
    """A service data object's fields as keyword arguments for a model."""
    return {f.name: getattr(data, f.name) for f in fields(data) if f.name not in (exclude or set())}


def assign(instance: Any, data: Any, *, exclude: set[str] | None = None) -> None:
    """Copies a service data object's fields onto the model instance it updates."""
    for name, value in data_values(data, exclude=exclude).items():
        setattr(instance, name, value)


class Errors:
    """Collects field errors so a form shows all of them at once, not the first."""

    def __init__(self) -> None:
        self.by_field: dict[str, list[str]] = {}

    def add(self, field: str, message: str) -> None:
        self.by_field.setdefault(field, []).append(message)

    def raise_if_any(self) -> None:
        if self.by_field:
            raise ValidationError(self.by_field)


# --- Institutions -------------------------------------------------------------


@dataclass
class InstitutionData:
    name: str
    category: InstitutionCategory
    region: Region
    grade: HospitalGrade | None = None
    short_name: str = ""
    parent: Institution | None = None
    address: str = ""
    longitude: float | None = None
    latitude: float | None = None


def institution_validate(data: InstitutionData, *, instance: Institution | None = None) -> None:
    errors = Errors()
    data.name = data.name.strip()
    if not data.name:
        errors.add("name", _("请填写机构名称"))
    elif _institution_name_taken(data.name, instance):
        errors.add("name", _("已存在同名机构“%(name)s”") % {"name": data.name})
    if data.grade is not None and not data.category.code.startswith(GRADED_CATEGORY_PREFIXES):
        errors.add("grade", _("“%(category)s”类机构不评定医院等级") % {"category": data.category.name})
    if data.parent is not None and instance is not None and _is_ancestor(instance, data.parent):
        errors.add("parent", _("上级机构不能是本机构或其下属机构"))
    _validate_coordinates(errors, data.longitude, data.latitude)
    errors.raise_if_any()


def _institution_name_taken(name: str, instance: Institution | None) -> bool:
    qs = Institution.objects.annotate(lname=Lower("name")).filter(lname=name.lower())
    if instance is not None:
        qs = qs.exclude(pk=instance.pk)
    return qs.exists()


def _is_ancestor(institution: Institution, candidate: Institution | None) -> bool:
    seen = 0
    while candidate is not None and seen < 50:
        if candidate.pk == institution.pk:
            return True
        candidate, seen = candidate.parent, seen + 1
    return False


def _validate_coordinates(errors: Errors, longitude: float | None, latitude: float | None) -> None:
    if (longitude is None) != (latitude is None):
        errors.add("longitude", _("经度和纬度需同时填写"))
    if longitude is not None and not 73 <= longitude <= 136:
        errors.add("longitude", _("经度应在 73 到 136 之间"))
    if latitude is not None and not 3 <= latitude <= 54:
        errors.add("latitude", _("纬度应在 3 到 54 之间"))


def institution_create(*, actor: Any, data: InstitutionData) -> Institution:
    access.require_can_manage_region(actor, data.region)
    institution_validate(data)
    with transaction.atomic(), acting_as(actor):
        institution = Institution(**_as_dict(data))
        institution.save()
    return institution


def institution_update(*, actor: Any, institution: Institution, data: InstitutionData) -> Institution:
    access.require_can_manage_institution(actor, institution)
    if data.region != institution.region:
        access.require_can_manage_region(actor, data.region)
    institution_validate(data, instance=institution)
    with transaction.atomic(), acting_as(actor):
        _assign(institution, data)
        institution.save()
    return institution


def institution_find(name: str) -> Institution | None:
    return Institution.objects.annotate(lname=Lower("name")).filter(lname=name.strip().lower()).first()


# --- Departments --------------------------------------------------------------


@dataclass
class DepartmentData:
    institution: Institution
    name: str
    specialty: Specialty | None = None


def department_validate(data: DepartmentData, *, instance: Department | None = None) -> None:
    errors = Errors()
    data.name = data.name.strip()
    if not data.name:
        errors.add("name", _("请填写科室名称"))
    else:
        clash = Department.objects.filter(institution=data.institution, name=data.name)
        if instance is not None:
            clash = clash.exclude(pk=instance.pk)
        if clash.exists():
            errors.add("name", _("该机构已有名为“%(name)s”的科室") % {"name": data.name})
    errors.raise_if_any()


def department_create(*, actor: Any, data: DepartmentData) -> Department:
    access.require_can_manage_institution(actor, data.institution)
    department_validate(data)
    with transaction.atomic(), acting_as(actor):
        department = Department(**_as_dict(data))
        department.save()
    return department


def department_update(*, actor: Any, department: Department, data: DepartmentData) -> Department:
    access.require_can_manage_institution(actor, department.institution)
    access.require_can_manage_institution(actor, data.institution)
    department_validate(data, instance=department)
    with transaction.atomic(), acting_as(actor):
        _assign(department, data)
        department.save()
    return department


# --- Professionals ------------------------------------------------------------


@dataclass
class ProfessionalData:
    name: str
    sex: str = Sex.UNSTATED
    title: ProfessionalTitle | None = None
    profession: str = Profession.PHYSICIAN
    specialty: Specialty | None = None
    institution: Institution | None = None
    department: Department | None = None
    home_region: Region | None = None
    license_no: str = ""
    phone: str = ""
    introduction: str = ""
    # None leaves a stored ID number as it is; "" removes it.
    id_number: str | None = None


# Fields a professional may change on their own record; the rest is the employer's.
SELF_EDITABLE = {"phone", "introduction"}


def normalise_phone(raw: str) -> str:
    return re.sub(r"[\s()]", "", raw or "")


def id_number_is_valid(value: str) -> bool:
    """GB 11643-1999: 17 digits and a check character (digit or X)."""
    if not re.fullmatch(r"\d{17}[\dX]", value):
        return False
    total = sum(int(d) * w for d, w in zip(value[:17], ID_WEIGHTS, strict=True))
    return ID_CHECK[total % 11] == value[17]


def professional_validate(data: ProfessionalData, *, instance: Professional | None = None) -> None:
    errors = Errors()
    data.name = data.name.strip()
    data.phone = normalise_phone(data.phone)
    data.license_no = data.license_no.strip()
    if not data.name:
        errors.add("name", _("请填写姓名"))
    elif len(data.name) > 40:
        errors.add("name", _("姓名不能超过 40 个字"))
    if data.sex not in Sex.values:
        errors.add("sex", _("性别代码应为 0、1、2 或 9（GB/T 2261.1）"))
    if data.profession not in Profession.values:
        errors.add("profession", _("未知的专业类别"))
    if data.phone and not (MOBILE_RE.match(data.phone) or LANDLINE_RE.match(data.phone)):
        errors.add("phone", _("手机号码格式不正确，应为 11 位手机号或带区号的固定电话"))
    if data.department is not None and data.department.institution_id != getattr(data.institution, "pk", None):
        errors.add("department", _("科室不属于所选工作单位"))
    _validate_unique_identifiers(errors, data, instance)
    errors.raise_if_any()


def _validate_unique_identifiers(errors: Errors, data: ProfessionalData, instance: Professional | None) -> None:
    others = Professional.objects.exclude(pk=instance.pk) if instance else Professional.objects.all()
    if data.license_no and others.filter(license_no=data.license_no).exists():
        errors.add("license_no", _("执业证书编码已被其他人员使用"))
    if data.id_number:
        data.id_number = data.id_number.strip().upper()
        if not id_number_is_valid(data.id_number):
            errors.add("id_number", _("身份证号码无效（应为 18 位，末位校验码正确）"))
        elif others.filter(id_number_hash=keyed_hash(data.id_number)).exists():
            errors.add("id_number", _("该身份证号码已登记在其他人员名下"))


def professional_create(*, actor: Any, data: ProfessionalData) -> Professional:
    if data.institution is None:
        if not access.is_system_admin(actor):
            raise ValidationError({"institution": [_("请选择工作单位")]})
    else:
        access.require_can_manage_institution(actor, data.institution)
    professional_validate(data)
    with transaction.atomic(), acting_as(actor):
        professional = Professional()
        _assign_professional(professional, data)
        professional.save()
    return professional


def professional_update(*, actor: Any, professional: Professional, data: ProfessionalData) -> Professional:
    access.require_can_edit_professional(actor, professional)
    if access.is_self(actor, professional):
        _refuse_employer_fields(professional, data)
    elif data.institution is not None and data.institution != professional.institution:
        access.require_can_manage_institution(actor, data.institution)
    professional_validate(data, instance=professional)
    with transaction.atomic(), acting_as(actor):
        _assign_professional(professional, data)
        professional.save()
    return professional


def _refuse_employer_fields(professional: Professional, data: ProfessionalData) -> None:
    changed = [f.name for f in fields(data) if f.name not in SELF_EDITABLE and _differs(professional, data, f.name)]
    if changed:
        raise ValidationError({name: [_("该项由所在机构维护，本人不能修改")] for name in changed})


def _differs(professional: Professional, data: ProfessionalData, name: str) -> bool:
    if name == "id_number":
        return data.id_number is not None
    return bool(getattr(professional, name) != getattr(data, name))


def _assign_professional(professional: Professional, data: ProfessionalData) -> None:
    values = _as_dict(data)
    id_number = values.pop("id_number")
    for name, value in values.items():
        setattr(professional, name, value)
    if id_number is not None:
        professional.id_number_hash = keyed_hash(id_number) if id_number else ""
        professional.id_number_last4 = id_number[-4:] if id_number else ""


def professionals_matching(*, name: str, institution: Institution | None, license_no: str = "") -> list[Professional]:
    """Natural-key lookup used by the importer: licence number first, else name at the institution."""
    if license_no:
        return list(Professional.objects.filter(license_no=license_no.strip()))
    return list(Professional.objects.filter(name=name.strip(), institution=institution))


# --- helpers ------------------------------------------------------------------


def _as_dict(data: Any) -> dict[str, Any]:
    return {f.name: getattr(data, f.name) for f in fields(data)}


def _assign(instance: Any, data: Any) -> None:
    for name, value in _as_dict(data).items():
        setattr(instance, name, value)


# --- Reference data -----------------------------------------------------------


@dataclass(frozen=True)
class ReferenceCounts:
    regions: int
    specialties: int
    categories: int
    grades: int
    titles: int


def reference_load() -> ReferenceCounts:
    """Create or update the shipped reference tables; running it twice changes nothing."""
    from medbridge.directory import reference as ref

    category_codes = {r.code for r in ref.institution_categories()}
    with transaction.atomic():
        return ReferenceCounts(
            regions=_upsert(
                Region,
                [
                    {
                        "code": r.code,
                        "name": r.name,
                        "level": r.level,
                        "parent": r.parent_code,
                        "longitude": r.longitude,
                        "latitude": r.latitude,
                    }
                    for r in ref.regions()
                ],
            ),
            specialties=_upsert(
                Specialty,
                [{"code": r.code, "name": r.name, "note": r.note, "parent": r.parent_code} for r in ref.specialties()],
            ),
            categories=_upsert(
                InstitutionCategory,
                [
                    {"code": r.code, "name": r.name, "parent": _category_parent(r.code, category_codes)}
                    for r in ref.institution_categories()
                ],
            ),
            grades=_upsert(
                HospitalGrade,
                [{"code": r.code, "name": r.name, "rank": 100 - i} for i, r in enumerate(ref.hospital_grades())],
            ),
            titles=_upsert(
                ProfessionalTitle,
                [{"code": r.code, "name": r.name, "profession": r.profession, "level": r.level} for r in ref.titles()],
            ),
        )


def _category_parent(code: str, codes: set[str]) -> str | None:
    # WS 218 codes nest by prefix: A511 sits under A5, which sits under A.
    for length in range(len(code) - 1, 0, -1):
        if code[:length] in codes:
            return code[:length]
    return None


def _upsert(model: Any, rows: list[dict[str, Any]]) -> int:
    """Insert missing rows and update changed ones by ``code``, then link parents."""
    fields_ = [k for k in rows[0] if k not in ("code", "parent")]
    existing = {o.code: o for o in model.objects.all()}
    model.objects.bulk_create(
        [model(code=r["code"], **{f: r[f] for f in fields_}) for r in rows if r["code"] not in existing],
        batch_size=500,
    )
    changed = [o for r in rows if (o := existing.get(r["code"])) and _refresh(o, r, fields_)]
    model.objects.bulk_update(changed, fields_, batch_size=500)
    if "parent" in rows[0]:
        _link_parents(model, {r["code"]: r["parent"] for r in rows})
    return len(rows)


def _refresh(obj: Any, row: dict[str, Any], names: list[str]) -> bool:
    stale = [n for n in names if getattr(obj, n) != row[n]]
    for n in stale:
        setattr(obj, n, row[n])
    return bool(stale)


def _link_parents(model: Any, parent_of: dict[str, str | None]) -> None:
    pk_of = dict(model.objects.values_list("code", "pk"))
    stale = []
    for obj in model.objects.only("pk", "code", "parent_id"):
        wanted = pk_of.get(parent_of.get(obj.code) or "")
        if obj.code in parent_of and obj.parent_id != wanted:
            obj.parent_id = wanted
            stale.append(obj)
    model.objects.bulk_update(stale, ["parent"], batch_size=500)
