"""Import and export pages: thin handlers over the interop services."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header

from medbridge.accounts import access
from medbridge.accounts.decorators import directory_user_required
from medbridge.accounts.models import User
from medbridge.interop.forms import ImportForm
from medbridge.interop.services import jobs
from medbridge.interop.services.exporter import export_workbook
from medbridge.interop.services.workbook import build_workbook, data_sheets, workbook_bytes

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
RECENT_JOBS = 10


def _user(request: HttpRequest) -> User:
    # directory_user_required has already turned anonymous visitors away.
    assert isinstance(request.user, User)
    return request.user


@directory_user_required
def import_upload(request: HttpRequest) -> HttpResponse:
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        job = jobs.import_job_start(user=_user(request), file_name=upload.name, content=upload.read())
        return redirect("interop:import_status", pk=job.pk)
    recent = [jobs.import_job_expire_if_stale(j) for j in access.import_jobs_visible_to(request.user)[:RECENT_JOBS]]
    return render(request, "interop/import.html", {"form": form, "jobs": recent})


@directory_user_required
def import_status(request: HttpRequest, pk: int) -> HttpResponse:
    job = jobs.import_job_expire_if_stale(access.access_import_job(request.user, pk))
    done, total = jobs.import_job_progress(job)
    context = {
        "job": job,
        "rows_done": done,
        "rows_total": total,
        "percent": jobs.import_job_percent(job),
        # In sheet order: PostgreSQL's jsonb does not keep the keys' order.
        "summary": [(s.title, job.summary.get(s.title, {})) for s in data_sheets()] if job.summary else [],
    }
    return render(request, "interop/import_status.html", context)


@directory_user_required
def import_progress(request: HttpRequest, pk: int) -> JsonResponse:
    """What the status page polls while the import runs."""
    job = jobs.import_job_expire_if_stale(access.access_import_job(request.user, pk))
    done, total = jobs.import_job_progress(job)
    return JsonResponse(
        {
            "status": job.status,
            "finished": job.is_finished,
            "rows_done": done,
            "rows_total": total,
            "percent": jobs.import_job_percent(job),
        }
    )


@directory_user_required
def template_download(request: HttpRequest) -> HttpResponse:
    return _xlsx(workbook_bytes(build_workbook()), "医桥导入模板.xlsx")


@directory_user_required
def export_download(request: HttpRequest) -> HttpResponse:
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return _xlsx(workbook_bytes(export_workbook(request.user)), f"医桥名录导出-{stamp}.xlsx")


def _xlsx(content: bytes, file_name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX_TYPE)
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=file_name) or ""
    return response
