"""The figures selector over small hand-made records: scoping by the access
module, distinct experts across years, the year axis, and the PDF's SVG charts."""

from __future__ import annotations

from datetime import date

from medbridge.accounts.models import User
from medbridge.directory.models import Institution, Professional
from medbridge.reports import charts, selectors
from medbridge.reports.selectors import Figures, FigureScope
from tests.factories import ClinicSessionFactory


def held(expert: Professional, host: Institution, day: date, seen: int) -> None:
    ClinicSessionFactory(expert=expert, host=host, date=day, status="held", checked_in=seen, walk_ins=1)


def test_clinic_visits_count_check_ins_and_walk_ins_of_what_the_user_may_see(
    hospital_a: Institution, doctor_b: Professional, sysadmin: User, admin_a: User, outsider: User
) -> None:
    held(doctor_b, hospital_a, date(2024, 5, 6), 10)
    held(doctor_b, hospital_a, date(2025, 5, 5), 20)
    assert selectors.figures(sysadmin, FigureScope()).total("clinic_visits") == 32
    assert selectors.figures(admin_a, FigureScope(year=2025)).total("clinic_visits") == 21
    assert selectors.figures(outsider, FigureScope()).total("clinic_visits") == 0


def test_an_expert_who_came_in_two_years_is_one_expert_since_the_start(
    hospital_a: Institution, doctor_b: Professional, sysadmin: User
) -> None:
    held(doctor_b, hospital_a, date(2023, 5, 8), 5)
    held(doctor_b, hospital_a, date(2025, 5, 5), 5)
    result = selectors.figures(sysadmin, FigureScope())
    assert result.total("visiting_experts") == 1
    assert result.years == [2023, 2024, 2025]
    assert [row[0] for row in result.rows()] == ["visiting_experts", "sessions_held", "clinic_visits"]


def test_a_region_scope_keeps_only_records_inside_it(
    hospital_a: Institution, doctor_b: Professional, sysadmin: User
) -> None:
    held(doctor_b, hospital_a, date(2025, 5, 5), 7)
    inside = hospital_a.region.code[:2]
    assert selectors.figures(sysadmin, FigureScope(region=inside)).total("clinic_visits") == 8
    assert selectors.figures(sysadmin, FigureScope(region="65")).total("clinic_visits") == 0


def test_with_nothing_recorded_the_summary_says_so() -> None:
    assert selectors.summary_paragraph(Figures()) == "暂无可统计的帮扶记录。"


def test_the_pdf_charts_are_svg_with_every_value_printed() -> None:
    svg = charts.bar_chart("历年驻点帮扶人次", ["2024", "2025"], [8, 13])
    assert svg.startswith("<svg") and svg.endswith("</svg>")
    assert ">8</text>" in svg and ">13</text>" in svg and "历年驻点帮扶人次" in svg
    assert charts.hbar_chart("按专科", [], []) == ""
