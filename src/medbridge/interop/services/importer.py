"""Importing a workbook: all rows or none.

Rows run in sheet order (机构, 科室, 人员, 项目, 参与方, 年度目标, 工作站, 聘任, 派驻, 工作日志, 活动,
坐诊, 转诊, 远程会诊)
inside one transaction, so a person may name an institution created two sheets
earlier in the same file, and an engagement a station created just before. Each row runs
in its own savepoint: a row that fails is undone alone and the import goes on to
find the errors in every other row. If any row failed, the whole transaction is
rolled back at the end, so one bad row means nothing from the file is kept.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, transaction
from django.utils.translation import gettext as _

from medbridge.accounts import access
from medbridge.interop.services import (
    activity_upserts,
    clinic_upserts,
    posting_upserts,
    programme_upserts,
    referral_upserts,
    upserts,
)
from medbridge.interop.services.reader import RowError, SheetRow, WorkbookError, file_error, read_workbook
from medbridge.interop.services.workbook import (
    ACTIVITIES,
    CLINIC_SESSIONS,
    CONSULTATIONS,
    DEPARTMENTS,
    ENGAGEMENTS,
    INSTITUTIONS,
    PARTIES,
    POSTINGS,
    PROFESSIONALS,
    PROGRAMMES,
    REFERRALS,
    STATIONS,
    TARGETS,
    WORK_LOGS,
    data_sheets,
)

logger = logging.getLogger(__name__)

# Called with (rows done, rows in the file) after every row.
Progress = Callable[[int, int], None]

Upsert = Callable[[upserts.Batch, SheetRow], upserts.Outcome]
UPSERTS: dict[str, Upsert] = {
    INSTITUTIONS: lambda batch, row: upserts.upsert_institution(batch.actor, row),
    DEPARTMENTS: lambda batch, row: upserts.upsert_department(batch.actor, row),
    PROFESSIONALS: lambda batch, row: upserts.upsert_professional(batch.actor, row),
    PROGRAMMES: programme_upserts.upsert_programme,
    PARTIES: programme_upserts.upsert_party,
    TARGETS: programme_upserts.upsert_target,
    STATIONS: programme_upserts.upsert_station,
    ENGAGEMENTS: programme_upserts.upsert_engagement,
    POSTINGS: posting_upserts.upsert_posting,
    WORK_LOGS: posting_upserts.upsert_work_log,
    ACTIVITIES: activity_upserts.upsert_activity,
    CLINIC_SESSIONS: clinic_upserts.upsert_clinic_session,
    REFERRALS: referral_upserts.upsert_referral,
    CONSULTATIONS: referral_upserts.upsert_consultation,
}


def empty_summary() -> dict[str, dict[str, int]]:
    return {spec.title: {outcome.value: 0 for outcome in upserts.Outcome} for spec in data_sheets()}


@dataclass
class ImportResult:
    """What an import did: per-sheet created/updated/unchanged counts, or the
    errors that made it keep nothing."""

    rows_total: int = 0
    errors: list[RowError] = field(default_factory=list)
    summary: dict[str, dict[str, int]] = field(default_factory=empty_summary)

    @property
    def succeeded(self) -> bool:
        return not self.errors


def import_workbook(content: bytes, *, actor: Any, progress: Progress | None = None) -> ImportResult:
    """Read and import a workbook's bytes on behalf of ``actor``."""
    try:
        if not access.can_use_directory(actor):
            raise file_error(_("您无权导入名录数据"))
        rows = read_workbook(content)
    except WorkbookError as error:
        return ImportResult(errors=error.errors)
    if progress is not None:
        progress(0, len(rows))
    return import_rows(rows, actor=actor, progress=progress)


def import_rows(rows: list[SheetRow], *, actor: Any, progress: Progress | None = None) -> ImportResult:
    result = ImportResult(rows_total=len(rows))
    batch = upserts.Batch(actor, rows)
    with transaction.atomic():
        for done, row in enumerate(rows, start=1):
            outcome, errors = _import_row(batch, row)
            if outcome is not None:
                result.summary[row.spec.title][outcome.value] += 1
            result.errors.extend(errors)
            if progress is not None:
                progress(done, len(rows))
        if result.errors:
            transaction.set_rollback(True)
            result.summary = empty_summary()
    return result


def _import_row(batch: upserts.Batch, row: SheetRow) -> tuple[upserts.Outcome | None, list[RowError]]:
    try:
        with transaction.atomic():
            return UPSERTS[row.spec.title](batch, row), []
    except upserts.RowProblems as error:
        return None, [_row_error(row, header, message) for header, message in error.problems]
    except ValidationError as error:
        return None, _validation_errors(row, error)
    except PermissionDenied as error:
        return None, [_row_error(row, row.spec.scope_header, str(error) or _("您无权导入该行"))]
    except DatabaseError:
        # A constraint the services did not foresee; the savepoint keeps the
        # transaction usable so the other rows are still checked.
        logger.exception("import row %s:%s failed in the database", row.spec.title, row.number)
        return None, [_row_error(row, "", _("保存该行时数据库出错，请检查该行内容"))]


def _validation_errors(row: SheetRow, error: ValidationError) -> list[RowError]:
    if not hasattr(error, "error_dict"):
        return [_row_error(row, row.spec.scope_header, message) for message in error.messages]
    return [
        _row_error(row, row.spec.header_for(name), message)
        for name, messages in error.message_dict.items()
        for message in messages
    ]


def _row_error(row: SheetRow, header: str, message: str) -> RowError:
    return RowError(row.spec.title, row.number, header, message)
