"""Postings from Excel: history back to 2013 in bulk, all rows or none, the overlap
rule through the importer, and the export read back changing nothing."""

from __future__ import annotations

from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from medbridge.accounts.models import User
from medbridge.directory.models import Department, Institution, Professional
from medbridge.interop.services.exporter import export_workbook
from medbridge.interop.services.importer import import_workbook
from medbridge.interop.services.workbook import workbook_bytes
from medbridge.postings.models import Posting, PostingBatch, PostingStatus, WorkLog
from medbridge.programmes.models import Programme
from tests.factories import ProfessionalFactory
from tests.interop.conftest import workbook


def row(person: Professional, start: str, end: str, **cells: Any) -> dict[str, Any]:
    return {
        "项目名称": "威海—刚察对口帮扶",
        "人员姓名": person.name,
        "派驻类型": "驻点帮扶",
        "派出单位": "威海市立医院",
        "计划开始": start,
        "计划结束": end,
        "接收单位": "刚察县人民医院",
        **cells,
    }


@pytest.fixture
def team(weihai_hospital: Institution, weihai_surgery: Department, gangcha_surgery: Department) -> list[Professional]:
    return [
        ProfessionalFactory(name=f"队员{i}", institution=weihai_hospital, department=weihai_surgery) for i in range(12)
    ]


def history(team: list[Professional]) -> list[dict[str, Any]]:
    """Twelve years of one person a year, each completed, in yearly batches."""
    return [
        row(
            person,
            f"{2013 + i}-03-01",
            f"{2013 + i}-08-31",
            批次=i + 1,
            派出科室="肝胆外科",
            接收科室="肝胆外科",
            实际开始=f"{2013 + i}-03-02",
            实际结束=f"{2013 + i}-08-31",
            状态="已完成",
        )
        for i, person in enumerate(team)
    ]


def test_twelve_years_of_history_import_as_completed_postings_in_batches(
    weihai_admin: User, paired: Programme, team: list[Professional]
) -> None:
    logs = [
        {
            **{
                k: v
                for k, v in history(team)[0].items()
                if k in ("项目名称", "人员姓名", "派驻类型", "派出单位", "计划开始")
            },
            "日期": "2013-04-30",
            "诊疗人次": 120,
            "新技术新项目": "腹腔镜胆囊切除术",
        }
    ]
    result = import_workbook(workbook({"派驻": history(team), "工作日志": logs}), actor=weihai_admin)
    assert result.succeeded, result.errors
    assert result.summary["派驻"]["created"] == 12 and result.summary["工作日志"]["created"] == 1
    assert set(Posting.objects.values_list("status", flat=True)) == {PostingStatus.COMPLETED}
    assert PostingBatch.objects.count() == 12
    assert WorkLog.objects.get().techniques.get().name == "腹腔镜胆囊切除术"
    again = import_workbook(workbook({"派驻": history(team), "工作日志": logs}), actor=weihai_admin)
    assert again.summary["派驻"] == {"created": 0, "updated": 0, "unchanged": 12}


def test_an_overlapping_row_keeps_the_whole_file_out(
    weihai_admin: User, paired: Programme, team: list[Professional]
) -> None:
    rows = [*history(team), row(team[3], "2016-06-01", "2016-12-31")]
    result = import_workbook(workbook({"派驻": rows}), actor=weihai_admin)
    assert not result.succeeded
    (error,) = result.errors
    assert (error.sheet, error.row, error.column) == ("派驻", 14, "计划开始")
    assert "队员3 此期间已有派驻" in error.message
    assert not Posting.objects.exists() and not PostingBatch.objects.exists()


def test_an_exported_workbook_reads_back_unchanged(
    weihai_admin: User, paired: Programme, team: list[Professional]
) -> None:
    assert import_workbook(workbook({"派驻": history(team)}), actor=weihai_admin).succeeded
    exported = workbook_bytes(export_workbook(weihai_admin))
    result = import_workbook(exported, actor=weihai_admin)
    assert result.succeeded, result.errors
    assert result.summary["派驻"] == {"created": 0, "updated": 0, "unchanged": 12}


def test_the_cli_refuses_an_overlapping_posting(
    weihai_admin: User, paired: Programme, surgeon: Professional, stationed: Posting, tmp_path: Path
) -> None:
    args = [
        "add_posting",
        "--user",
        "weihai_admin",
        "--programme",
        paired.name,
        "--kind",
        "stationed",
        "--person",
        "孙立",
    ]
    args += ["--home", "威海市立医院", "--host", "刚察县人民医院"]
    with pytest.raises(CommandError, match="孙立 此期间已有派驻"):
        call_command(*args, "--start", "2024-05-01", "--end", "2024-10-31", stdout=StringIO())
    out = StringIO()
    call_command(*args, "--start", "2024-09-01", "--end", "2025-02-28", stdout=out)
    assert "已登记" in out.getvalue() and Posting.objects.count() == 2
