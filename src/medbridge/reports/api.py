"""Report endpoints: the figures of the dashboard (counted from the records, in the
user's scope) and the user's own annual-report jobs. Same scoping as the pages:
the programme and institution of a scope are looked up through the access module."""

from datetime import datetime
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from medbridge.accounts import access
from medbridge.directory.api import Page, filter_given
from medbridge.reports import selectors
from medbridge.reports.models import ReportJob
from medbridge.reports.selectors import FigureScope

router = Router(tags=["reports"])


class FiguresQuery(Schema):
    programme: int | None = Field(None, description="项目 id（含子项目）")
    region: str = Field("", pattern=r"^\d{0,12}$", description="GB/T 2260 代码：派出或接收一端在此地区内")
    institution: int | None = Field(None, description="机构 id：派出或接收一端")
    year: int | None = Field(None, ge=1900, le=2100, description="年度；不填为累计")


class FiguresOut(Schema):
    since: int | None = Field(description="统计起始年度")
    years: list[int]
    totals: dict[str, int] = Field(description="指标 → 累计（或所选年度）数值")
    by_year: dict[str, dict[int, int]] = Field(description="指标 → 年度 → 数值")
    labels: dict[str, str] = Field(description="指标 → 中文名称")
    specialties: list[str] = Field(description="派驻帮扶涉及的专科")


class ReportJobOut(Schema):
    id: int
    programme_id: int
    year: int
    format: str
    status: str
    percent: int
    file_name: str
    error: str
    created_at: datetime
    finished_at: datetime | None
    download_url: str | None

    @staticmethod
    def resolve_download_url(obj: ReportJob) -> str | None:
        done = obj.status == ReportJob.Status.SUCCEEDED
        return reverse("reports:job_download", args=[obj.pk]) if done else None


@router.get("/reports/figures", response=FiguresOut, summary="统计数字（派驻、坐诊、活动、转诊……按年度与累计）")
def figures(request: HttpRequest, filters: Query[FiguresQuery]) -> Any:
    """The figures of the dashboard and of the annual report, counted from the
    records the user may see; a scope narrows them to a programme, a region, an
    institution or a year."""
    if not access.can_use_directory(request.user):
        raise PermissionDenied(_("无权查看统计数字"))
    scope = FigureScope(
        programme=access.access_programme(request.user, filters.programme) if filters.programme else None,
        region=filters.region.rstrip("0"),
        institution=access.access_institution(request.user, filters.institution) if filters.institution else None,
        year=filters.year,
    )
    result = selectors.figures(request.user, scope)
    return {
        "since": result.since,
        "years": result.years,
        "totals": {m: result.value(m, scope.year) for m in selectors.METRICS},
        "by_year": result.by_year,
        "labels": {m: str(label) for m, label in selectors.METRICS.items()},
        "specialties": result.specialties,
    }


@router.get("/report-jobs", response=list[ReportJobOut], summary="我申请的年度报告（按项目、状态筛选）")
@paginate(Page)
def list_report_jobs(request: HttpRequest, programme: int | None = None, status: str = "") -> Any:
    return filter_given(access.report_jobs_visible_to(request.user), programme_id=programme, status=status).defer(
        "content"
    )


@router.get("/report-jobs/{int:pk}", response=ReportJobOut, summary="年度报告任务：进度与下载地址")
def get_report_job(request: HttpRequest, pk: int) -> Any:
    return access.access_report_job(request.user, pk)


__all__ = ["router"]
