"""National reference data shipped with MedBridge: regions, specialties and code tables.

Pure Python on purpose: importable from migrations, management commands and
plain unit tests without configuring Django. Provenance of every table is in
``data/SOURCES.md``.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from functools import cache
from importlib import resources

__all__ = [
    "CodeRow",
    "RegionRow",
    "SpecialtyRow",
    "TitleRow",
    "hospital_grades",
    "institution_categories",
    "regions",
    "sexes",
    "specialties",
    "titles",
]

REGION_LEVELS = ("province", "prefecture", "county")
PROFESSIONS = ("physician", "pharmacist", "nurse", "technician")
TITLE_LEVELS = ("senior", "deputy_senior", "intermediate", "junior", "assistant")


@dataclass(frozen=True)
class RegionRow:
    """A GB/T 2260 administrative division; ``level`` is one of REGION_LEVELS."""

    code: str
    name: str
    level: str
    parent_code: str | None
    longitude: float | None
    latitude: float | None


@dataclass(frozen=True)
class SpecialtyRow:
    """An item of the 医疗机构诊疗科目名录; ``code`` is dotted ("03", "03.01")."""

    code: str
    name: str
    parent_code: str | None
    note: str


@dataclass(frozen=True)
class CodeRow:
    code: str
    name: str
    note: str = ""


@dataclass(frozen=True)
class TitleRow:
    """A GB/T 8561-2001 health-profession title."""

    code: str
    name: str
    profession: str
    level: str


def _read(filename: str) -> list[dict[str, str]]:
    text = resources.files(__name__).joinpath("data", filename).read_text("utf-8")
    return list(csv.DictReader(io.StringIO(text)))


def _optional_float(value: str) -> float | None:
    return float(value) if value else None


@cache
def _regions() -> tuple[RegionRow, ...]:
    return tuple(
        RegionRow(
            code=row["code"],
            name=row["name"],
            level=row["level"],
            parent_code=row["parent_code"] or None,
            longitude=_optional_float(row["longitude"]),
            latitude=_optional_float(row["latitude"]),
        )
        for row in _read("regions.csv")
    )


def regions() -> list[RegionRow]:
    """Mainland provinces, prefecture-level and county-level units, sorted by code.

    Counties always hang under ``code[:4] + "00"``; for the four municipalities
    and the province-administered counties that is a GB/T 2260 grouping row
    (110100 市辖区, 500200 县, 429000 省直辖县级行政区划 …) of level "prefecture".
    """
    # A fresh list so callers may sort or filter without touching the cache.
    return list(_regions())


def _specialty_parent(code: str) -> str | None:
    parent, _, _ = code.rpartition(".")
    return parent or None


@cache
def _specialties() -> tuple[SpecialtyRow, ...]:
    return tuple(
        SpecialtyRow(row["code"], row["name"], _specialty_parent(row["code"]), row["note"])
        for row in _read("specialties.csv")
    )


def specialties() -> list[SpecialtyRow]:
    """The 诊疗科目名录 (1994, with the 2007 and 2009 additions noted)."""
    return list(_specialties())


@cache
def _code_table(filename: str) -> tuple[CodeRow, ...]:
    return tuple(CodeRow(row["code"], row["name"], row["note"]) for row in _read(filename))


def institution_categories() -> list[CodeRow]:
    """WS 218-2002 categories; codes starting with "X" are MedBridge extensions."""
    return list(_code_table("institution_categories.csv"))


def hospital_grades() -> list[CodeRow]:
    """Hospital grade (级) and rank (等): "3A" 三级甲等 … "9" 未定级."""
    return list(_code_table("hospital_grades.csv"))


def sexes() -> list[CodeRow]:
    """GB/T 2261.1-2003 sex codes."""
    return list(_code_table("sexes.csv"))


@cache
def _titles() -> tuple[TitleRow, ...]:
    return tuple(TitleRow(row["code"], row["name"], row["profession"], row["level"]) for row in _read("titles.csv"))


def titles() -> list[TitleRow]:
    """GB/T 8561-2001 professional titles for physicians, pharmacists, nurses, technicians."""
    return list(_titles())
