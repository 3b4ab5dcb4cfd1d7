"""The 活动 sheet: import all-or-nothing with row errors, and an export that reads
back unchanged."""

from __future__ import annotations

from typing import Any

from medbridge.accounts.models import User
from medbridge.activities.models import Activity
from medbridge.directory.models import Institution
from medbridge.interop.services.exporter import export_workbook
from medbridge.interop.services.importer import import_workbook
from medbridge.interop.services.workbook import workbook_bytes
from tests.interop.conftest import read_sheet, workbook

ROWS = [
    {
        "活动名称": "专家义诊",
        "活动类型": "义诊",
        "开始日期": "2025-04-18",
        "主办单位": "长治市人民医院",
        "协办单位": "太原市中心医院",
        "举办机构": "长治市人民医院",
        "服务患者人次": 126,
        "成果": "义诊百余人次",
    },
    {
        "活动名称": "县域骨干培训班",
        "活动类型": "培训班",
        "开始日期": "2025-05-12",
        "结束日期": "2025-05-16",
        "承办单位": "长治市人民医院",
        "主办单位": "长治市人民医院",
        "举办地区": "140400",
        "名额": 30,
        "参加人数": 24,
    },
]


def test_activities_import_and_read_back_unchanged(
    city_officer: User, hospital_a: Institution, hospital_b: Institution
) -> None:
    result = import_workbook(workbook({"活动": ROWS}), actor=city_officer)
    assert result.errors == [] and result.summary["活动"]["created"] == 2
    clinic = Activity.objects.get(title="专家义诊")
    assert clinic.patients_served == 126
    assert sorted(clinic.hosts.values_list("institution__name", "role")) == [
        ("太原市中心医院", "co_organiser"),
        ("长治市人民医院", "organiser"),
    ]
    exported = workbook_bytes(export_workbook(city_officer))
    rows = read_sheet(exported, "活动")
    assert [r["活动名称"] for r in rows] == ["专家义诊", "县域骨干培训班"]
    again = import_workbook(exported, actor=city_officer)
    assert again.errors == [] and again.summary["活动"] == {"created": 0, "updated": 0, "unchanged": 2}


def test_one_bad_row_keeps_nothing_and_says_where(
    city_officer: User, hospital_a: Institution, hospital_b: Institution
) -> None:
    bad: dict[str, Any] = {"活动名称": "讲座", "活动类型": "茶话会", "开始日期": "2025-13-01", "主办单位": "不存在医院"}
    result = import_workbook(workbook({"活动": [ROWS[0], bad]}), actor=city_officer)
    assert not Activity.objects.exists()
    assert {(e.sheet, e.row, e.column) for e in result.errors} == {
        ("活动", 3, "活动类型"),
        ("活动", 3, "开始日期"),
        ("活动", 3, "主办单位"),
    }


def test_an_importer_cannot_make_another_citys_hospital_run_an_activity(
    outsider: User, hospital_a: Institution
) -> None:
    result = import_workbook(workbook({"活动": [ROWS[0]]}), actor=outsider)
    assert [(e.column, e.message) for e in result.errors] == [
        ("主办单位", "主办或承办单位须在您的管辖范围内，或由您管理的项目举办")
    ]
