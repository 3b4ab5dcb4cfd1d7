"""Imports started from the upload page, run in the background with visible progress.

The import holds one transaction open until its last row, so progress cannot be
read from the job's row in the database while it runs (on SQLite the transaction
even holds the write lock). Progress is therefore kept in this process's memory
and merged into the job when the status page asks; the job's row is written
before the import starts and once it has finished.
"""

from __future__ import annotations

import logging
import threading
from datetime import timedelta
from pathlib import PurePath

from django.conf import settings
from django.db import connections, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from medbridge.accounts.models import User
from medbridge.interop.models import ImportJob
from medbridge.interop.services.importer import ImportResult, import_workbook
from medbridge.interop.services.reader import RowError

logger = logging.getLogger(__name__)

_progress: dict[int, tuple[int, int]] = {}
_progress_lock = threading.Lock()


def import_job_start(*, user: User, file_name: str, content: bytes) -> ImportJob:
    """Record the upload and import it: at once when ``IMPORTS_INLINE``, else in a thread."""
    job = ImportJob.objects.create(user=user, file_name=PurePath(file_name).name[:255])
    if settings.IMPORTS_INLINE:
        import_job_run(job.pk, content)
        job.refresh_from_db()
        return job
    language = translation.get_language()
    thread = threading.Thread(
        target=_run_in_thread, args=(job.pk, content, language), name=f"import-job-{job.pk}", daemon=True
    )
    # The thread reads the job through its own connection: it must be committed first.
    transaction.on_commit(thread.start)
    return job


def _run_in_thread(job_id: int, content: bytes, language: str | None) -> None:
    try:
        with translation.override(language):
            import_job_run(job_id, content)
    except Exception:
        logger.exception("import job %s crashed", job_id)
        _finish(job_id, ImportResult(errors=[RowError("", 0, "", _("导入时发生内部错误，请联系系统管理员"))]))
    finally:
        # Threads get their own database connections; close this one, not leak it.
        connections.close_all()


def import_job_run(job_id: int, content: bytes) -> None:
    job = ImportJob.objects.select_related("user").get(pk=job_id)
    ImportJob.objects.filter(pk=job_id).update(status=ImportJob.Status.RUNNING)
    result = import_workbook(content, actor=job.user, progress=lambda done, total: _report(job_id, done, total))
    _finish(job_id, result)


def _report(job_id: int, done: int, total: int) -> None:
    with _progress_lock:
        _progress[job_id] = (done, total)


def _finish(job_id: int, result: ImportResult) -> None:
    ImportJob.objects.filter(pk=job_id).update(
        status=ImportJob.Status.SUCCEEDED if result.succeeded else ImportJob.Status.FAILED,
        rows_total=result.rows_total,
        rows_done=result.rows_total,
        errors=[e.as_dict() for e in result.errors],
        summary=result.summary if result.succeeded else {},
        finished_at=timezone.now(),
    )
    with _progress_lock:
        _progress.pop(job_id, None)


def import_job_expire_if_stale(job: ImportJob) -> ImportJob:
    """A job still unfinished long after it was submitted, and not running in this
    process, was cut off with the server that ran it: the import thread died and its
    transaction rolled back, so nothing was written. Say so instead of showing it
    running forever. (Another worker may hold the job's progress, hence the wait.)"""
    limit = timezone.now() - timedelta(minutes=settings.IMPORT_STALE_MINUTES)
    if job.is_finished or job.created_at > limit:
        return job
    with _progress_lock:
        if job.pk in _progress:
            return job
    message = _("导入被中断（服务器重启或进程退出），文件中的数据均未写入，请重新上传")
    unfinished = (ImportJob.Status.QUEUED, ImportJob.Status.RUNNING)
    ImportJob.objects.filter(pk=job.pk, status__in=unfinished).update(
        status=ImportJob.Status.FAILED, errors=[RowError("", 0, "", message).as_dict()], finished_at=timezone.now()
    )
    job.refresh_from_db()
    return job


def import_job_progress(job: ImportJob) -> tuple[int, int]:
    """(rows done, rows total), live while the job runs in this process."""
    if job.is_finished:
        return job.rows_done, job.rows_total
    with _progress_lock:
        return _progress.get(job.pk, (job.rows_done, job.rows_total))


def import_job_percent(job: ImportJob) -> int:
    if job.is_finished:
        return 100
    done, total = import_job_progress(job)
    return int(done * 100 / total) if total else 0
