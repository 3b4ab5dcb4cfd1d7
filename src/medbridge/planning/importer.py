"""A round's application sheet (申请表), in and out of Excel: all rows or none.

Columns: 姓名, 派出单位, 工作年限, then one column per choice (志愿1, 志愿2 …), each
naming a round department as 机构·科室 (or only 科室 when the name is unique in the
round). Every row is checked; if any row is wrong, nothing is written and each
error is reported with its row number."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from io import BytesIO
from typing import IO, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from openpyxl import Workbook

from medbridge.directory.models import Institution, Professional
from medbridge.interop.services.reader import (
    Formula,
    RowBudget,
    WorkbookError,
    formula_message,
    open_workbook,
    sheet_rows,
)
from medbridge.planning import services
from medbridge.planning.models import MatchingRound, RoundDepartment

HEADERS = ("姓名", "派出单位", "工作年限")
CHOICE_COLUMNS = 5


@dataclass(frozen=True)
class RowError:
    row: int
    message: str


class ImportFailed(Exception):
    def __init__(self, errors: list[RowError]) -> None:
        super().__init__(f"{len(errors)} row error(s)")
        self.errors = errors


def template() -> bytes:
    """An empty sheet with the headers, for offices to fill in."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "申请"
    sheet.append([*HEADERS, *(f"志愿{n}" for n in range(1, CHOICE_COLUMNS + 1))])
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def _department_names(round_: MatchingRound) -> dict[str, RoundDepartment | None]:
    names: dict[str, RoundDepartment | None] = {}
    for d in round_.departments.select_related("department__institution"):
        names[str(d)] = d
        short = d.department.name
        # A bare department name shared by two hosts is ambiguous: None marks it.
        names[short] = None if short in names else d
    return names


def _cell(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _parse(round_: MatchingRound, row: tuple[Any, ...], names: dict[str, RoundDepartment | None]) -> Any:
    cells = [_cell(v) for v in row] + [""] * (len(HEADERS) + CHOICE_COLUMNS)
    name, home_name, years = cells[0], cells[1], cells[2]
    home = Institution.objects.filter(name=home_name).first()
    if home is None:
        raise ValidationError(_("没有名为“%(n)s”的派出单位") % {"n": home_name})
    people = list(Professional.objects.filter(institution=home, name=name)[:2])
    if len(people) != 1:
        raise ValidationError(_("%(h)s没有（或有多名）名为“%(n)s”的人员") % {"h": home_name, "n": name})
    if years and not years.isdigit():
        raise ValidationError(_("工作年限须为整数：%(v)s") % {"v": years})
    choices = []
    for text in (c for c in cells[len(HEADERS) :] if c):
        department = names.get(text)
        if department is None:
            raise ValidationError(_("“%(t)s”不是本轮的接收科室（或名称不唯一，请写成 机构·科室）") % {"t": text})
        choices.append(department)
    return services.ApplicationData(
        professional=people[0], home_institution=home, years_of_service=int(years or 0), choices=choices
    )


def import_applications(*, actor: Any, round_: MatchingRound, file: IO[bytes]) -> int:
    """Adds every application of the sheet, or none; returns how many were added.
    The file passes the same checks as a directory import (size, archive, row cap)."""
    try:
        book = open_workbook(file.read())
    except WorkbookError as error:
        raise ImportFailed([RowError(e.row, e.message) for e in error.errors]) from error
    try:
        return _import_rows(actor, round_, sheet_rows(book.worksheets[0]))
    except WorkbookError as error:
        raise ImportFailed([RowError(e.row, e.message) for e in error.errors]) from error
    finally:
        book.close()


def _import_rows(actor: Any, round_: MatchingRound, rows: Iterator[tuple[int, tuple[Any, ...]]]) -> int:
    names = _department_names(round_)
    budget = RowBudget(settings.IMPORT_MAX_ROWS)
    errors: list[RowError] = []
    added = 0
    with transaction.atomic():
        for number, row in rows:
            if number == 1:
                continue  # the header
            budget.take("", number)
            formulas = [formula_message(v) for v in row if isinstance(v, Formula)]
            if formulas:
                errors.extend(RowError(number, m) for m in formulas)
                continue
            try:
                with transaction.atomic():
                    services.application_add(actor=actor, round_=round_, data=_parse(round_, row, names))
                added += 1
            except ValidationError as error:
                errors.extend(RowError(number, m) for m in error.messages)
        if errors:
            raise ImportFailed(errors)  # leaving the block by an exception undoes every row
    return added
