"""Reads of the directory, always through the access module's scoped querysets."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet

from medbridge.accounts import access
from medbridge.directory.models import Department, Institution, Professional, Region

User = access.Actor


@dataclass(frozen=True)
class InstitutionFilter:
    q: str = ""
    region: str = ""  # a GB/T 2260 code; matches the region and everything inside it
    category: str = ""
    grade: str = ""


@dataclass(frozen=True)
class ProfessionalFilter:
    q: str = ""
    institution: int | None = None
    title: str = ""
    specialty: str = ""  # a catalogue code; "03" also matches "03.01"
    home_region: str = ""


def region_prefix(code: str) -> str:
    region = Region.objects.filter(code=code).first()
    return region.scope_prefix if region else code


def institution_list(user: User, f: InstitutionFilter) -> QuerySet[Institution]:
    qs = access.institutions_visible_to(user)
    if f.q:
        qs = qs.filter(Q(name__icontains=f.q) | Q(short_name__icontains=f.q) | Q(address__icontains=f.q))
    if f.region:
        qs = qs.filter(region__code__startswith=region_prefix(f.region))
    if f.category:
        qs = qs.filter(category__code__startswith=f.category)
    if f.grade:
        qs = qs.filter(grade__code=f.grade)
    return qs.annotate(staff_count=Count("staff", distinct=True)).order_by("region__code", "name")


def professional_list(user: User, f: ProfessionalFilter) -> QuerySet[Professional]:
    qs = access.professionals_visible_to(user)
    if f.q:
        qs = qs.filter(
            Q(name__icontains=f.q) | Q(institution__name__icontains=f.q) | Q(department__name__icontains=f.q)
        )
    if f.institution:
        qs = qs.filter(institution_id=f.institution)
    if f.title:
        qs = qs.filter(title__code=f.title)
    if f.specialty:
        qs = qs.filter(specialty__code__startswith=f.specialty)
    if f.home_region:
        qs = qs.filter(home_region__code__startswith=region_prefix(f.home_region))
    return qs.order_by("institution__name", "name", "id")


def department_list(user: User, *, institution: Institution | None = None, q: str = "") -> QuerySet[Department]:
    qs = access.departments_visible_to(user)
    if institution is not None:
        qs = qs.filter(institution=institution)
    if q:
        qs = qs.filter(name__icontains=q)
    return qs.annotate(staff_count=Count("staff")).order_by("institution__name", "name")


def regions_for_filter(user: User) -> QuerySet[Region]:
    """Provinces and prefectures that hold at least one institution the user can see."""
    codes = access.institutions_visible_to(user).values_list("region__code", flat=True).distinct()
    prefixes = {c[:2] + "0000" for c in codes} | {c[:4] + "00" for c in codes}
    return Region.objects.filter(code__in=prefixes).order_by("code")


# --- Reference lookups shared by forms, the API and the importer ---------------


def region_lookup(text: str) -> Region | None:
    """A region by GB/T 2260 code, or by name when the name is unambiguous."""
    text = text.strip()
    if not text:
        return None
    if text.isdigit():
        return Region.objects.filter(code=text).first()
    matches = list(Region.objects.filter(name=text)[:2])
    return matches[0] if len(matches) == 1 else None


def code_or_name_lookup(model: type[Any], text: str) -> Any | None:
    """A reference row (specialty, title, category, grade) by code or exact name."""
    text = text.strip()
    if not text:
        return None
    return model.objects.filter(code=text).first() or model.objects.filter(name=text).first()


def _code(row: Any) -> str | None:
    return row.code if row is not None else None


def institution_as_codes(i: Institution) -> dict[str, Any]:
    """An institution as the API and forms exchange it: references by code or id."""
    return {
        "name": i.name,
        "category": i.category.code,
        "region": i.region.code,
        "grade": _code(i.grade),
        "short_name": i.short_name,
        "parent_id": i.parent_id,
        "address": i.address,
        "longitude": i.longitude,
        "latitude": i.latitude,
    }


def professional_as_codes(p: Professional) -> dict[str, Any]:
    """A professional as the API and forms exchange it; the ID number is never readable."""
    return {
        "name": p.name,
        "sex": p.sex,
        "profession": p.profession,
        "title": _code(p.title),
        "specialty": _code(p.specialty),
        "institution_id": p.institution_id,
        "department_id": p.department_id,
        "home_region": _code(p.home_region),
        "license_no": p.license_no,
        "phone": p.phone,
        "introduction": p.introduction,
    }
