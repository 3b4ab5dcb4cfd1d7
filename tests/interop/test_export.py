"""Exporting what a user can see, in a format that imports back unchanged."""

from __future__ import annotations

from io import BytesIO

import pytest
from auditlog.models import LogEntry
from openpyxl import load_workbook

from medbridge.accounts.models import User
from medbridge.directory.models import Institution, Professional, Region
from medbridge.interop.services.exporter import export_workbook
from medbridge.interop.services.importer import import_workbook
from medbridge.interop.services.workbook import build_workbook, workbook_bytes
from tests.factories import DepartmentFactory, InstitutionFactory, ProfessionalFactory, specialty, title
from tests.interop.conftest import SHEETS, read_sheet

pytestmark = pytest.mark.django_db


@pytest.fixture
def directory(hospital_a: Institution, hospital_b: Institution, doctor_a: Professional, doctor_b: Professional) -> None:
    """A bit of everything the format carries, on both sides of the 长治/太原 line."""
    branch = InstitutionFactory(name="长治市人民医院东院", parent=hospital_a, grade=None, address="东街 1 号")
    branch.longitude, branch.latitude = 113.1, 36.2
    branch.save()
    ward = DepartmentFactory(institution=hospital_a, name="骨科", specialty=specialty("04.03"))
    # "其他" names many catalogue entries: the export must fall back to the code.
    DepartmentFactory(institution=hospital_a, name="杂项", specialty=specialty("04.09"))
    ProfessionalFactory(
        name="张伟",
        institution=hospital_a,
        department=ward,
        title=title("231"),
        specialty=specialty("04.03"),
        home_region=Region.objects.get(code="140425"),
        license_no="110140400000009",
        sex="9",
        profession="nurse",
        introduction="第一行\n第二行",
    )
    ProfessionalFactory(name="刘洋", institution=branch, phone="")


def round_trip(user: User) -> tuple[dict[str, dict[str, int]], int]:
    """Import the user's own export; return the summary and the new audit entries."""
    before = LogEntry.objects.count()
    result = import_workbook(workbook_bytes(export_workbook(user)), actor=user)
    assert result.errors == []
    return result.summary, LogEntry.objects.count() - before


@pytest.mark.usefixtures("directory")
@pytest.mark.parametrize("who", ["sysadmin", "admin_a", "city_officer"])
def test_importing_an_export_changes_nothing(who: str, request: pytest.FixtureRequest) -> None:
    user: User = request.getfixturevalue(who)
    phones = dict(Professional.objects.values_list("name", "phone"))

    summary, new_entries = round_trip(user)

    assert new_entries == 0
    assert all(c["created"] == c["updated"] == 0 for c in summary.values())
    assert summary["人员"]["unchanged"] >= 3
    assert dict(Professional.objects.values_list("name", "phone")) == phones


@pytest.mark.usefixtures("directory")
def test_the_export_holds_only_what_the_user_can_see(city_officer: User) -> None:
    content = workbook_bytes(export_workbook(city_officer))

    names = {r["机构名称"] for r in read_sheet(content, "机构")}
    people = {r["姓名"]: r for r in read_sheet(content, "人员")}

    assert names == {"长治市人民医院", "长治市人民医院东院"}
    assert "王芳" not in people
    # Commission officers work with masked phones; the export leaves the cell empty.
    assert people["李明"]["手机号码"] is None
    assert all(r["身份证号码"] is None for r in people.values())


@pytest.mark.usefixtures("directory")
def test_the_hospital_admin_export_carries_full_phones_and_parents_first(admin_a: User) -> None:
    content = workbook_bytes(export_workbook(admin_a))

    institutions = [r["机构名称"] for r in read_sheet(content, "机构")]
    people = {r["姓名"]: r for r in read_sheet(content, "人员")}

    assert institutions == ["长治市人民医院", "长治市人民医院东院"]
    assert people["李明"]["手机号码"] == "13812345678"
    assert people["张伟"]["职称"] == "主任医师" and people["张伟"]["专业类别"] == "护理"
    assert people["张伟"]["性别"] == "未说明的性别"


@pytest.mark.usefixtures("directory")
def test_an_ambiguous_reference_name_is_exported_as_its_code(sysadmin: User) -> None:
    departments = {r["科室名称"]: r for r in read_sheet(workbook_bytes(export_workbook(sysadmin)), "科室")}

    assert departments["杂项"]["诊疗科目"] == "04.09"
    assert departments["骨科"]["诊疗科目"] == "骨科专业"


def test_the_template_puts_the_instructions_first_and_styles_the_headers() -> None:
    book = load_workbook(BytesIO(workbook_bytes(build_workbook())))

    assert book.sheetnames == SHEETS
    people = book["人员"]
    assert [c.value for c in people[1]][:3] == ["姓名*", "性别", "专业类别"]
    assert people.freeze_panes == "A2"
    assert people["A1"].font.bold
    assert people.column_dimensions["L"].width == 40
    dropdowns = {str(v.sqref): v.formula1 for v in people.data_validations.dataValidation}
    assert dropdowns["B2:B1000"] == '"男,女,未知的性别,未说明的性别"'
    assert "医师" in dropdowns["C2:C1000"]
    notes = " ".join(str(c.value) for row in book["说明"].iter_rows() for c in row if c.value)
    assert "加密散列和后四位" in notes and "身份证号码" in notes


def test_a_name_that_looks_like_a_formula_is_exported_as_text(sysadmin: User) -> None:
    from medbridge.interop.services.exporter import export_workbook
    from tests.factories import InstitutionFactory

    InstitutionFactory(name='=HYPERLINK("http://evil.example","点我")')
    book = load_workbook(BytesIO(workbook_bytes(export_workbook(sysadmin))))
    cells = [c for row in book["机构"].iter_rows(min_row=2) for c in row if str(c.value).startswith("=HYPERLINK")]
    assert cells and all(c.data_type == "s" for c in cells)
