"""The demo's figures, computed by the reports selectors from the records, are the
ones the brief quotes; and the other apps' own counts agree with them."""

from __future__ import annotations

import re
import shutil
import subprocess
from io import BytesIO, StringIO
from itertools import takewhile
from pathlib import Path
from typing import Any

from django.core.management import call_command
from openpyxl import load_workbook

from medbridge.accounts.models import User
from medbridge.activities.selectors import activity_figures_by_programme
from medbridge.demo.programmes import ALLIANCE, ASSOCIATION, FLEXIBLE, FUQING, WEIHAI
from medbridge.demo.seed import DemoResult
from medbridge.postings.models import WorkLog
from medbridge.postings.selectors import log_totals
from medbridge.programmes.models import Programme
from medbridge.reports import selectors, services
from medbridge.reports.models import ReportJob
from medbridge.reports.selectors import FigureScope

BRIEF_SPECIALTIES = {"肝胆外科", "消化内科", "妇产科", "肛肠外科", "医学影像科", "麻醉科", "康复医学科", "护理部"}


def figures_of(username: str, programme: str, year: int | None = None) -> selectors.Figures:
    user = User.objects.get(username=username)
    scope = FigureScope(programme=Programme.objects.get(name=programme), year=year)
    return selectors.figures(user, scope)


def test_weihai_reports_97_stationed_and_34_attachments_in_8_specialties(seeded: DemoResult) -> None:
    result = figures_of("weihai", WEIHAI)
    assert (result.total("stationed"), result.total("attachment")) == (97, 34)
    assert set(result.specialties) == BRIEF_SPECIALTIES
    assert result.since == 2013
    assert result.total("person_days") > 97 * 100


def test_the_summary_paragraph_reads_like_the_press_release(seeded: DemoResult) -> None:
    text = selectors.summary_paragraph(figures_of("weihai", WEIHAI))
    assert text.startswith("自2013年以来，累计选派97名专业技术人员驻点帮扶，接收34名")
    assert "等8个专业" in text


def test_fuqing_sends_12_for_training(seeded: DemoResult) -> None:
    assert figures_of("fuqing", FUQING).total("training") == 12


def test_changzhi_counts_233_visiting_experts_and_over_40000_visits(seeded: DemoResult) -> None:
    result = figures_of("changzhi", FLEXIBLE)
    assert result.total("visiting_experts") == 233
    assert len(selectors.top_experts(User.objects.get(username="changzhi"), FigureScope(), limit=300)) == 233
    assert result.total("clinic_visits") > 40_000


def test_the_tcm_workstation_has_8_experts_and_a_free_clinic_of_100_plus(seeded: DemoResult) -> None:
    result = figures_of("admin", ASSOCIATION)
    assert result.total("engaged_experts") == 8
    assert result.total("free_clinic_patients") >= 100


def test_the_alliance_lectures_reach_500_plus(seeded: DemoResult) -> None:
    assert figures_of("admin", ALLIANCE).total("lecture_attendance") >= 500


def test_the_figures_agree_with_each_apps_own_counts(seeded: DemoResult) -> None:
    programme = Programme.objects.get(name=WEIHAI)
    logs = log_totals(WorkLog.objects.filter(posting__programme=programme))
    result = figures_of("admin", WEIHAI)
    assert result.total("surgeries") == logs.surgeries_performed + logs.surgeries_assisted
    alliance = Programme.objects.get(name=ALLIANCE)
    own = activity_figures_by_programme([alliance.pk])[alliance.pk]
    assert figures_of("admin", ALLIANCE).total("activity_attendance") == own.attendance


def test_an_outsider_sees_no_figures(seeded: DemoResult) -> None:
    outsider = User.objects.get(username="trainee")
    result = selectors.figures(outsider, FigureScope(programme=Programme.objects.get(name=WEIHAI)))
    assert result.total("clinic_visits") == 0


# --- The reports and the dashboard over the same demo ---------------------------------


def weihai_report(username: str = "weihai", year: int = 2025) -> services.Report:
    user = User.objects.get(username=username)
    return services.report_build(user=user, programme=Programme.objects.get(name=WEIHAI), year=year)


def test_the_pdf_report_carries_the_chinese_summary_and_figures(seeded: DemoResult, tmp_path: Path) -> None:
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(services.report_pdf(weihai_report()))
    pdftotext = shutil.which("pdftotext") or "pdftotext"  # poppler-utils, installed by .ci/run
    text = subprocess.run([pdftotext, str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    flat = "".join(text.split())
    assert "自2013年以来，累计选派97名专业技术人员驻点帮扶" in flat
    assert "威海市—刚察县对口帮扶2025年度报告" in flat
    assert "目标完成情况" in flat


def test_the_excel_report_holds_the_numbers_the_dashboard_shows(seeded: DemoResult, login: Any) -> None:
    book = load_workbook(BytesIO(services.report_xlsx(weihai_report())))
    rows = takewhile(lambda row: row[0], book["汇总"].iter_rows(min_row=5, values_only=True))
    summary = {row[0]: row[2] for row in rows}
    programme = Programme.objects.get(name=WEIHAI)
    page = login(User.objects.get(username="weihai")).get(f"/reports/?programme={programme.pk}").content.decode()
    for label in ("驻点帮扶人次", "挂职学习人次", "驻点人天", "手术例数", "新技术新项目"):
        assert re.search(rf"<div class=\"n\" data-metric=\"\w+\">{summary[label]}</div><div class=\"l\">{label}", page)
    assert (summary["驻点帮扶人次"], summary["挂职学习人次"]) == (97, 34)
    specialties = [row[0] for row in book["按专科"].iter_rows(min_row=2, values_only=True)]
    people = list(book["人员"].iter_rows(min_row=2, values_only=True))
    assert set(specialties) <= BRIEF_SPECIALTIES and len(people) == 8


def test_each_chart_on_the_dashboard_has_its_numbers_in_a_table(seeded: DemoResult, login: Any) -> None:
    programme = Programme.objects.get(name=WEIHAI)
    page = login(User.objects.get(username="weihai")).get(f"/reports/?programme={programme.pk}").content.decode()
    for chart in ("trend", "specialty", "flows", "experts"):
        assert f'id="chart-{chart}"' in page and f'id="table-{chart}"' in page
    assert "vendor/echarts/echarts.min.js" in page and "cdn" not in page.lower()
    assert "<td>威海市</td><td>海北藏族自治州</td>" in page


def test_the_programme_page_builds_a_report_in_the_background(seeded: DemoResult, login: Any, settings: Any) -> None:
    settings.IMPORTS_INLINE = True
    programme = Programme.objects.get(name=WEIHAI)
    client = login(User.objects.get(username="weihai"))
    assert "生成 PDF 报告" in client.get(f"/programmes/{programme.pk}/").content.decode()
    response = client.post(f"/reports/programme/{programme.pk}/report/", {"year": 2025, "format": "xlsx"})
    job = ReportJob.objects.get()
    assert response["Location"] == f"/reports/jobs/{job.pk}/"
    assert "下载 report-" in client.get(response["Location"]).content.decode()
    download = client.get(f"/reports/jobs/{job.pk}/download/")
    assert load_workbook(BytesIO(download.content))["汇总"]["A1"].value == WEIHAI
    other = login(User.objects.get(username="gangcha"))
    assert other.get(f"/reports/jobs/{job.pk}/download/").status_code == 404


def test_the_report_command_writes_each_format(seeded: DemoResult, tmp_path: Path) -> None:
    programme = Programme.objects.get(name=WEIHAI)
    for fmt in ("xlsx", "html"):
        out = tmp_path / f"r.{fmt}"
        call_command("report", programme=programme.pk, year=2025, format=fmt, output=str(out), stdout=StringIO())
        assert out.stat().st_size > 1000
    assert "累计选派97名" in (tmp_path / "r.html").read_text()


def test_a_county_officer_sees_the_same_programme_figures(seeded: DemoResult) -> None:
    assert figures_of("gangcha", WEIHAI).totals["stationed"] == 97
    assert figures_of("changzhi", WEIHAI).totals["stationed"] == 0


def test_the_weihai_officers_home_page_quotes_the_programmes_figures(seeded: DemoResult, client: Any) -> None:
    client.force_login(User.objects.get(username="weihai"))
    page = client.get("/").content.decode()
    assert "累计成效" in page
    assert "自2013年以来，累计选派97名专业技术人员驻点帮扶，接收34名" in page
