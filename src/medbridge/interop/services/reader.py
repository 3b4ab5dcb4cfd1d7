"""Reading an uploaded workbook into rows, before anything touches the database.

Everything that is wrong with the file as a whole — not an .xlsx, unreadable, too
large, unknown sheets, missing or unknown headers — is reported here, with the
sheet and header it concerns, so the importer only ever sees well-formed rows.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date, datetime
from io import BytesIO
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _
from openpyxl import load_workbook

from medbridge.interop.services.workbook import INSTRUCTIONS, REQUIRED_MARK, SheetSpec, data_sheets

XLSX_SUFFIX = ".xlsx"


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
    check_file(XLSX_SUFFIX, len(content))
    try:
        book = load_workbook(BytesIO(content), read_only=True, data_only=True)
        try:
            return _read_sheets({ws.title.strip(): list(ws.iter_rows(values_only=True)) for ws in book.worksheets})
        finally:
            book.close()
    except WorkbookError:
        raise
    except Exception as error:
        # Whatever breaks inside a user's file (a bad zip, broken XML, an .xls
        # renamed to .xlsx) means the same thing to them, and must not be a 500.
        raise file_error(_("无法读取该文件，请确认它是未损坏的 .xlsx 文件")) from error


def _read_sheets(tables: dict[str, list[tuple[Any, ...]]]) -> list[SheetRow]:
    specs = data_sheets()
    known = {s.title for s in specs} | {INSTRUCTIONS}
    names = "、".join([*(s.title for s in specs), INSTRUCTIONS])
    errors = [
        RowError(
            title, 0, "", _("无法识别的工作表“%(sheet)s”，工作表应为：%(names)s") % {"sheet": title, "names": names}
        )
        for title in tables
        if title not in known
    ]
    present = [s for s in specs if s.title in tables]
    if not present:
        errors.append(
            RowError("", 0, "", _("文件中没有可导入的工作表（%(names)s），请使用导入模板") % {"names": names})
        )
    rows: list[SheetRow] = []
    for spec in present:
        try:
            rows.extend(_read_rows(spec, tables[spec.title]))
        except WorkbookError as error:
            errors.extend(error.errors)
    if errors:
        raise WorkbookError(errors)
    return rows


def _read_rows(spec: SheetSpec, table: list[tuple[Any, ...]]) -> list[SheetRow]:
    if not table:
        raise WorkbookError([RowError(spec.title, 1, "", _("缺少列名行"))])
    positions = _header_positions(spec, table[0])
    rows = []
    for number, cells in enumerate(table[1:], start=2):
        values = {h: cells[i] if i < len(cells) else None for h, i in positions.items()}
        if any(cell_text(v) for v in values.values()):
            rows.append(SheetRow(spec, number, values))
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
