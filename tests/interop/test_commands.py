"""The ``medbridge import``, ``export`` and ``template`` commands."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from medbridge.accounts.models import User
from medbridge.directory.models import Institution, Professional
from tests.interop.conftest import GOOD, read_sheet, save, workbook

pytestmark = pytest.mark.django_db


def test_the_import_command_imports_a_workbook_and_prints_the_counts(sysadmin: User, tmp_path: Path) -> None:
    out = StringIO()

    call_command("import", str(save(tmp_path, workbook(GOOD))), user="sysadmin", stdout=out, stderr=StringIO())

    assert "机构：新增 2，更新 0，未变 0" in out.getvalue()
    assert Professional.objects.filter(institution__name="平顺县人民医院").count() == 1


def test_the_import_command_fails_and_lists_the_errors_when_a_row_is_bad(sysadmin: User, tmp_path: Path) -> None:
    bad = {**GOOD, "人员": [*GOOD["人员"], {"姓名": "孙伟", "工作单位": "平顺县人民医院", "职称": "院士"}]}
    err = StringIO()

    with pytest.raises(CommandError, match="共 1 处错误"):
        call_command("import", str(save(tmp_path, workbook(bad))), user="sysadmin", stdout=StringIO(), stderr=err)

    assert "人员，第 4 行，职称：找不到“院士”" in err.getvalue()
    assert not Institution.objects.filter(name__startswith="平顺县").exists()


def test_the_import_command_refuses_a_file_that_is_not_an_xlsx(sysadmin: User, tmp_path: Path) -> None:
    path = tmp_path / "名录.csv"
    path.write_text("机构名称\n")
    err = StringIO()

    with pytest.raises(CommandError):
        call_command("import", str(path), user="sysadmin", stderr=err)

    assert ".xlsx" in err.getvalue()


def test_the_import_command_needs_a_known_user(db: None, tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="nobody"):
        call_command("import", str(save(tmp_path, workbook(GOOD))), user="nobody")


def test_the_import_command_applies_the_users_scope(admin_a: User, hospital_b: Institution, tmp_path: Path) -> None:
    rows = {"人员": [{"姓名": "吴敏", "工作单位": hospital_b.name}]}

    with pytest.raises(CommandError):
        call_command("import", str(save(tmp_path, workbook(rows))), user="admin_a", stderr=StringIO())

    assert not Professional.objects.filter(name="吴敏").exists()


def test_the_export_command_writes_what_the_user_can_see(
    city_officer: User, doctor_a: Professional, doctor_b: Professional, tmp_path: Path
) -> None:
    out = tmp_path / "导出.xlsx"

    call_command("export", str(out), user="changzhi_officer", stdout=StringIO())

    assert [r["姓名"] for r in read_sheet(out, "人员")] == ["李明"]


def test_the_template_command_writes_an_empty_workbook(tmp_path: Path) -> None:
    out = tmp_path / "模板.xlsx"

    call_command("template", str(out), stdout=StringIO())

    assert read_sheet(out, "机构") == []


def test_the_export_command_writes_the_whole_database_with_all(
    hospital_a: Institution, hospital_b: Institution, tmp_path: Path
) -> None:
    out = tmp_path / "全库.xlsx"
    call_command("export", str(out), all=True, stdout=StringIO())
    assert {r["机构名称"] for r in read_sheet(out, "机构")} >= {hospital_a.name, hospital_b.name}
    assert load_workbook(out).sheetnames[-3:] == ["坐诊", "转诊", "远程会诊"]


def test_the_export_command_asks_whose_data_when_given_neither_user_nor_all(db: None, tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="--all"):
        call_command("export", str(tmp_path / "x.xlsx"), stdout=StringIO())
