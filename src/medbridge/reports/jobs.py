"""Reports requested from the programme page, built in the background with visible
progress (the pattern of ``interop.services.jobs``). A report only reads, so unlike
an import it holds no transaction open and writes its progress to the job's row."""

from __future__ import annotations

import logging
import threading

from django.conf import settings
from django.db import connections, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from medbridge.accounts import access
from medbridge.accounts.audit import acting_as
from medbridge.accounts.models import User
from medbridge.programmes.models import Programme
from medbridge.reports import services
from medbridge.reports.models import ReportJob

logger = logging.getLogger(__name__)


def report_job_start(*, user: User, programme: Programme, year: int, fmt: str) -> ReportJob:
    """Record the request and build the report: at once when ``IMPORTS_INLINE``
    (tests), else in a thread so the page can show progress."""
    if fmt not in services.FORMATS:
        raise ValueError(fmt)
    access.access_programme(user, programme.pk)
    with acting_as(user):
        job = ReportJob.objects.create(user=user, programme=programme, year=year, format=fmt)
    if settings.IMPORTS_INLINE:
        report_job_run(job.pk)
        job.refresh_from_db()
        return job
    language = translation.get_language()
    thread = threading.Thread(target=_run_in_thread, args=(job.pk, language), name=f"report-job-{job.pk}", daemon=True)
    # The thread reads the job through its own connection: it must be committed first.
    transaction.on_commit(thread.start)
    return job


def _run_in_thread(job_id: int, language: str | None) -> None:
    try:
        with translation.override(language):
            report_job_run(job_id)
    except Exception:
        logger.exception("report job %s crashed", job_id)
        ReportJob.objects.filter(pk=job_id).update(
            status=ReportJob.Status.FAILED,
            error=_("生成报告时发生内部错误，请联系系统管理员"),
            finished_at=timezone.now(),
        )
    finally:
        # Threads get their own database connections; close this one, not leak it.
        connections.close_all()


def report_job_run(job_id: int) -> None:
    job = ReportJob.objects.select_related("user", "programme").get(pk=job_id)
    ReportJob.objects.filter(pk=job_id).update(status=ReportJob.Status.RUNNING)

    def progress(done: int, total: int) -> None:
        ReportJob.objects.filter(pk=job_id).update(steps_done=done, steps_total=total + 1)

    report = services.report_build(user=job.user, programme=job.programme, year=job.year, progress=progress)
    content = services.report_render(report, job.format)
    ReportJob.objects.filter(pk=job_id).update(
        status=ReportJob.Status.SUCCEEDED,
        content=content,
        file_name=services.report_file_name(report, job.format),
        steps_done=1,
        steps_total=1,
        finished_at=timezone.now(),
    )
