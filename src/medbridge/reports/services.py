"""The annual programme report: gathered once from the figures selectors, then
written as Excel (summary, by specialty, people), HTML, or PDF (WeasyPrint, with
server-side SVG charts). Reports write nothing to the database but the job rows
of ``reports.jobs``; they only read through ``reports.selectors``."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from medbridge.accounts import access
from medbridge.interop.services.workbook import workbook_bytes
from medbridge.postings.models import Posting
from medbridge.programmes.models import Programme
from medbridge.reports import charts, selectors
from medbridge.reports.selectors import FigureScope

FORMATS = ("xlsx", "pdf", "html")
CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
    "html": "text/html; charset=utf-8",
}
Progress = Callable[[int, int], None]


@dataclass
class Report:
    """Everything the annual report of one programme shows."""

    programme: Programme
    year: int
    cumulative: selectors.Figures
    summary: str
    specialties: list[selectors.SpecialtyRow]
    attainment: list[selectors.Attainment]
    people: list[Posting]
    top_experts: list[selectors.ExpertRow]

    @property
    def year_rows(self) -> list[tuple[str, int, int]]:
        """(label, this year, since the start) for every metric with a figure."""
        c = self.cumulative
        return [(str(label), c.value(m, self.year), c.total(m)) for m, label in selectors.METRICS.items() if c.total(m)]


def _quiet(done: int, total: int) -> None:
    return None


def report_build(*, user: Any, programme: Programme, year: int, progress: Progress = _quiet) -> Report:
    """Collects the report's figures as ``user`` may see them."""
    scope = FigureScope(programme=programme)
    progress(0, 4)
    cumulative = selectors.figures(user, scope)
    progress(1, 4)
    year_scope = FigureScope(programme=programme, year=year)
    specialties = selectors.specialty_breakdown(user, year_scope)
    people = list(selectors.scoped_postings(user, year_scope).order_by("kind", "planned_start", "professional__name"))
    progress(2, 4)
    experts = selectors.top_experts(user, year_scope)
    progress(3, 4)
    report = Report(
        programme=programme,
        year=year,
        cumulative=cumulative,
        summary=selectors.summary_paragraph(cumulative),
        specialties=specialties,
        attainment=selectors.target_attainment(programme, cumulative),
        people=people,
        top_experts=experts,
    )
    progress(4, 4)
    return report


def report_for(*, user: Any, programme_id: int, year: int) -> Report:
    return report_build(user=user, programme=access.access_programme(user, programme_id), year=year)


# --- Excel ---------------------------------------------------------------------------


def report_xlsx(report: Report) -> bytes:
    book = Workbook()
    _summary_sheet(book.active, report)
    _specialty_sheet(book.create_sheet(_("按专科")), report)
    _people_sheet(book.create_sheet(_("人员")), report)
    return workbook_bytes(book)


def _bold_header(sheet: Any, row: list[str]) -> None:
    sheet.append(row)
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)


def _summary_sheet(sheet: Any, report: Report) -> None:
    sheet.title = str(_("汇总"))
    sheet.append([report.programme.name])
    sheet.append([report.summary])
    sheet.append([])
    _bold_header(sheet, [_("指标"), _("%(y)d年") % {"y": report.year}, _("累计")])
    for label, this_year, total in report.year_rows:
        sheet.append([label, this_year, total])
    if report.attainment:
        sheet.append([])
        _bold_header(sheet, [_("目标"), _("年度"), _("目标值"), _("完成值"), _("完成率%")])
        for a in report.attainment:
            sheet.append([a.label, a.year, a.target, a.actual, a.percent])
    sheet.column_dimensions["A"].width = 24


def _specialty_sheet(sheet: Any, report: Report) -> None:
    _bold_header(sheet, [_("专科"), _("驻点帮扶"), _("挂职学习"), _("进修"), _("柔性坐诊"), _("合计")])
    for r in report.specialties:
        sheet.append([r.name, r.stationed, r.attachment, r.training, r.visiting, r.total])
    sheet.column_dimensions["A"].width = 20


def _people_sheet(sheet: Any, report: Report) -> None:
    _bold_header(
        sheet, [_("姓名"), _("派驻类型"), _("派出单位"), _("接收单位"), _("科室"), _("开始"), _("结束"), _("状态")]
    )
    for p in report.people:
        department = p.assisted_department
        sheet.append(
            [
                p.professional.name,
                p.get_kind_display(),
                p.home_institution.name,
                p.host_institution.name,
                department.name if department else "",
                p.planned_start,
                p.planned_end,
                p.get_status_display(),
            ]
        )
    for column in "CD":
        sheet.column_dimensions[column].width = 24


# --- HTML and PDF --------------------------------------------------------------------


def _svg_charts(report: Report) -> list[str]:
    c = report.cumulative
    years = c.years
    found = [
        charts.bar_chart(str(_("历年驻点帮扶人次")), [str(y) for y in years], [c.value("stationed", y) for y in years]),
        charts.hbar_chart(
            str(_("%(y)d年各专科派驻人次") % {"y": report.year}),
            [r.name for r in report.specialties[:12]],
            [r.total for r in report.specialties[:12]],
        ),
    ]
    if c.total("clinic_visits"):
        found.append(
            charts.bar_chart(
                str(_("历年坐诊人次")), [str(y) for y in years], [c.value("clinic_visits", y) for y in years]
            )
        )
    return [svg for svg in found if svg and any(c.total(m) for m in ("stationed", "clinic_visits", "attachment"))]


def report_html(report: Report) -> str:
    return render_to_string(
        "reports/report.html",
        {"r": report, "charts": _svg_charts(report), "generated": timezone.localtime()},
    )


def report_pdf(report: Report) -> bytes:
    # Imported here: WeasyPrint loads Pango through cffi, which only PDFs need.
    from weasyprint import HTML

    pdf: bytes = HTML(string=report_html(report)).write_pdf()
    return pdf


def report_render(report: Report, fmt: str) -> bytes:
    if fmt == "xlsx":
        return report_xlsx(report)
    if fmt == "pdf":
        return report_pdf(report)
    return report_html(report).encode()


def report_file_name(report: Report, fmt: str) -> str:
    return f"report-{report.programme.pk}-{report.year}.{fmt}"
