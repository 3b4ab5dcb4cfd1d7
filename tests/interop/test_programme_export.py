"""Exporting programmes in the import format, so that importing them back changes
nothing; and the command line and upload page with programme sheets."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from io import StringIO
from pathlib import Path

import pytest
from auditlog.models import LogEntry
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from medbridge.accounts.models import User
from medbridge.directory.models import Institution
from medbridge.interop.models import ImportJob
from medbridge.interop.services.exporter import export_workbook
from medbridge.interop.services.importer import import_workbook
from medbridge.interop.services.workbook import workbook_bytes
from medbridge.programmes import services
from medbridge.programmes.models import Engagement, PartyRole, Programme, Station
from tests.factories import ProfessionalFactory
from tests.interop.conftest import CHILD, PROGRAMME, PROGRAMMES, STATION, read_sheet, save, workbook

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("programme_world")]
Login = Callable[[User], Client]


@pytest.fixture
def imported(programme_world: None, weihai_admin: User, fuqing_hospital: Institution) -> None:
    result = import_workbook(workbook(PROGRAMMES), actor=weihai_admin)
    assert result.errors == []
    # An expert from a province the importer cannot see, with a closed station and
    # surrounding spaces the cells lose: the export must still read back unchanged.
    programme = Programme.objects.get(name=PROGRAMME)
    station = Station.objects.get(name=STATION)
    services.station_update(
        actor=weihai_admin,
        station=station,
        data=services.StationData(
            programme=programme,
            kind=station.kind,
            name=station.name,
            host=station.host,
            opened_on=station.opened_on,
            closed_on=date(2024, 12, 31),
            plaque_text=" 威海专家工作站 ",
        ),
    )
    outsider = ProfessionalFactory(name="陈静", institution=fuqing_hospital, license_no="350181000000001")
    services.engagement_create(
        actor=weihai_admin,
        data=services.EngagementData(
            professional=outsider,
            programme=programme,
            station=station,
            start_date=date(2021, 1, 1),
            end_date=date(2024, 12, 31),
        ),
    )


def round_trip(user: User) -> tuple[dict[str, dict[str, int]], int]:
    before = LogEntry.objects.count()
    result = import_workbook(workbook_bytes(export_workbook(user)), actor=user)
    assert result.errors == []
    return result.summary, LogEntry.objects.count() - before


@pytest.mark.usefixtures("imported")
@pytest.mark.parametrize("who", ["weihai_admin", "gangcha_admin", "sysadmin"])
def test_importing_a_programme_export_changes_nothing(who: str, request: pytest.FixtureRequest) -> None:
    user: User = request.getfixturevalue(who)

    summary, new_entries = round_trip(user)

    assert new_entries == 0
    assert all(c["created"] == c["updated"] == 0 for c in summary.values())
    assert summary["项目"]["unchanged"] == 2
    assert summary["聘任"]["unchanged"] == 3
    assert Engagement.objects.count() == 3


@pytest.mark.usefixtures("imported")
def test_the_export_writes_programmes_in_the_import_format(weihai_admin: User) -> None:
    content = workbook_bytes(export_workbook(weihai_admin))

    programmes = read_sheet(content, "项目")
    parties = read_sheet(content, "参与方")
    engagements = {r["专家姓名"]: r for r in read_sheet(content, "聘任")}

    assert [p["项目名称"] for p in programmes] == [PROGRAMME, CHILD]
    assert programmes[0]["项目类型"] == "对口帮扶" and programmes[0]["状态"] == "进行中"
    assert programmes[0]["涉及专科"] == "骨科专业、妇科专业"
    assert programmes[1]["上级项目"] == PROGRAMME
    assert programmes[0]["开始日期"].date() == date(2013, 3, 1)
    # The managing party comes first: it is the one a new programme starts with.
    assert [(p["机构名称"], p["角色"]) for p in parties[:2]] == [
        ("威海市立医院", "牵头单位"),
        ("刚察县人民医院", "受援/成员单位"),
    ]
    assert engagements["张华"]["专家执业证书编码"] == "110371000000001"
    # Someone outside the exporter's directory scope: named, but no licence number.
    assert engagements["陈静"]["专家执业证书编码"] is None
    assert engagements["陈静"]["专家工作单位"] == "福清市医院"


@pytest.mark.usefixtures("imported")
def test_a_user_who_sees_no_programmes_gets_empty_programme_sheets(admin_a: User) -> None:
    content = workbook_bytes(export_workbook(admin_a))

    assert [r["机构名称"] for r in read_sheet(content, "机构")] == ["长治市人民医院"]
    assert all(read_sheet(content, s) == [] for s in ("项目", "参与方", "年度目标", "工作站", "聘任"))


@pytest.mark.usefixtures("imported")
def test_a_child_programme_whose_parent_the_user_cannot_see_reads_back_unchanged(
    fuqing_hospital: Institution, weihai_admin: User, sysadmin: User, django_user_model: type[User]
) -> None:
    from medbridge.accounts.models import Role

    fuqing_admin = django_user_model.objects.create(
        username="fuqing_admin", role=Role.INSTITUTION_ADMIN, institution=fuqing_hospital
    )
    services.programme_create(
        actor=sysadmin,
        data=services.ProgrammeData(
            kind="other", name="福清子项目", start_date=date(2022, 1, 1), parent=Programme.objects.get(name=PROGRAMME)
        ),
        first_party=services.PartyData(institution=fuqing_hospital, role=PartyRole.LEAD),
    )

    summary, new_entries = round_trip(fuqing_admin)

    assert new_entries == 0 and summary["项目"] == {"created": 0, "updated": 0, "unchanged": 1}


def test_the_import_command_imports_programmes(weihai_admin: User, tmp_path: Path) -> None:
    out = StringIO()

    call_command(
        "import", str(save(tmp_path, workbook(PROGRAMMES))), user="weihai_admin", stdout=out, stderr=StringIO()
    )

    assert "项目：新增 2，更新 0，未变 0" in out.getvalue()
    assert "聘任：新增 2，更新 0，未变 0" in out.getvalue()
    assert Programme.objects.filter(name=PROGRAMME).exists()


def test_the_import_command_lists_programme_errors_and_keeps_nothing(weihai_admin: User, tmp_path: Path) -> None:
    bad = {**PROGRAMMES, "聘任": [{**PROGRAMMES["聘任"][0], "聘期开始": "2019-01-01"}]}
    err = StringIO()

    with pytest.raises(CommandError, match="共 1 处错误"):
        call_command("import", str(save(tmp_path, workbook(bad))), user="weihai_admin", stdout=StringIO(), stderr=err)

    assert "聘任，第 2 行，聘期开始：" in err.getvalue()
    assert not Programme.objects.exists()


@pytest.mark.usefixtures("imported")
def test_the_export_command_writes_programmes(weihai_admin: User, tmp_path: Path) -> None:
    out = tmp_path / "导出.xlsx"

    call_command("export", str(out), user="weihai_admin", stdout=StringIO())

    assert [r["名称"] for r in read_sheet(out, "工作站")] == [STATION]


def test_an_uploaded_programme_workbook_is_imported(weihai_admin: User, login: Login) -> None:
    client = login(weihai_admin)

    response = client.post(reverse("interop:import"), {"file": SimpleUploadedFile("项目.xlsx", workbook(PROGRAMMES))})
    job = ImportJob.objects.get()
    page = client.get(response["Location"]).content.decode()

    assert job.status == ImportJob.Status.SUCCEEDED
    assert job.summary["工作站"] == {"created": 1, "updated": 0, "unchanged": 0}
    assert "<td>年度目标</td><td>2</td>" in page


def test_a_bad_programme_upload_shows_sheet_row_and_column(weihai_admin: User, login: Login) -> None:
    client = login(weihai_admin)
    bad = {**PROGRAMMES, "项目": [{**PROGRAMMES["项目"][0], "结束日期": "2000-01-01"}, PROGRAMMES["项目"][1]]}

    response = client.post(reverse("interop:import"), {"file": SimpleUploadedFile("项目.xlsx", workbook(bad))})
    page = client.get(response["Location"]).content.decode()

    assert "<td>项目</td><td>2</td><td>结束日期</td>" in page
    assert not Programme.objects.exists()


def test_the_template_documents_the_programme_sheets(tmp_path: Path) -> None:
    out = tmp_path / "模板.xlsx"
    call_command("template", str(out), stdout=StringIO())

    notes = " ".join(str(r) for r in read_sheet(out, "说明"))

    assert "YYYY-MM-DD" in notes and "第一个参与方" in notes
    assert read_sheet(out, "聘任") == []
