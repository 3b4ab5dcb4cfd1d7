"""Workbooks for the interop tests, built with the same writer the template uses."""

from __future__ import annotations

from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from medbridge.interop.services.workbook import build_workbook, data_sheets, workbook_bytes

Sheets = dict[str, list[dict[str, Any]]]


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
