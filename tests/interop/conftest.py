"""Workbooks for the interop tests, built with the same writer the template uses."""

from __future__ import annotations

from datetime import date
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from medbridge.directory.models import Institution, Professional
from medbridge.interop.services.workbook import build_workbook, data_sheets, workbook_bytes
from tests.factories import DepartmentFactory, InstitutionFactory, ProfessionalFactory, region

Sheets = dict[str, list[dict[str, Any]]]
SHEETS = [
    "说明",
    "机构",
    "科室",
    "人员",
    "项目",
    "参与方",
    "年度目标",
    "工作站",
    "聘任",
    "派驻",
    "工作日志",
    "活动",
    "坐诊",
    "转诊",
    "远程会诊",
]


@pytest.fixture(autouse=True)
def _imports_inline(settings: Any) -> None:
    # The upload page then finishes the job before it redirects, as the tests expect.
    settings.IMPORTS_INLINE = True


def workbook(sheets: Sheets) -> bytes:
    """A workbook whose rows are given as {header: value}; missing cells stay empty."""
    rows = {
        spec.title: [[row.get(c.header) for c in spec.columns] for row in sheets.get(spec.title, [])]
        for spec in data_sheets()
    }
    return workbook_bytes(build_workbook(rows))


def save(tmp_path: Path, content: bytes, name: str = "名录.xlsx") -> Path:
    path = tmp_path / name
    path.write_bytes(content)
    return path


def read_sheet(content: bytes | Path, title: str) -> list[dict[str, Any]]:
    """A sheet's data rows as {header without *: value}."""
    book = load_workbook(content if isinstance(content, Path) else BytesIO(content))
    rows = list(book[title].iter_rows(values_only=True))
    headers = [str(h).rstrip("*") for h in rows[0]]
    return [dict(zip(headers, r, strict=True)) for r in rows[1:]]


GOOD: Sheets = {
    "机构": [
        {
            "机构名称": "平顺县人民医院",
            "机构类别": "综合医院",
            "医院等级": "二级甲等",
            "所在地区": "140425",
            "地址": "平顺县青羊镇",
            "经度": 113.43,
            "纬度": 36.2,
        },
        {
            "机构名称": "平顺县人民医院北社分院",
            "简称": "北社分院",
            "机构类别": "A1",
            "所在地区": "140425",
            "上级机构": "平顺县人民医院",
        },
    ],
    "科室": [
        {"机构名称": "平顺县人民医院", "科室名称": "骨科", "诊疗科目": "04.03"},
        {"机构名称": "平顺县人民医院", "科室名称": "护理部"},
    ],
    "人员": [
        {
            "姓名": "赵强",
            "性别": "男",
            "专业类别": "医师",
            "职称": "主任医师",
            "专业": "04.03",
            "工作单位": "平顺县人民医院",
            "科室": "骨科",
            "籍贯": "140425",
            "执业证书编码": "110140400000001",
            "手机号码": "13812340001",
            "身份证号码": "11010519491231002X",
            "简介": "骨科专家",
        },
        {"姓名": "钱丽", "性别": "2", "专业类别": "护理", "职称": "253", "工作单位": "平顺县人民医院北社分院"},
    ],
}


# --- Programmes ----------------------------------------------------------------
#
# A Shandong city hospital (威海市立医院) assists a Qinghai county hospital
# (刚察县人民医院); a Fujian hospital (福清市医院) stands outside both scopes.


@pytest.fixture
def weihai_hospital(db: None) -> Institution:
    hospital = InstitutionFactory(name="威海市立医院", region=region("371002"))
    DepartmentFactory(institution=hospital, name="骨科")
    return hospital


@pytest.fixture
def experts(weihai_hospital: Institution) -> list[Professional]:
    return [
        ProfessionalFactory(name="张华", institution=weihai_hospital, license_no="110371000000001"),
        ProfessionalFactory(name="李强", institution=weihai_hospital),
    ]


@pytest.fixture
def programme_world(
    weihai_hospital: Institution, gangcha_hospital: Institution, fuqing_hospital: Institution, experts: Any
) -> None:
    """The institutions and experts the programme workbook names."""


PROGRAMME = "威海—刚察对口帮扶"
CHILD = "威海市立医院—刚察县人民医院结对帮扶"
STATION = "刚察县人民医院威海专家工作站"

PROGRAMMES: Sheets = {
    "项目": [
        {
            "项目名称": PROGRAMME,
            "项目类型": "对口帮扶",
            "开始日期": "2013-03-01",
            "状态": "进行中",
            "涉及专科": "04.03、妇科专业",
            "项目说明": "驻点帮扶与挂职学习",
        },
        {
            "项目名称": CHILD,
            "项目类型": "paired_assistance",
            "上级项目": PROGRAMME,
            "开始日期": date(2025, 5, 10),
        },
    ],
    "参与方": [
        {"项目名称": PROGRAMME, "机构名称": "刚察县人民医院", "角色": "受援/成员单位", "加入日期": "2013-03-01"},
        {"项目名称": PROGRAMME, "机构名称": "威海市立医院", "角色": "牵头", "备注": "市级统筹"},
        {"项目名称": CHILD, "机构名称": "威海市立医院", "科室": "骨科", "角色": "牵头单位"},
        {"项目名称": CHILD, "机构名称": "刚察县人民医院", "角色": "受援"},
    ],
    "年度目标": [
        {"项目名称": PROGRAMME, "年度": 2025, "指标": "派出人数", "目标值": 10},
        {"项目名称": PROGRAMME, "年度": "2025", "指标": "people_trained", "目标值": "34"},
    ],
    "工作站": [
        {
            "名称": STATION,
            "类型": "专家工作站",
            "项目名称": PROGRAMME,
            "依托机构": "刚察县人民医院",
            "揭牌日期": "2020-06-01",
            "牌匾文字": "威海专家工作站",
        }
    ],
    "聘任": [
        {
            "项目名称": PROGRAMME,
            "工作站": STATION,
            "专家姓名": "张华",
            "专家执业证书编码": "110371000000001",
            "聘任角色": "首席专家",
            "聘书编号": "WH-2020-001",
            "聘期开始": "2020-06-01",
            "聘期结束": "2023-05-31",
        },
        {"项目名称": PROGRAMME, "专家姓名": "李强", "专家工作单位": "威海市立医院", "聘期开始": "2013-03-01"},
    ],
}
