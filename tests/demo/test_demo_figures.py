"""The demo's figures, computed by the reports selectors from the records, are the
ones the brief quotes; and the other apps' own counts agree with them."""

from __future__ import annotations

from medbridge.accounts.models import User
from medbridge.activities.selectors import activity_figures_by_programme
from medbridge.demo.programmes import ALLIANCE, ASSOCIATION, FLEXIBLE, FUQING, WEIHAI
from medbridge.demo.seed import DemoResult
from medbridge.postings.models import WorkLog
from medbridge.postings.selectors import log_totals
from medbridge.programmes.models import Programme
from medbridge.reports import selectors
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
    assert result.total("visiting_experts") >= 233
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
