"""Reading an uploaded workbook into rows, before anything touches the database.

Everything that is wrong with the file as a whole — not an .xlsx, unreadable, too
large, unknown sheets, missing or unknown headers — is reported here, with the
sheet and header it concerns, so the importer only ever sees well-formed rows.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from datetime import date, datetime
from io import BytesIO
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _
from openpyxl import load_workbook
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet._read_only import ReadOnlyWorksheet

from medbridge.interop.services.workbook import INSTRUCTIONS, REQUIRED_MARK, SheetSpec, data_sheets

XLSX_SUFFIX = ".xlsx"
# The part every workbook has and a Word or PowerPoint file renamed to .xlsx lacks.
WORKBOOK_PART = "xl/workbook.xml"
# A real workbook has a few dozen parts; thousands of them is a crafted archive.
MAX_ARCHIVE_MEMBERS = 1000


@dataclass(frozen=True)
class RowError:
    """One problem, placed the way the user sees it in Excel."""

    sheet: str
    row: int
    column: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


class WorkbookError(Exception):
    """The file cannot be imported at all; ``errors`` says why."""

    def __init__(self, errors: list[RowError]) -> None:
        super().__init__("; ".join(e.message for e in errors))
        self.errors = errors


@dataclass(frozen=True)
class SheetRow:
    spec: SheetSpec
    number: int  # as Excel shows it: the header is row 1
    values: dict[str, Any]

    def text(self, header: str) -> str:
        return cell_text(self.values.get(header))


def cell_text(value: Any) -> str:
    """A cell as the text the user meant: 13812345678 typed as a number stays digits."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value).strip()


def file_error(message: str) -> WorkbookError:
    return WorkbookError([RowError("", 0, "", message)])


def check_file(name: str, size: int) -> None:
    """Refuse what is not worth opening: the wrong kind of file, or too large a one."""
    if not name.lower().endswith(XLSX_SUFFIX):
        raise file_error(_("只能导入 Excel 2007 及以上版本的 .xlsx 文件"))
    if size > settings.IMPORT_MAX_BYTES:
        limit = settings.IMPORT_MAX_BYTES // (1024 * 1024)
        raise file_error(_("文件过大：导入文件不能超过 %(limit)s MB") % {"limit": limit})
    if size == 0:
        raise file_error(_("文件是空的"))


def read_workbook(content: bytes) -> list[SheetRow]:
    """Every non-empty data row, sheet by sheet in import order."""
    book = open_workbook(content)
    try:
        return _read_sheets(book, RowBudget(settings.IMPORT_MAX_ROWS))
    except WorkbookError:
        raise
    except Exception as error:
        # Broken XML inside an otherwise sound archive shows up only while reading.
        raise file_error(_("无法读取该文件，请确认它是未损坏的 .xlsx 文件")) from error
    finally:
        book.close()


def open_workbook(content: bytes) -> Workbook:
    """The workbook, opened for streaming once the archive has been checked.

    Read-only mode keeps one row in memory at a time, so a sheet of a million
    rows costs what the row cap lets through, not the whole sheet. (A sheet
    without its ``<dimension>`` element is scanned once at opening; the unpacked
    size cap bounds that scan.) Formulas are read as formulas, not their cached
    values, so that ``sheet_rows`` can refuse them.
    """
    check_file(XLSX_SUFFIX, len(content))
    check_archive(content)
    try:
        return load_workbook(BytesIO(content), read_only=True, data_only=False)
    except Exception as error:
        # Whatever breaks inside a user's file (broken XML, a missing part) means
        # the same thing to them, and must not be a 500.
        raise file_error(_("无法读取该文件，请确认它是未损坏的 .xlsx 文件")) from error


def check_archive(content: bytes) -> None:
    """Refuse, from the zip directory alone, what openpyxl must never unpack.

    Python's zipfile stops every member at the size the directory declares, so
    the declared sizes bound what opening the workbook can unpack: a zip bomb
    (a few kilobytes that inflate to gigabytes) is refused here, before a byte
    of it is inflated.
    """
    try:
        with zipfile.ZipFile(BytesIO(content)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as error:
        # Random bytes, a truncated download, an old .xls renamed to .xlsx.
        raise file_error(_("无法读取该文件：文件已损坏或不是 .xlsx 文件，请在 Excel 中重新保存后再导入")) from error
    if not any(m.filename == WORKBOOK_PART for m in members):
        raise file_error(_("该文件不是 Excel 工作簿（可能是改了扩展名的 Word 或其他文件），请使用导入模板"))
    if len(members) > MAX_ARCHIVE_MEMBERS:
        raise file_error(_("文件内部结构异常（含 %(count)s 个部件），已拒绝导入") % {"count": len(members)})
    unpacked = sum(m.file_size for m in members)
    if unpacked > settings.IMPORT_MAX_UNPACKED_BYTES:
        raise file_error(
            _("文件解压后过大（%(size)s MB，上限 %(limit)s MB），可能是恶意构造的压缩文件，已拒绝导入")
            % {"size": unpacked // (1024 * 1024), "limit": settings.IMPORT_MAX_UNPACKED_BYTES // (1024 * 1024)}
        )


class RowBudget:
    """How many more non-empty rows a file may hold, across all its sheets."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.left = limit

    def take(self, sheet: str, row: int) -> None:
        self.left -= 1
        if self.left < 0:
            message = _("文件行数过多：一次最多导入 %(limit)s 行，请拆分后分批导入") % {"limit": self.limit}
            raise WorkbookError([RowError(sheet, row, "", message)])


@dataclass(frozen=True)
class Formula:
    """A cell that holds a formula. Imports refuse it: its value is whatever
    Excel last computed (or nothing, for a file written by a program), not what
    the user can check in the cell, and ``=HYPERLINK(…)`` is not a hospital's name."""

    text: str

    def __str__(self) -> str:
        return self.text


def formula_message(cell: Formula) -> str:
    return _("单元格是公式（%(formula)s），导入只接受直接填写的值：请复制后“选择性粘贴 → 数值”再导入") % {
        "formula": cell.text[:40]
    }


def sheet_rows(sheet: ReadOnlyWorksheet) -> Iterator[tuple[int, tuple[Any, ...]]]:
    """(row number as Excel shows it, cell values) of every non-empty row, streamed;
    formula cells come as ``Formula``. Text typed as "=…" stays text."""
    for cells in sheet.iter_rows():
        values = tuple(Formula(str(c.value)) if c.data_type == "f" else c.value for c in cells)
        if any(cell_text(v) for v in values):
            yield next(c.row for c in cells if getattr(c, "row", None)), values


def _read_sheets(book: Workbook, budget: RowBudget) -> list[SheetRow]:
    specs = data_sheets()
    sheets = {ws.title.strip(): ws for ws in book.worksheets}
    known = {s.title for s in specs} | {INSTRUCTIONS}
    names = "、".join([*(s.title for s in specs), INSTRUCTIONS])
    errors = [
        RowError(
            title, 0, "", _("无法识别的工作表“%(sheet)s”，工作表应为：%(names)s") % {"sheet": title, "names": names}
        )
        for title in sheets
        if title not in known
    ]
    present = [s for s in specs if s.title in sheets]
    if not present:
        errors.append(
            RowError("", 0, "", _("文件中没有可导入的工作表（%(names)s），请使用导入模板") % {"names": names})
        )
    rows: list[SheetRow] = []
    for spec in present:
        try:
            rows.extend(_read_rows(spec, sheet_rows(sheets[spec.title]), budget))
        except WorkbookError as error:
            errors.extend(error.errors)
            if budget.left < 0:
                break  # past the cap: reading on would only cost time
    if errors:
        raise WorkbookError(errors)
    return rows


def _read_rows(spec: SheetSpec, table: Iterator[tuple[int, tuple[Any, ...]]], budget: RowBudget) -> list[SheetRow]:
    header = next(table, None)
    if header is None:
        raise WorkbookError([RowError(spec.title, 1, "", _("缺少列名行"))])
    positions = _header_positions(spec, header[1])
    rows, errors = [], []
    for number, cells in table:
        budget.take(spec.title, number)
        values = {h: cells[i] if i < len(cells) else None for h, i in positions.items()}
        errors += [
            RowError(spec.title, number, h, formula_message(v)) for h, v in values.items() if isinstance(v, Formula)
        ]
        if any(cell_text(v) for v in values.values()):
            rows.append(SheetRow(spec, number, values))
    if errors:
        raise WorkbookError(errors)
    return rows


def _header_positions(spec: SheetSpec, header_cells: tuple[Any, ...]) -> dict[str, int]:
    """Where each expected header is; columns may be in any order, none may be missing."""
    positions: dict[str, int] = {}
    errors = []
    for index, cell in enumerate(header_cells):
        header = cell_text(cell).rstrip(REQUIRED_MARK).strip()
        if not header:
            continue
        if header not in spec.headers:
            errors.append(_error(spec, header, _("无法识别的列“%(header)s”")))
        elif header in positions:
            errors.append(_error(spec, header, _("列“%(header)s”重复出现")))
        else:
            positions[header] = index
    errors += [_error(spec, h, _("缺少列“%(header)s”")) for h in spec.headers if h not in positions]
    if errors:
        raise WorkbookError(errors)
    return positions


def _error(spec: SheetSpec, header: str, message: str) -> RowError:
    return RowError(spec.title, 1, header, message % {"header": header})


def file_content(path: Path) -> bytes:
    """The CLI's way in: the same checks as an upload, on a file on disk."""
    if not path.is_file():
        raise file_error(_("找不到文件 %(path)s") % {"path": path})
    check_file(path.name, path.stat().st_size)
    return path.read_bytes()
