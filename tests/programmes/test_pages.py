"""The programme pages as the programme offices use them: each of the five BRIEF
programmes is entered through the forms alone and read back on its page."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from medbridge.accounts.models import Role, User
from medbridge.directory.models import HospitalGrade, Institution, InstitutionCategory, Professional
from medbridge.programmes import services
from medbridge.programmes.models import PartyRole, Programme, Station, StationKind
from tests.factories import DepartmentFactory, InstitutionFactory, ProfessionalFactory, UserFactory, region

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _uploads_in_tmp(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path


def _form_errors(response: Any) -> str:
    return " ".join(re.findall(r'<ul class="errorlist">(.*?)</ul>', response.content.decode(), re.S))


def _post(client: Client, url: str, data: dict[str, Any]) -> Any:
    """POST a form that must be accepted; show the form's errors if it was not."""
    response = client.post(url, data)
    assert response.status_code == 302, _form_errors(response) or response.status_code
    return response


def _create(client: Client, **fields: Any) -> Programme:
    data = {"status": "active", **fields}
    response = _post(client, "/programmes/new/", data)
    return Programme.objects.get(pk=int(response["Location"].rstrip("/").split("/")[-1]))


def _detail(client: Client, programme: Programme) -> str:
    response = client.get(f"/programmes/{programme.pk}/")
    assert response.status_code == 200
    return str(response.content.decode())


def _institution(name: str, code: str, category: str = "A1") -> Institution:
    grade = HospitalGrade.objects.get(code="3A") if category.startswith("A") else None
    return InstitutionFactory(
        name=name, region=region(code), category=InstitutionCategory.objects.get(code=category), grade=grade
    )


def _admin_of(institution: Institution, username: str) -> User:
    return UserFactory(username=username, role=Role.INSTITUTION_ADMIN, institution=institution)


def _pdf(name: str = "agreement.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.4 signed", content_type="application/pdf")


# --- The five BRIEF programmes, entered through the pages ----------------------------


def test_the_shandong_city_enters_its_paired_assistance_of_a_qinghai_county(
    login: Any, weihai_admin: User, weihai_hospital: Institution, gangcha_hospital: Institution
) -> None:
    client = login(weihai_admin)
    programme = _create(
        client,
        kind="paired_assistance",
        name="威海市—刚察县对口帮扶",
        start_date="2013-03-01",
        specialties=["04.01", "03.02", "05", "26"],
        institution=weihai_hospital.pk,
        role="lead",
        description="驻点帮扶与挂职学习",
    )
    base = f"/programmes/{programme.pk}"
    _post(client, f"{base}/parties/new/", {"institution": "刚察县人民医院", "role": "recipient"})
    _post(client, f"{base}/targets/new/", {"year": 2025, "metric": "people_dispatched", "value": 12})
    _post(
        client,
        f"{base}/agreements/new/",
        {
            "title": "对口帮扶协议书",
            "signed_on": "2025-06-12",
            "signatories": "威海市立医院、刚察县人民医院",
            "file": _pdf(),
        },
    )
    child = _create(
        client,
        kind="paired_assistance",
        name="威海市立医院—刚察县人民医院结对帮扶",
        start_date="2025-06-12",
        parent=programme.pk,
        institution=weihai_hospital.pk,
        role="lead",
    )
    page = _detail(client, programme)
    assert "青海省海北藏族自治州刚察县" in page and "受援/成员单位" in page
    assert "普通外科专业" in page and "麻醉科" in page
    assert "派出人数" in page and ">12" in page
    assert "对口帮扶协议书" in page and f"{base}/agreements/" in page
    assert child.name in page and "签约" in page


def test_a_university_department_leads_the_orthopaedics_alliance_with_members(
    login: Any, hospital_a: Institution
) -> None:
    university = _institution("山西医科大学第二医院", "140100")
    DepartmentFactory(institution=university, name="骨科")
    gaoping = _institution("高平市人民医院", "140581")
    client = login(_admin_of(university, "sxmu2_admin"))
    programme = _create(
        client,
        kind="specialty_alliance",
        name="山西省骨科专科联盟",
        start_date="2024-04-20",
        specialties=["04.03"],
        institution=university.pk,
        department="骨科",
        role="lead",
    )
    for member in (gaoping, hospital_a):
        _post(client, f"/programmes/{programme.pk}/parties/new/", {"institution": member.name, "role": "recipient"})
    page = _detail(client, programme)
    lead, members = page.split(f">{PartyRole.LEAD.label}</th>")[1].split(f">{PartyRole.RECIPIENT.label}</th>")
    assert "山西医科大学第二医院" in lead and "骨科" in lead
    assert "高平市人民医院" in members and "长治市人民医院" in members
    member_admin = login(_admin_of(gaoping, "gaoping_admin"))
    assert "山西省骨科专科联盟" in member_admin.get("/programmes/").content.decode()


def test_the_hospital_association_cooperation_opens_a_workstation_with_eight_experts(login: Any) -> None:
    science = _institution("山西省科学技术协会", "140100", "X2")
    association = _institution("山西省医学会", "140100", "Q2")
    tcm = _institution("长治市中医医院", "140400", "A2")
    provincial = _institution("山西省人民医院", "140100")
    officer = UserFactory(username="shanxi_officer", role=Role.COMMISSION_OFFICER, region=region("140000"))
    client = login(officer)
    programme = _create(
        client,
        kind="hospital_association",
        name="长治市中医医院院会合作示范基地",
        start_date="2024-05-18",
        institution=association.pk,
        role="organising",
    )
    base = f"/programmes/{programme.pk}"
    _post(client, f"{base}/parties/new/", {"institution": science.name, "role": "guiding"})
    _post(client, f"{base}/parties/new/", {"institution": tcm.name, "role": "hosting"})
    _post(
        client,
        f"{base}/stations/new/",
        {
            "kind": "expert_workstation",
            "name": "山西省医学会专家工作站（长治市中医医院）",
            "host": tcm.pk,
            "opened_on": "2024-05-18",
            "plaque_text": "山西省医学会专家工作站",
        },
    )
    station = Station.objects.get(programme=programme)
    experts = ProfessionalFactory.create_batch(8, institution=provincial)
    for n, expert in enumerate(experts, start=1):
        role = "chief" if n == 1 else "member"
        _post(
            client,
            f"{base}/engagements/new/",
            {
                "professional": expert.pk,
                "station": station.pk,
                "role": role,
                "letter_no": f"晋医会聘〔2024〕{n}号",
                "start_date": "2024-05-18",
            },
        )
    page = _detail(client, programme)
    for label in ("指导单位", "主办单位", "承办单位", "山西省科学技术协会", "山西省医学会", "长治市中医医院"):
        assert label in page
    station_page = client.get(f"/programmes/stations/{station.pk}/").content.decode()
    assert "在聘专家（8）" in station_page and "首席专家" in station_page
    assert all(e.name in station_page for e in experts) and "晋医会聘〔2024〕8号" in station_page
    assert 'class="plaque"' in station_page


def test_the_provincial_hospital_enters_its_trusteeship_of_a_county_level_hospital(login: Any) -> None:
    provincial = _institution("山西省人民医院", "140100")
    gaoping = _institution("高平市人民医院", "140581")
    client = login(_admin_of(provincial, "sxph_admin"))
    programme = _create(
        client,
        kind="trusteeship",
        name="山西省人民医院托管高平市人民医院",
        start_date="2020-09-01",
        institution=provincial.pk,
        role="trustee",
    )
    base = f"/programmes/{programme.pk}"
    _post(client, f"{base}/parties/new/", {"institution": gaoping.name, "role": "trusteed", "joined_on": "2020-09-01"})
    _post(client, f"{base}/agreements/new/", {"title": "托管协议", "signed_on": "2020-09-01"})
    page = _detail(client, programme)
    trustee, trusteed = page.split(">托管方</th>")[1].split(">被托管方</th>")
    assert "山西省人民医院" in trustee and "高平市人民医院" in trusteed
    assert "托管协议" in page and "项目启动" in page


def test_the_shanghai_partner_opens_three_famous_doctor_workstations_in_fuqing(
    login: Any, fuqing_hospital: Institution, fuqing_admin: User
) -> None:
    zhongshan = _institution("复旦大学附属中山医院", "310104")
    client = login(_admin_of(zhongshan, "zhongshan_admin"))
    programme = _create(
        client,
        kind="co_construction",
        name="复旦大学附属中山医院—福清市医院合作共建",
        start_date="2021-03-01",
        specialties=["04.01"],
        institution=zhongshan.pk,
        role="lead",
    )
    base = f"/programmes/{programme.pk}"
    _post(client, f"{base}/parties/new/", {"institution": fuqing_hospital.name, "role": "recipient"})
    _post(client, f"{base}/targets/new/", {"year": 2024, "metric": "people_trained", "value": 12})
    names = ["肝胆外科名医工作站", "超声医学名医工作站", "助产名医工作站"]
    for year, name in enumerate(names, start=2021):
        data = {
            "kind": "famous_doctor_workstation",
            "name": name,
            "host": fuqing_hospital.pk,
            "opened_on": f"{year}-06-01",
        }
        _post(client, f"{base}/stations/new/", data)
        expert = ProfessionalFactory(institution=zhongshan)
        station = Station.objects.get(name=name)
        _post(
            client,
            f"{base}/engagements/new/",
            {"professional": expert.pk, "station": station.pk, "role": "chief", "start_date": f"{year}-06-01"},
        )
    page = _detail(client, programme)
    assert all(name in page for name in names) and "培训人数" in page
    fuqing_stations = login(fuqing_admin).get("/programmes/stations/", {"kind": "famous_doctor_workstation"})
    assert all(name in fuqing_stations.content.decode() for name in names)


# --- Refusals ------------------------------------------------------------------------------


def test_an_end_before_the_start_is_refused_beside_the_field(
    login: Any, weihai_admin: User, weihai_hospital: Institution
) -> None:
    response = login(weihai_admin).post(
        "/programmes/new/",
        {
            "kind": "paired_assistance",
            "name": "日期颠倒的项目",
            "start_date": "2025-01-01",
            "end_date": "2024-01-01",
            "status": "active",
            "institution": weihai_hospital.pk,
            "role": "lead",
        },
    )
    assert response.status_code == 200
    assert "结束日期不能早于开始日期" in _form_errors(response)
    assert not Programme.objects.filter(name="日期颠倒的项目").exists()


def test_the_same_party_twice_in_the_same_role_is_refused(
    login: Any, weihai_admin: User, paired_programme: Programme
) -> None:
    response = login(weihai_admin).post(
        f"/programmes/{paired_programme.pk}/parties/new/", {"institution": "刚察县人民医院", "role": "recipient"}
    )
    assert response.status_code == 200
    assert "“刚察县人民医院”已是本项目的受援/成员单位" in _form_errors(response)


def test_a_party_is_edited_from_the_programme_page(login: Any, weihai_admin: User, paired_programme: Programme) -> None:
    client = login(weihai_admin)
    party = paired_programme.parties.get(role=PartyRole.RECIPIENT)
    url = f"/programmes/{paired_programme.pk}/parties/{party.pk}/edit/"
    assert url in _detail(client, paired_programme)
    assert 'value="刚察县人民医院"' in client.get(url).content.decode()
    _post(client, url, {"institution": "刚察县人民医院", "role": "recipient", "note": "2013年起受援"})
    assert "2013年起受援" in _detail(client, paired_programme)


def test_an_unknown_institution_name_is_refused_with_a_hint(
    login: Any, weihai_admin: User, paired_programme: Programme
) -> None:
    response = login(weihai_admin).post(
        f"/programmes/{paired_programme.pk}/parties/new/", {"institution": "刚察县医院", "role": "recipient"}
    )
    assert "机构名录中没有这个名称" in _form_errors(response)


def test_an_engagement_before_the_station_opened_is_refused(
    login: Any, weihai_admin: User, weihai_hospital: Institution, paired_programme: Programme
) -> None:
    station = services.station_create(
        actor=weihai_admin,
        data=services.StationData(
            programme=paired_programme,
            kind=StationKind.EXPERT_WORKSTATION,
            name="刚察县专家工作站",
            host=weihai_hospital,
            opened_on=date(2020, 8, 1),
        ),
    )
    expert = ProfessionalFactory(institution=weihai_hospital)
    response = login(weihai_admin).post(
        f"/programmes/{paired_programme.pk}/engagements/new/",
        {"professional": expert.pk, "station": station.pk, "role": "member", "start_date": "2019-01-01"},
    )
    assert response.status_code == 200
    assert "聘期不能早于工作站揭牌日期（2020-08-01）" in _form_errors(response)
    assert not station.engagements.exists()


def test_a_lead_party_outside_the_users_scope_is_forbidden(
    login: Any, weihai_admin: User, paired_programme: Programme, fuqing_hospital: Institution
) -> None:
    response = login(weihai_admin).post(
        f"/programmes/{paired_programme.pk}/parties/new/", {"institution": fuqing_hospital.name, "role": "lead"}
    )
    assert response.status_code == 403
    assert "“福清市医院”不在您的管辖范围内" in response.content.decode()
    assert not paired_programme.parties.filter(institution=fuqing_hospital).exists()


# --- Who sees what -----------------------------------------------------------------------


def test_the_county_officer_lists_the_paired_programme_and_not_the_fujian_one(
    login: Any, gangcha_officer: User, paired_programme: Programme, training_programme: Programme
) -> None:
    page = login(gangcha_officer).get("/programmes/").content.decode()
    assert paired_programme.name in page and training_programme.name not in page


def test_the_programme_list_filters_by_region_name_kind_and_year(
    login: Any, sysadmin: User, paired_programme: Programme, training_programme: Programme
) -> None:
    client = login(sysadmin)
    by_region = client.get("/programmes/", {"region": "刚察县"}).content.decode()
    assert paired_programme.name in by_region and training_programme.name not in by_region
    by_kind = client.get("/programmes/", {"kind": "other"}).content.decode()
    assert training_programme.name in by_kind and paired_programme.name not in by_kind
    before = client.get("/programmes/", {"year": 2015}).content.decode()
    assert paired_programme.name in before and training_programme.name not in before
    nothing = client.get("/programmes/", {"q": "不存在的项目"}).content.decode()
    assert "没有符合条件的项目" in nothing


def test_the_recipients_admin_sees_the_programme_without_edit_controls(
    login: Any, gangcha_admin: User, paired_programme: Programme
) -> None:
    client = login(gangcha_admin)
    page = _detail(client, paired_programme)
    assert "威海市立医院" in page
    assert f"/programmes/{paired_programme.pk}/edit/" not in page and "添加参与方" not in page
    for url in ("edit/", "parties/new/", "stations/new/", "engagements/new/", "targets/new/", "agreements/new/"):
        assert client.get(f"/programmes/{paired_programme.pk}/{url}").status_code == 403, url
    assert client.post(f"/programmes/{paired_programme.pk}/edit/", {"name": "改名"}).status_code == 403


def test_the_agreement_file_is_served_to_the_parties_and_hidden_from_outsiders(
    login: Any, weihai_admin: User, gangcha_admin: User, fuqing_admin: User, paired_programme: Programme
) -> None:
    _post(
        login(weihai_admin),
        f"/programmes/{paired_programme.pk}/agreements/new/",
        {"title": "对口帮扶协议书", "signed_on": "2025-06-12", "file": _pdf("xieyi.pdf")},
    )
    agreement = paired_programme.agreements.get()
    url = f"/programmes/{paired_programme.pk}/agreements/{agreement.pk}/file/"
    download = login(gangcha_admin).get(url)
    assert download.status_code == 200 and b"".join(download.streaming_content) == b"%PDF-1.4 signed"
    assert login(fuqing_admin).get(url).status_code == 404


def test_an_editor_removes_a_receiving_party_and_deletes_a_target(
    login: Any, weihai_admin: User, paired_programme: Programme
) -> None:
    client = login(weihai_admin)
    target = services.target_set(
        actor=weihai_admin, programme=paired_programme, year=2025, metric="surgeries", value=30
    )
    recipient = paired_programme.parties.get(role="recipient")
    client.post(f"/programmes/{paired_programme.pk}/targets/{target.pk}/delete/")
    response = client.post(f"/programmes/{paired_programme.pk}/parties/{recipient.pk}/remove/", follow=True)
    assert "已移除参与方“刚察县人民医院”" in response.content.decode()
    assert not paired_programme.targets.exists() and not paired_programme.parties.filter(pk=recipient.pk).exists()


def test_the_expert_search_narrows_the_choices(
    login: Any, weihai_admin: User, paired_programme: Programme, doctor_b: Professional
) -> None:
    ProfessionalFactory(name="赵一")
    page = login(weihai_admin).get(f"/programmes/{paired_programme.pk}/engagements/new/", {"q": "王芳"})
    assert "王芳" in page.content.decode() and "赵一" not in page.content.decode()


def test_the_programme_list_paginates(login: Any, weihai_admin: User, weihai_hospital: Institution) -> None:
    for n in range(30):
        services.programme_create(
            actor=weihai_admin,
            data=services.ProgrammeData(kind="paired_assistance", name=f"帮扶项目{n:02d}", start_date=date(2020, 1, 1)),
            first_party=services.PartyData(institution=weihai_hospital, role="lead"),
        )
    client = login(weihai_admin)
    assert "第 1 / 2 页，共 30 条" in client.get("/programmes/").content.decode()
    assert "第 2 / 2 页" in client.get("/programmes/", {"page": 2}).content.decode()


def test_the_station_list_says_when_nothing_matches(
    login: Any, weihai_admin: User, paired_programme: Programme
) -> None:
    page = login(weihai_admin).get("/programmes/stations/", {"q": "不存在的工作站"}).content.decode()
    assert "没有符合条件的工作站或基地" in page


@pytest.mark.parametrize("model", ["programme", "party", "agreement", "target", "station", "engagement"])
def test_the_system_admin_can_browse_every_programme_record_in_the_admin(
    login: Any, sysadmin: User, paired_programme: Programme, model: str
) -> None:
    assert login(sysadmin).get(f"/admin/programmes/{model}/", {"q": "刚察"}).status_code == 200


def test_the_admin_opens_a_programme_with_its_parties_inline(
    login: Any, sysadmin: User, paired_programme: Programme
) -> None:
    page = login(sysadmin).get(f"/admin/programmes/programme/{paired_programme.pk}/change/").content.decode()
    assert "刚察县人民医院" in page


def test_an_editor_ends_an_appointment_and_the_station_lists_the_expert_as_past(
    login: Any, weihai_admin: User, gangcha_hospital: Institution, paired_programme: Programme
) -> None:
    station = services.station_create(
        actor=weihai_admin,
        data=services.StationData(
            programme=paired_programme,
            kind=StationKind.EXPERT_WORKSTATION,
            name="刚察县专家工作站",
            host=gangcha_hospital,
            opened_on=date(2020, 8, 1),
        ),
    )
    expert = ProfessionalFactory(name="周涛")
    engagement = services.engagement_create(
        actor=weihai_admin,
        data=services.EngagementData(
            professional=expert, programme=paired_programme, station=station, start_date=date(2020, 8, 1)
        ),
    )
    client = login(weihai_admin)
    url = f"/programmes/{paired_programme.pk}/engagements/{engagement.pk}/edit/"
    assert f'<option value="{expert.pk}" selected>' in client.get(url).content.decode()
    data = {"professional": expert.pk, "station": station.pk, "role": "member", "start_date": "2020-08-01"}
    _post(client, url, {**data, "end_date": "2023-07-31"})
    page = client.get(f"/programmes/stations/{station.pk}/").content.decode()
    assert "在聘专家（0）" in page and "往期专家（1）" in page and "2020-08-01 – 2023-07-31" in page
