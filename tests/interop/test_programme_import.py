"""Importing programmes, parties, targets, stations and engagements: all rows or none,
idempotent, through the programme services and their scope rules."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from auditlog.models import LogEntry

from medbridge.accounts.models import User
from medbridge.directory.models import Institution, Professional
from medbridge.interop.services.importer import ImportResult, import_workbook
from medbridge.programmes import services
from medbridge.programmes.models import Engagement, Party, PartyRole, Programme, Station, Target
from tests.factories import ProfessionalFactory
from tests.interop.conftest import CHILD, PROGRAMME, PROGRAMMES, STATION, Sheets, workbook

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("programme_world")]

PROGRAMME_SHEETS = ("项目", "参与方", "年度目标", "工作站", "聘任")


def run(sheets: Sheets, actor: User) -> ImportResult:
    return import_workbook(workbook(sheets), actor=actor)


def counts(result: ImportResult) -> dict[str, tuple[int, int, int]]:
    return {s: tuple(result.summary[s].values()) for s in PROGRAMME_SHEETS}  # type: ignore[misc]


def replaced(sheet: str, index: int, **cells: Any) -> Sheets:
    rows = [dict(r) for r in PROGRAMMES[sheet]]
    rows[index] = {**rows[index], **cells}
    return {**PROGRAMMES, sheet: rows}


def added(sheet: str, *rows: dict[str, Any]) -> Sheets:
    return {**PROGRAMMES, sheet: [*PROGRAMMES[sheet], *rows]}


def nothing_written() -> bool:
    return not (
        Programme.objects.exists()
        or Party.objects.exists()
        or Target.objects.exists()
        or Station.objects.exists()
        or Engagement.objects.exists()
    )


def test_it_imports_a_programme_with_its_parties_targets_station_and_experts(weihai_admin: User) -> None:
    result = run(PROGRAMMES, weihai_admin)

    assert result.errors == []
    assert counts(result) == {
        "项目": (2, 0, 0),
        "参与方": (4, 0, 0),
        "年度目标": (2, 0, 0),
        "工作站": (1, 0, 0),
        "聘任": (2, 0, 0),
    }
    programme = Programme.objects.get(name=PROGRAMME)
    assert (programme.kind, programme.start_date, programme.status) == ("paired_assistance", date(2013, 3, 1), "active")
    assert sorted(programme.specialties.values_list("code", flat=True)) == ["04.03", "05.01"]
    roles = {(p.institution.name, p.role, p.note) for p in programme.parties.all()}
    assert roles == {("威海市立医院", "lead", "市级统筹"), ("刚察县人民医院", "recipient", "")}
    child = Programme.objects.get(name=CHILD)
    assert child.parent == programme and child.start_date == date(2025, 5, 10)
    lead = child.parties.get(role=PartyRole.LEAD)
    assert lead.department is not None and lead.department.name == "骨科"
    assert dict(programme.targets.values_list("metric", "value")) == {"people_dispatched": 10, "people_trained": 34}
    station = Station.objects.get(name=STATION)
    assert (station.kind, station.host.name, station.opened_on) == (
        "expert_workstation",
        "刚察县人民医院",
        date(2020, 6, 1),
    )
    chief = Engagement.objects.get(professional__name="张华")
    assert (chief.station, chief.role, chief.letter_no, chief.end_date) == (
        station,
        "chief",
        "WH-2020-001",
        date(2023, 5, 31),
    )
    member = Engagement.objects.get(professional__name="李强")
    assert (member.station, member.role, member.programme) == (None, "member", programme)


def test_importing_the_same_programme_workbook_again_changes_nothing(weihai_admin: User) -> None:
    run(PROGRAMMES, weihai_admin)
    entries = LogEntry.objects.count()
    records = [m.objects.count() for m in (Programme, Party, Target, Station, Engagement)]

    again = run(PROGRAMMES, weihai_admin)

    assert again.errors == []
    assert counts(again) == {
        "项目": (0, 0, 2),
        "参与方": (0, 0, 4),
        "年度目标": (0, 0, 2),
        "工作站": (0, 0, 1),
        "聘任": (0, 0, 2),
    }
    assert LogEntry.objects.count() == entries
    assert [m.objects.count() for m in (Programme, Party, Target, Station, Engagement)] == records


def test_a_changed_cell_updates_only_that_record(weihai_admin: User) -> None:
    run(PROGRAMMES, weihai_admin)
    entries = LogEntry.objects.count()
    changed = {
        **replaced("年度目标", 0, 目标值=12),
        "项目": [{**PROGRAMMES["项目"][0], "项目说明": "新说明"}, PROGRAMMES["项目"][1]],
    }

    result = run(changed, weihai_admin)

    assert result.errors == []
    assert counts(result)["年度目标"] == (0, 1, 1)
    assert counts(result)["项目"] == (0, 1, 1)
    assert Target.objects.get(metric="people_dispatched").value == 12
    assert Programme.objects.get(name=PROGRAMME).description == "新说明"
    assert LogEntry.objects.count() > entries


def test_an_engagement_before_the_stations_opening_keeps_nothing(weihai_admin: User) -> None:
    result = run(replaced("聘任", 0, 聘期开始="2019-01-01"), weihai_admin)

    assert [(e.sheet, e.row, e.column) for e in result.errors] == [("聘任", 2, "聘期开始")]
    assert "揭牌日期" in result.errors[0].message
    assert nothing_written()


def test_an_end_before_the_start_keeps_nothing(weihai_admin: User) -> None:
    result = run(replaced("项目", 1, 结束日期="2020-01-01"), weihai_admin)

    first = result.errors[0]
    assert (first.sheet, first.row, first.column) == ("项目", 3, "结束日期")
    assert "结束日期不能早于开始日期" in first.message
    # The child's own rows cannot find it either, and say so.
    assert {(e.sheet, e.row) for e in result.errors[1:]} == {("参与方", 4), ("参与方", 5)}
    assert nothing_written()


def test_every_bad_row_is_listed(weihai_admin: User) -> None:
    bad = {
        **replaced("年度目标", 1, 指标="手术台数"),
        "工作站": [{**PROGRAMMES["工作站"][0], "揭牌日期": "明年"}],
    }

    result = run(bad, weihai_admin)

    assert ("年度目标", 3, "指标") in [(e.sheet, e.row, e.column) for e in result.errors]
    assert ("工作站", 2, "揭牌日期") in [(e.sheet, e.row, e.column) for e in result.errors]
    assert nothing_written()


def test_a_managing_party_outside_the_importers_scope_is_refused(weihai_admin: User) -> None:
    result = run(added("参与方", {"项目名称": PROGRAMME, "机构名称": "福清市医院", "角色": "主办单位"}), weihai_admin)

    assert [(e.sheet, e.row, e.column) for e in result.errors] == [("参与方", 6, "机构名称")]
    assert "福清市医院" in result.errors[0].message
    assert nothing_written()


def test_a_new_programme_needs_a_managing_party_of_the_importers_own(weihai_admin: User) -> None:
    sheets: Sheets = {
        "项目": [{"项目名称": "福清进修计划", "项目类型": "其他", "开始日期": "2021-01-01"}],
        "参与方": [{"项目名称": "福清进修计划", "机构名称": "福清市医院", "角色": "牵头"}],
    }

    result = run(sheets, weihai_admin)

    assert ("项目", 2, "项目名称") in [(e.sheet, e.row, e.column) for e in result.errors]
    assert "参与方" in result.errors[0].message
    assert nothing_written()


def test_a_recipient_may_not_change_a_programme_it_does_not_run(weihai_admin: User, gangcha_admin: User) -> None:
    run(PROGRAMMES, weihai_admin)

    result = run(replaced("项目", 0, 项目说明="受援方改写"), gangcha_admin)

    assert [(e.sheet, e.row, e.column) for e in result.errors] == [("项目", 2, "项目名称")]
    assert Programme.objects.get(name=PROGRAMME).description == "驻点帮扶与挂职学习"


def test_an_ambiguous_expert_needs_a_licence_number(weihai_admin: User, weihai_hospital: Institution) -> None:
    ProfessionalFactory(name="李强", institution=weihai_hospital)

    result = run(PROGRAMMES, weihai_admin)

    assert [(e.sheet, e.row, e.column) for e in result.errors] == [("聘任", 3, "专家执业证书编码")]
    assert nothing_written()


def test_an_expert_from_another_province_may_be_appointed_by_licence_number(
    weihai_admin: User, fuqing_hospital: Institution
) -> None:
    ProfessionalFactory(name="陈静", institution=fuqing_hospital, license_no="350181000000001")
    sheets = added(
        "聘任",
        {
            "项目名称": PROGRAMME,
            "专家姓名": "陈静",
            "专家执业证书编码": "350181000000001",
            "聘期开始": date(2021, 1, 1),
        },
    )

    result = run(sheets, weihai_admin)

    assert result.errors == []
    assert Engagement.objects.get(professional__name="陈静").start_date == date(2021, 1, 1)


def test_a_licence_number_of_someone_else_is_refused(weihai_admin: User) -> None:
    result = run(replaced("聘任", 0, 专家姓名="李强"), weihai_admin)

    assert [(e.sheet, e.row, e.column) for e in result.errors] == [("聘任", 2, "专家姓名")]


def test_two_visible_programmes_of_the_same_name_are_refused(weihai_admin: User, weihai_hospital: Institution) -> None:
    for _ in range(2):
        services.programme_create(
            actor=weihai_admin,
            data=services.ProgrammeData(kind="other", name=PROGRAMME, start_date=date(2013, 1, 1)),
            first_party=services.PartyData(institution=weihai_hospital, role=PartyRole.LEAD),
        )

    result = run({"项目": PROGRAMMES["项目"][:1]}, weihai_admin)

    assert [(e.sheet, e.row, e.column) for e in result.errors] == [("项目", 2, "项目名称")]
    assert "改名" in result.errors[0].message


def test_changing_a_registered_partys_note_is_reported_not_ignored(weihai_admin: User) -> None:
    run(PROGRAMMES, weihai_admin)

    result = run(replaced("参与方", 1, 备注="改了"), weihai_admin)

    assert [(e.sheet, e.row, e.column) for e in result.errors] == [("参与方", 3, "备注")]


def test_the_directory_and_programmes_import_together(weihai_admin: User) -> None:
    sheets: Sheets = {
        **PROGRAMMES,
        "人员": [{"姓名": "王新", "工作单位": "威海市立医院", "执业证书编码": "110371000000777"}],
        "聘任": [
            *PROGRAMMES["聘任"],
            {"项目名称": CHILD, "专家姓名": "王新", "专家执业证书编码": "110371000000777", "聘期开始": "2025-05-10"},
        ],
    }

    result = run(sheets, weihai_admin)

    assert result.errors == []
    assert Engagement.objects.get(professional=Professional.objects.get(name="王新")).programme.name == CHILD


def test_role_words_short_forms_and_the_old_combined_label_are_read(weihai_admin: User) -> None:
    sheets = added(
        "参与方",
        {"项目名称": PROGRAMME, "机构名称": "福清市医院", "角色": "支援"},
        {"项目名称": CHILD, "机构名称": "威海市立医院", "角色": "牵头/支援单位"},
    )

    result = run(sheets, weihai_admin)

    assert result.errors == []
    # A supporting partner commits nobody to running the programme: it may lie outside the scope.
    assert Party.objects.get(institution__name="福清市医院").role == PartyRole.SUPPORTING
    assert Party.objects.filter(programme__name=CHILD, department=None, role=PartyRole.LEAD).exists()
