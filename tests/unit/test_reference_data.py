"""The shipped reference tables: integrity of the data, not of any Django code."""

from __future__ import annotations

from collections import Counter

import pytest

from medbridge.directory import reference as ref
from medbridge.directory.reference import RegionRow

PARENT_LEVEL = {"prefecture": "province", "county": "prefecture"}


def _by_code() -> dict[str, RegionRow]:
    return {row.code: row for row in ref.regions()}


def test_region_codes_are_unique_six_digits() -> None:
    codes = [row.code for row in ref.regions()]
    assert len(codes) == len(set(codes))
    assert all(len(code) == 6 and code.isdigit() for code in codes)


def test_every_region_parent_exists_one_level_up() -> None:
    by_code = _by_code()
    for row in by_code.values():
        assert row.level in ref.REGION_LEVELS
        if row.level == "province":
            assert row.parent_code is None
            continue
        assert row.parent_code is not None
        assert by_code[row.parent_code].level == PARENT_LEVEL[row.level], row


def test_region_counts_are_plausible() -> None:
    counts = Counter(row.level for row in ref.regions())
    assert counts["province"] == 31
    assert 330 <= counts["prefecture"] <= 350
    assert 2800 <= counts["county"] <= 2900


@pytest.mark.parametrize(
    ("code", "name", "level"),
    [
        ("110000", "北京市", "province"),
        ("140000", "山西省", "province"),
        ("350000", "福建省", "province"),
        ("370000", "山东省", "province"),
        ("630000", "青海省", "province"),
        ("110100", "市辖区", "prefecture"),
        ("632800", "海西蒙古族藏族自治州", "prefecture"),
        ("110108", "海淀区", "county"),
        ("632525", "贵南县", "county"),
        ("429004", "仙桃市", "county"),
    ],
)
def test_region_anchor(code: str, name: str, level: str) -> None:
    row = _by_code()[code]
    assert (row.name, row.level) == (name, level)


def test_changzhi_has_coordinates_in_shanxi() -> None:
    row = _by_code()["140400"]
    assert row.name == "长治市"
    assert row.parent_code == "140000"
    assert row.longitude is not None and 112 < row.longitude < 114
    assert row.latitude is not None and 35 < row.latitude < 37


def test_most_prefectures_have_coordinates() -> None:
    prefectures = [row for row in ref.regions() if row.level == "prefecture"]
    located = [row for row in prefectures if row.longitude is not None]
    assert len(located) >= 320
    assert all(73 < (row.longitude or 0) < 136 for row in located)


def test_regions_returns_a_copy() -> None:
    ref.regions().clear()
    assert ref.regions()


def test_specialty_codes_unique_and_parents_exist() -> None:
    rows = ref.specialties()
    codes = {row.code for row in rows}
    assert len(codes) == len(rows)
    assert all(row.parent_code in codes for row in rows if row.parent_code)


@pytest.mark.parametrize(
    ("code", "name", "parent"),
    [
        ("03", "内科", None),
        ("03.01", "呼吸内科专业", "03"),
        ("04.03", "骨科专业", "04"),
        ("05.02", "产科专业", "05"),
        ("32.05", "超声诊断专业", "32"),
        ("50.10", "骨伤科专业", "50"),
    ],
)
def test_specialty_anchor(code: str, name: str, parent: str | None) -> None:
    row = {row.code: row for row in ref.specialties()}[code]
    assert (row.name, row.parent_code) == (name, parent)


def test_later_specialties_carry_their_year() -> None:
    by_code = {row.code: row for row in ref.specialties()}
    assert by_code["27"].name == "疼痛科" and "2007" in by_code["27"].note
    assert by_code["28"].name == "重症医学科" and "2009" in by_code["28"].note


@pytest.mark.parametrize(
    ("code", "name", "profession", "level"),
    [
        ("231", "主任医师", "physician", "senior"),
        ("233", "主治医师", "physician", "intermediate"),
        ("253", "主管护师", "nurse", "intermediate"),
        ("255", "护士", "nurse", "assistant"),
        ("261", "主任技师", "technician", "senior"),
    ],
)
def test_title_anchor(code: str, name: str, profession: str, level: str) -> None:
    assert ref.TitleRow(code, name, profession, level) in ref.titles()


def test_titles_use_known_vocabularies() -> None:
    rows = ref.titles()
    assert len(rows) == 20
    assert {row.profession for row in rows} == set(ref.PROFESSIONS)
    assert {row.level for row in rows} == set(ref.TITLE_LEVELS)


def test_small_code_tables() -> None:
    grades = {row.code: row.name for row in ref.hospital_grades()}
    assert grades["3A"] == "三级甲等" and grades["9"] == "未定级"
    assert {row.code: row.name for row in ref.sexes()} == {
        "0": "未知的性别",
        "1": "男性",
        "2": "女性",
        "9": "未说明的性别",
    }


def test_institution_categories() -> None:
    rows = ref.institution_categories()
    by_code = {row.code: row for row in rows}
    assert len(by_code) == len(rows)
    assert by_code["A1"].name == "综合医院"
    assert by_code["C2"].name == "乡镇卫生院"
    assert by_code["J"].name.startswith("疾病预防控制中心")
    extensions = [row for row in rows if row.code.startswith("X")]
    assert extensions and all("MedBridge" in row.note for row in extensions)
    assert all(row.code[0] in by_code for row in rows if not row.code.startswith("X"))
