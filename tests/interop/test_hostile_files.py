"""Hostile files: whatever arrives as an "xlsx" — random bytes, a truncated or renamed
archive, a zip bomb, a million rows, wrong types, formulas, an oversized upload —
is refused with a Chinese message naming the problem, and the database is left
exactly as it was. Every file is generated here, in memory or under tmp_path.

Formulas on import are refused with a row error (not imported as text and not
as their cached value): a cell's formula value is whatever Excel last computed,
or nothing at all for a file written by a program, so importing it would store
something the user never saw in the cell. Text that only looks like a formula
(typed as text, as our exports write it) imports as text.
"""

from __future__ import annotations

import os
import tracemalloc
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from medbridge.accounts.models import User
from medbridge.directory.models import Institution
from medbridge.interop.models import ImportJob
from medbridge.interop.services.importer import import_workbook
from medbridge.interop.services.workbook import workbook_bytes
from medbridge.programmes.models import Programme
from tests.interop.conftest import GOOD, PROGRAMMES, save, workbook
from tests.planning_ui.conftest import open_round

pytestmark = pytest.mark.django_db
Login = Callable[[User], Client]

CORRUPT = "文件已损坏或不是 .xlsx 文件"
NOT_A_WORKBOOK = "该文件不是 Excel 工作簿"
TOO_BIG_UNPACKED = "文件解压后过大"
TOO_MANY_ROWS = "文件行数过多"
FORMULA = "单元格是公式"
MB = 1024 * 1024


# --- Files -----------------------------------------------------------------------------


def random_bytes() -> bytes:
    return os.urandom(4096)


def truncated() -> bytes:
    good = workbook(GOOD)
    return good[: len(good) // 2]


def renamed_docx() -> bytes:
    """What Word writes, in the parts that matter: a zip without a workbook in it."""
    out = BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        archive.writestr("word/document.xml", '<?xml version="1.0"?><w:document/>')
    return out.getvalue()


def rewritten(template: bytes, part: str, chunks: Iterator[bytes]) -> bytes:
    """``template`` with one part replaced by streamed content, compressed as Excel does."""
    out = BytesIO()
    # Level 1: the parts are large and repetitive, and building them fast matters more.
    with (
        zipfile.ZipFile(BytesIO(template)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive,
    ):
        for item in source.infolist():
            if item.filename != part:
                archive.writestr(item, source.read(item))
        with archive.open(part, "w", force_zip64=True) as target:
            for chunk in chunks:
                target.write(chunk)
    return out.getvalue()


def zip_bomb(unpacked_mb: int) -> bytes:
    """A real workbook whose first sheet inflates from a few hundred kilobytes to ``unpacked_mb``."""
    zeros = b"\0" * MB
    return rewritten(workbook(GOOD), "xl/worksheets/sheet2.xml", (zeros for _ in range(unpacked_mb)))


def million_rows(rows: int = 1_000_000) -> bytes:
    """The 机构 sheet with its header and ``rows`` data rows, written as sheet XML
    directly (openpyxl would take minutes). Rows and cells leave out their optional
    ``r`` attribute, so every row is the same bytes and the file builds in a second."""
    header = "".join(f'<c t="inlineStr"><is><t>{h}</t></is></c>' for h in INSTITUTION)
    row = '<row><c t="inlineStr"><is><t>某医院</t></is></c></row>'

    def chunks() -> Iterator[bytes]:
        yield (
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            f'<dimension ref="A1:I{rows + 1}"/><sheetData><row>{header}</row>'
        ).encode()
        block = (row * 10_000).encode()
        for _ in range(rows // 10_000):
            yield block
        yield (row * (rows % 10_000)).encode()
        yield b"</sheetData></worksheet>"

    return rewritten(one_sheet_workbook(), "xl/worksheets/sheet1.xml", chunks())


INSTITUTION = ["机构名称", "机构类别", "所在地区", "简称", "医院等级", "上级机构", "地址", "经度", "纬度"]


def one_sheet_workbook() -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "机构"
    sheet.append(INSTITUTION)
    return workbook_bytes(book)


def with_formula(cell: str, formula: str) -> bytes:
    book = load_workbook(BytesIO(workbook(GOOD)))
    book["机构"][cell] = formula  # openpyxl stores a value starting with "=" as a formula
    out = BytesIO()
    book.save(out)  # not workbook_bytes, which would write the formula as text
    return out.getvalue()


# --- The database stays as it was -----------------------------------------------------------


def table_counts() -> dict[str, int]:
    return {model._meta.label: model._default_manager.count() for model in apps.get_models()}


@contextmanager
def database_unchanged() -> Iterator[None]:
    """Fails unless every table holds as many rows afterwards as before. An upload's
    ImportJob is the record of the attempt, not imported data."""
    before = table_counts()
    yield
    after = table_counts()
    after["interop.ImportJob"] = before["interop.ImportJob"]
    assert after == before


@pytest.fixture
def unchanged(db: None) -> Iterator[None]:
    with database_unchanged():
        yield


def messages(content: bytes, actor: User) -> str:
    result = import_workbook(content, actor=actor)
    assert not result.succeeded
    return " ".join(e.message for e in result.errors)


# --- The importer ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("make", "expected"),
    [(random_bytes, CORRUPT), (truncated, CORRUPT), (renamed_docx, NOT_A_WORKBOOK)],
    ids=["random bytes", "truncated zip", "a docx renamed"],
)
def test_a_corrupt_or_renamed_file_is_refused_with_what_is_wrong(
    make: Callable[[], bytes], expected: str, sysadmin: User
) -> None:
    """The check is at the file boundary: the page and the command say the same."""
    with database_unchanged():
        assert expected in messages(make(), sysadmin)


def test_a_zip_bomb_is_refused_before_it_is_inflated(sysadmin: User, unchanged: None) -> None:
    bomb = zip_bomb(unpacked_mb=300)
    assert len(bomb) < 2 * MB  # tiny on the wire ...

    tracemalloc.start()
    try:
        text = messages(bomb, sysadmin)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()

    assert TOO_BIG_UNPACKED in text and "300 MB" in text and "200 MB" in text
    assert peak < 20 * MB  # ... and never inflated


def test_a_million_rows_are_refused_at_the_row_cap_without_reading_them_all(
    sysadmin: User, settings: Any, unchanged: None
) -> None:
    settings.IMPORT_MAX_ROWS = 1000
    content = million_rows()

    tracemalloc.start()
    try:
        errors = import_workbook(content, actor=sysadmin).errors
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()

    assert [(e.sheet, e.row) for e in errors] == [("机构", 1002)]
    assert TOO_MANY_ROWS in errors[0].message and "1000" in errors[0].message
    assert peak < 40 * MB  # the sheet's XML alone is larger than this


def test_a_file_at_the_row_cap_is_still_read(sysadmin: User, settings: Any, unchanged: None) -> None:
    """The cap refuses the row past it, not the file that fills it exactly: these
    rows fail on their own (an unknown category code), not on the cap."""
    settings.IMPORT_MAX_ROWS = 3

    errors = import_workbook(million_rows(rows=3), actor=sysadmin).errors

    assert errors and not any(TOO_MANY_ROWS in e.message for e in errors)


def test_cells_of_the_wrong_type_are_row_errors_naming_the_column(
    sysadmin: User, programme_world: None, unchanged: None
) -> None:
    wrong = {
        **GOOD,
        **PROGRAMMES,
        "机构": [
            {**GOOD["机构"][0], "经度": "东经113度", "纬度": True},
            {**GOOD["机构"][1], "所在地区": 3.5},
        ],
        "工作站": [{**PROGRAMMES["工作站"][0], "揭牌日期": "明年春天"}],
        "年度目标": [
            {**PROGRAMMES["年度目标"][0], "年度": "二〇二五"},
            {**PROGRAMMES["年度目标"][1], "目标值": 10**30},
            {**PROGRAMMES["年度目标"][1], "指标": "派出人数", "目标值": -3},
        ],
    }

    errors = {(e.sheet, e.row, e.column) for e in import_workbook(workbook(wrong), actor=sysadmin).errors}

    assert {("机构", 2, "经度"), ("机构", 2, "纬度"), ("机构", 3, "所在地区"), ("工作站", 2, "揭牌日期")} <= errors
    assert {("年度目标", 2, "年度"), ("年度目标", 3, "目标值"), ("年度目标", 4, "目标值")} <= errors


def test_a_formula_cell_is_refused_with_a_row_error(sysadmin: User, unchanged: None) -> None:
    result = import_workbook(with_formula("A3", '=HYPERLINK("http://evil.example","平顺县人民医院")'), actor=sysadmin)

    assert [(e.sheet, e.row, e.column) for e in result.errors] == [("机构", 3, "机构名称")]
    assert FORMULA in result.errors[0].message and "=HYPERLINK" in result.errors[0].message


def test_text_that_looks_like_a_formula_imports_as_text(sysadmin: User) -> None:
    name = '=HYPERLINK("http://evil.example","点我")'
    sheets = {"机构": [{**GOOD["机构"][0], "机构名称": name}]}
    book = load_workbook(BytesIO(workbook(sheets)))
    book["机构"]["A2"].data_type = "s"  # typed as text, as our own export writes it

    result = import_workbook(workbook_bytes(book), actor=sysadmin)

    assert result.errors == []
    assert Institution.objects.filter(name=name).exists()


# --- The upload page, the command and the planning upload ------------------------------------


def post(client: Client, url: str, content: bytes, name: str = "名录.xlsx") -> str:
    response = client.post(url, {"file": SimpleUploadedFile(name, content)}, follow=True)
    assert response.status_code == 200
    return response.content.decode()


def test_the_upload_page_refuses_an_oversized_file_before_opening_it(
    sysadmin: User, login: Login, settings: Any
) -> None:
    client = login(sysadmin)
    settings.IMPORT_MAX_BYTES = MB
    before = table_counts()

    page = post(client, reverse("interop:import"), workbook(GOOD) + b"\0" * MB)

    assert "文件过大：导入文件不能超过 1 MB" in page
    assert table_counts() == before  # not even an import job


def test_a_request_body_over_djangos_memory_limit_is_a_bad_request_not_a_crash(
    sysadmin: User, login: Login, settings: Any
) -> None:
    """DATA_UPLOAD_MAX_MEMORY_SIZE bounds the form fields Django holds in memory;
    the file itself is spooled to disk past FILE_UPLOAD_MAX_MEMORY_SIZE."""
    client = login(sysadmin)
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024

    with database_unchanged():
        response = client.post(reverse("interop:import"), {"note": "x" * 4096})

    assert response.status_code == 400


def test_the_upload_page_shows_a_zip_bomb_refused_and_keeps_nothing(sysadmin: User, login: Login) -> None:
    client = login(sysadmin)

    with database_unchanged():
        page = post(client, reverse("interop:import"), zip_bomb(unpacked_mb=300))

    assert TOO_BIG_UNPACKED in page and "未写入任何数据" in page
    assert ImportJob.objects.get().status == ImportJob.Status.FAILED


def test_the_import_command_names_the_problem_of_a_hostile_file(
    sysadmin: User, tmp_path: Path, capsys: pytest.CaptureFixture[str], unchanged: None
) -> None:
    for content, expected in [(renamed_docx(), NOT_A_WORKBOOK), (with_formula("A2", "=1+1"), FORMULA)]:
        with pytest.raises(CommandError, match="未写入任何数据"):
            call_command("import", str(save(tmp_path, content)), "--user", sysadmin.username, verbosity=0)
        assert expected in capsys.readouterr().err


@pytest.fixture
def round_url(weihai_admin: User, paired_programme: Programme) -> str:
    return reverse("planning:application_import", args=[open_round(weihai_admin, paired_programme).pk])


@pytest.mark.parametrize(
    ("make", "expected"),
    [(random_bytes, CORRUPT), (lambda: zip_bomb(unpacked_mb=300), TOO_BIG_UNPACKED)],
    ids=["random bytes", "zip bomb"],
)
def test_the_planning_application_upload_refuses_hostile_files_too(
    make: Callable[[], bytes], expected: str, weihai_admin: User, login: Login, round_url: str
) -> None:
    client = login(weihai_admin)

    with database_unchanged():
        page = post(client, round_url, make(), name="申请表.xlsx")

    assert expected in page


# --- Exports never carry a formula ------------------------------------------------------------

LOOKS_LIKE_FORMULA = ['=HYPERLINK("http://evil.example","点我")', "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(1,2)"]


def sheet_xml(content: bytes) -> str:
    with zipfile.ZipFile(BytesIO(content)) as archive:
        return "".join(archive.read(n).decode() for n in archive.namelist() if n.startswith("xl/worksheets/"))


def formula_like_cells(content: bytes) -> dict[str, str]:
    """{value: openpyxl's data type} of every cell that starts like a formula."""
    book = load_workbook(BytesIO(content))
    cells = (c for ws in book.worksheets for row in ws.iter_rows() for c in row)
    return {c.value: c.data_type for c in cells if isinstance(c.value, str) and c.value[:1] in "=+-@"}


def test_the_directory_export_writes_formula_like_names_as_plain_text(sysadmin: User) -> None:
    from medbridge.interop.services.exporter import export_workbook
    from tests.factories import InstitutionFactory

    for name in LOOKS_LIKE_FORMULA:
        InstitutionFactory(name=name)

    content = workbook_bytes(export_workbook(sysadmin))

    assert "<f>" not in sheet_xml(content)
    assert formula_like_cells(content) == dict.fromkeys(LOOKS_LIKE_FORMULA, "s")


def test_the_clinic_roster_and_the_programme_report_carry_no_formula(
    weihai_admin: User, paired_programme: Programme
) -> None:
    from medbridge.clinics.export import roster_response
    from medbridge.reports.services import report_build, report_xlsx
    from tests.factories import ClinicSessionFactory

    name = LOOKS_LIKE_FORMULA[0]
    session = ClinicSessionFactory(expert__name=name)
    paired_programme.name = name
    paired_programme.save()

    roster = roster_response(session, []).content
    report = report_xlsx(report_build(user=weihai_admin, programme=paired_programme, year=2025))

    for content in (roster, report):
        assert "<f>" not in sheet_xml(content)
        assert {v[:10]: t for v, t in formula_like_cells(content).items()} == {name[:10]: "s"}
