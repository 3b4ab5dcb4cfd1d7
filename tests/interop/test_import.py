"""Importing a directory workbook: all rows or none, idempotent, scoped."""

from __future__ import annotations

from typing import Any

import pytest
from auditlog.models import LogEntry
from openpyxl import Workbook

from medbridge.accounts.models import User
from medbridge.directory.models import Department, Institution, Professional
from medbridge.interop.services.importer import ImportResult, import_workbook
from medbridge.interop.services.reader import RowError
from medbridge.interop.services.workbook import workbook_bytes
from medbridge.pii import keyed_hash
from tests.factories import InstitutionFactory, ProfessionalFactory
from tests.interop.conftest import GOOD, Sheets, workbook

pytestmark = pytest.mark.django_db


def run(sheets: Sheets, actor: User) -> ImportResult:
    return import_workbook(workbook(sheets), actor=actor)


def counts(result: ImportResult, sheet: str) -> tuple[int, int, int]:
    c = result.summary[sheet]
    return c["created"], c["updated"], c["unchanged"]


def with_rows(sheet: str, *rows: dict[str, Any]) -> Sheets:
    return {**GOOD, sheet: [*GOOD[sheet], *rows]}


def test_it_imports_a_good_workbook_and_counts_what_it_created(sysadmin: User) -> None:
    result = run(GOOD, sysadmin)

    assert result.errors == []
    assert [counts(result, s) for s in ("机构", "科室", "人员")] == [(2, 0, 0), (2, 0, 0), (2, 0, 0)]
    branch = Institution.objects.get(name="平顺县人民医院北社分院")
    assert branch.parent is not None and branch.parent.name == "平顺县人民医院"
    assert branch.region.code == "140425"
    zhao = Professional.objects.get(name="赵强")
    assert (zhao.sex, zhao.title.code if zhao.title else None, zhao.department.name if zhao.department else None) == (
        "1",
        "231",
        "骨科",
    )
    assert zhao.phone == "13812340001"
    assert zhao.id_number_last4 == "002X" and zhao.id_number_hash == keyed_hash("11010519491231002X")
    assert Professional.objects.get(name="钱丽").profession == "nurse"


def test_importing_the_same_workbook_again_changes_nothing(sysadmin: User) -> None:
    run(GOOD, sysadmin)
    entries = LogEntry.objects.count()

    again = run(GOOD, sysadmin)

    assert again.errors == []
    assert [counts(again, s) for s in ("机构", "科室", "人员")] == [(0, 0, 2), (0, 0, 2), (0, 0, 2)]
    assert LogEntry.objects.count() == entries
    assert (Institution.objects.count(), Department.objects.count(), Professional.objects.count()) == (2, 2, 2)


def test_a_changed_cell_updates_only_that_record(sysadmin: User) -> None:
    run(GOOD, sysadmin)
    changed = {**GOOD, "科室": [GOOD["科室"][0], {**GOOD["科室"][1], "诊疗科目": "04.01"}]}

    result = run(changed, sysadmin)

    assert counts(result, "科室") == (0, 1, 1)
    assert Department.objects.get(name="护理部").specialty is not None


def test_it_imports_nothing_when_one_row_is_bad(sysadmin: User) -> None:
    bad = with_rows("机构", {"机构名称": "无名医院", "机构类别": "A1", "所在地区": "火星"})

    result = run(bad, sysadmin)

    assert result.errors == [RowError("机构", 4, "所在地区", result.errors[0].message)]
    assert "火星" in result.errors[0].message
    assert not Institution.objects.filter(name__startswith="平顺县").exists()
    assert not Professional.objects.exists()


def test_it_lists_the_errors_of_every_bad_row(sysadmin: User) -> None:
    bad = {
        **GOOD,
        "科室": [*GOOD["科室"], {"机构名称": "不存在的医院", "科室名称": "内科"}],
        "人员": [*GOOD["人员"], {"姓名": "孙伟", "工作单位": "平顺县人民医院", "手机号码": "12345"}],
    }

    result = run(bad, sysadmin)

    assert [(e.sheet, e.row, e.column) for e in result.errors] == [("科室", 4, "机构名称"), ("人员", 4, "手机号码")]
    assert "手机号码格式不正确" in result.errors[1].message


def test_it_names_every_missing_required_cell_of_a_row(sysadmin: User) -> None:
    result = run({"机构": [{"简称": "无名"}]}, sysadmin)

    assert {(e.row, e.column) for e in result.errors} == {(2, "机构名称"), (2, "机构类别"), (2, "所在地区")}


def test_an_institution_admin_cannot_import_rows_for_another_institution(
    admin_a: User, hospital_a: Institution, hospital_b: Institution
) -> None:
    sheets: Sheets = {
        "机构": [{"机构名称": hospital_b.name, "机构类别": "A1", "所在地区": "140100", "地址": "改了"}],
        "人员": [
            {"姓名": "周杰", "工作单位": hospital_a.name},
            {"姓名": "吴敏", "工作单位": hospital_b.name},
        ],
    }

    result = run(sheets, admin_a)

    assert [(e.sheet, e.row, e.column) for e in result.errors] == [("机构", 2, "机构名称"), ("人员", 3, "工作单位")]
    assert not Professional.objects.exists()
    hospital_b.refresh_from_db()
    assert hospital_b.address == ""


def test_an_institution_admin_may_import_people_into_their_own_institution(
    admin_a: User, hospital_a: Institution
) -> None:
    result = run({"人员": [{"姓名": "周杰", "工作单位": hospital_a.name, "手机号码": "13900001111"}]}, admin_a)

    assert result.errors == []
    assert Professional.objects.get(name="周杰").institution == hospital_a


def test_an_empty_phone_cell_keeps_the_stored_phone(sysadmin: User) -> None:
    run(GOOD, sysadmin)
    without_phone = {**GOOD, "人员": [{**GOOD["人员"][0], "手机号码": None}, GOOD["人员"][1]]}

    result = run(without_phone, sysadmin)

    assert counts(result, "人员") == (0, 0, 2)
    assert Professional.objects.get(name="赵强").phone == "13812340001"


def test_two_people_of_the_same_name_need_a_licence_number(sysadmin: User, hospital_a: Institution) -> None:
    ProfessionalFactory.create_batch(2, name="李明", institution=hospital_a)

    result = run({"人员": [{"姓名": "李明", "工作单位": hospital_a.name, "简介": "新简介"}]}, sysadmin)

    assert [(e.row, e.column) for e in result.errors] == [(2, "执业证书编码")]
    assert "执业证书编码" in result.errors[0].message


def test_a_licence_number_finds_the_person_registered_without_one(sysadmin: User, hospital_a: Institution) -> None:
    person = ProfessionalFactory(name="李明", institution=hospital_a)

    result = run({"人员": [{"姓名": "李明", "工作单位": hospital_a.name, "执业证书编码": "A123"}]}, sysadmin)

    assert counts(result, "人员") == (0, 1, 0)
    person.refresh_from_db()
    assert person.license_no == "A123"


def test_empty_rows_are_skipped_and_row_numbers_stay_as_excel_shows_them(sysadmin: User) -> None:
    bad = {"机构名称": "坏行", "机构类别": "A1", "所在地区": "140425", "经度": "东经"}
    gap: Sheets = {"机构": [GOOD["机构"][0], {}, {}, bad]}

    result = run(gap, sysadmin)

    assert [(e.row, e.column) for e in result.errors] == [(5, "经度")]


def test_it_refuses_a_file_that_is_not_an_xlsx(sysadmin: User) -> None:
    result = import_workbook(b"name,region\nA,B\n", actor=sysadmin)

    assert len(result.errors) == 1 and ".xlsx" in result.errors[0].message


def test_it_refuses_a_file_over_the_size_limit(sysadmin: User, settings: Any) -> None:
    settings.IMPORT_MAX_BYTES = 100

    result = import_workbook(workbook(GOOD), actor=sysadmin)

    assert "文件过大" in result.errors[0].message
    assert not Institution.objects.filter(name__startswith="平顺县").exists()


def test_it_names_the_sheet_and_header_of_unknown_and_missing_columns(sysadmin: User) -> None:
    book = Workbook()
    sheet = book.active
    sheet.title = "科室"
    sheet.append(["机构名称*", "科室", "诊疗科目"])
    sheet.append(["长治市人民医院", "内科", "03"])

    result = import_workbook(workbook_bytes(book), actor=sysadmin)

    assert {(e.sheet, e.column, e.message) for e in result.errors} == {
        ("科室", "科室", "无法识别的列“科室”"),
        ("科室", "科室名称", "缺少列“科室名称”"),
    }


def test_it_names_an_unknown_sheet(sysadmin: User) -> None:
    book = Workbook()
    book.active.title = "医生"

    result = import_workbook(workbook_bytes(book), actor=sysadmin)

    assert any("医生" in e.message for e in result.errors)


def test_it_accepts_headers_in_any_order_and_without_the_required_mark(sysadmin: User) -> None:
    book = Workbook()
    sheet = book.active
    sheet.title = "科室"
    sheet.append(["诊疗科目", "科室名称", "机构名称"])
    sheet.append(["03", "内科", "长治市人民医院"])
    InstitutionFactory(name="长治市人民医院")

    result = import_workbook(workbook_bytes(book), actor=sysadmin)

    assert result.errors == []
    assert Department.objects.get(name="内科").specialty is not None
