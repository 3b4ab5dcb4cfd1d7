"""Programmes through /api/v1/: each of the five BRIEF programmes entered and read
back as an integrating system would, the refusals a user must get, and who sees what."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from auditlog.models import LogEntry
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from medbridge.accounts.models import Role, User
from medbridge.directory.models import Institution, InstitutionCategory
from medbridge.programmes.models import Programme
from tests.factories import DepartmentFactory, InstitutionFactory, ProfessionalFactory, UserFactory, region, specialty


def post(client: Client, url: str, body: dict[str, Any]) -> Any:
    return client.post(url, body, content_type="application/json")


def created(client: Client, url: str, body: dict[str, Any]) -> dict[str, Any]:
    response = post(client, url, body)
    assert response.status_code == 201, response.content
    result: dict[str, Any] = response.json()
    return result


def institution(name: str, code: str, category: str = "A1") -> Institution:
    graded = category.startswith(("A", "C", "G", "H"))
    extra = {} if graded else {"grade": None}
    return InstitutionFactory(  # type: ignore[no-any-return]
        name=name, region=region(code), category=InstitutionCategory.objects.get(code=category), **extra
    )


def new_programme(client: Client, kind: str, name: str, start: str, lead: Institution, **extra: Any) -> dict[str, Any]:
    first_party = {"institution_id": lead.pk, "role": extra.pop("role", "lead")}
    if "department_id" in extra:
        first_party["department_id"] = extra.pop("department_id")
    body = {"kind": kind, "name": name, "start_date": start, "first_party": first_party, **extra}
    return created(client, "/api/v1/programmes", body)


def add_party(client: Client, programme: dict[str, Any], who: Institution, role: str, **extra: Any) -> Any:
    return post(
        client, f"/api/v1/programmes/{programme['id']}/parties", {"institution_id": who.pk, "role": role, **extra}
    )


def put_target(client: Client, programme: dict[str, Any], year: int, metric: str, value: int) -> Any:
    body = {"year": year, "metric": metric, "value": value}
    return client.put(f"/api/v1/programmes/{programme['id']}/targets", body, content_type="application/json")


def roles(programme: dict[str, Any]) -> set[tuple[str, str]]:
    return {(p["institution_name"], p["role"]) for p in programme["parties"]}


@pytest.fixture
def shanxi_officer(db: None) -> User:
    return UserFactory(username="shanxi_officer", role=Role.COMMISSION_OFFICER, region=region("140000"))


# --- The five BRIEF programmes ---------------------------------------------------------------


def test_a_city_records_flexible_introduction_a_hometown_network_and_a_co_built_training_centre(
    login: Any, city_officer: User, hospital_a: Institution
) -> None:
    client = login(city_officer)
    flexible = new_programme(
        client,
        "flexible_introduction",
        "长治市柔性引进京沪穗高端医疗人才",
        "2023-01-01",
        hospital_a,
        description="每周来长坐诊，累计接诊 4 万余人次",
    )
    for code in ("110105", "310104", "440106"):
        expert = ProfessionalFactory(institution=institution(f"{code}某三甲医院", code))
        created(
            client,
            "/api/v1/engagements",
            {
                "professional_id": expert.pk,
                "programme_id": flexible["id"],
                "start_date": "2023-03-01",
                "letter_no": f"长柔引{code}",
            },
        )
    assert put_target(client, flexible, 2024, "clinic_visits", 40000).status_code == 200

    commission = institution("长治市卫生健康委员会", "140400", "X1")
    hometown = new_programme(client, "other", "长治籍在外医疗人才新春座谈", "2025-02-03", commission, role="organising")
    assert add_party(client, hometown, hospital_a, "hosting").status_code == 201

    fuwai = institution("中国医学科学院阜外医院", "110102", "A515")
    fuwai_admin = UserFactory(role=Role.INSTITUTION_ADMIN, institution=fuwai)
    partner = login(fuwai_admin)
    co_built = new_programme(partner, "co_construction", "阜外医院—长治市人民医院心血管培训中心", "2024-06-01", fuwai)
    assert add_party(partner, co_built, hospital_a, "recipient").status_code == 201
    cardiology = DepartmentFactory(institution=hospital_a, name="心血管内科", specialty=specialty("03.04"))
    centre = created(
        partner,
        "/api/v1/stations",
        {
            "programme_id": co_built["id"],
            "kind": "training_centre",
            "name": "长治市心血管病培训中心",
            "host_id": hospital_a.pk,
            "host_department_id": cardiology.pk,
            "opened_on": "2024-06-18",
        },
    )

    read = client.get(f"/api/v1/programmes/{flexible['id']}").json()
    assert (read["kind"], read["description"], read["can_edit"]) == (
        "flexible_introduction",
        flexible["description"],
        True,
    )
    engaged = client.get("/api/v1/engagements", {"programme": flexible["id"]}).json()
    assert engaged["count"] == 3
    assert client.get(f"/api/v1/programmes/{flexible['id']}/targets").json()[0]["value"] == 40000
    assert roles(client.get(f"/api/v1/programmes/{hometown['id']}").json()) == {
        ("长治市卫生健康委员会", "organising"),
        ("长治市人民医院", "hosting"),
    }
    # The city sees the co-built centre it hosts, but the heart hospital runs it.
    seen = client.get(f"/api/v1/programmes/{co_built['id']}").json()
    assert seen["can_edit"] is False
    assert client.get(f"/api/v1/stations/{centre['id']}").json()["host_department_id"] == cardiology.pk


def test_a_hospital_association_programme_with_a_county_base_and_an_expert_workstation_of_eight(
    login: Any, shanxi_officer: User
) -> None:
    client = login(shanxi_officer)
    cast = institution("山西省科学技术协会", "140106", "X2")
    association = institution("山西省医学会", "140106", "Q2")
    jinzhong_tcm = institution("晋中市中医院", "140702", "A2")
    yushe = institution("榆社县中医院", "140721", "A2")

    base = new_programme(
        client,
        "hospital_association",
        "山西省医学会—晋中市中医院院会合作示范基地",
        "2024-05-18",
        association,
        role="organising",
    )
    assert add_party(client, base, cast, "guiding").status_code == 201
    assert add_party(client, base, jinzhong_tcm, "hosting").status_code == 201
    county = new_programme(
        client,
        "county_association",
        "榆社县县会合作基地",
        "2024-05-18",
        association,
        role="organising",
        parent_id=base["id"],
    )
    assert add_party(client, county, yushe, "hosting").status_code == 201
    station = created(
        client,
        "/api/v1/stations",
        {
            "programme_id": base["id"],
            "kind": "expert_workstation",
            "name": "山西省医学会专家工作站",
            "host_id": jinzhong_tcm.pk,
            "opened_on": "2024-05-18",
            "plaque_text": "山西省医学会专家工作站",
        },
    )
    provincial = institution("山西省人民医院", "140106")
    for n in range(8):
        expert = ProfessionalFactory(name=f"专家{n}", institution=provincial)
        created(
            client,
            "/api/v1/engagements",
            {
                "professional_id": expert.pk,
                "station_id": station["id"],
                "role": "chief" if n == 0 else "member",
                "letter_no": f"晋医会聘〔2024〕{n + 1}号",
                "start_date": "2024-05-18",
                "end_date": "2029-05-17",
            },
        )

    read = client.get(f"/api/v1/programmes/{base['id']}").json()
    assert roles(read) == {
        ("山西省科学技术协会", "guiding"),
        ("山西省医学会", "organising"),
        ("晋中市中医院", "hosting"),
    }
    assert client.get(f"/api/v1/programmes/{county['id']}").json()["parent_id"] == base["id"]
    detail = client.get(f"/api/v1/stations/{station['id']}").json()
    assert len(detail["current_experts"]) == 8 and detail["past_experts"] == []
    assert [e["role"] for e in detail["current_experts"]].count("chief") == 1
    timeline = client.get(f"/api/v1/programmes/{base['id']}/timeline").json()
    assert {"授牌", "聘任", "子项目"} <= {event["kind"] for event in timeline}
    assert any(event["title"] == "聘任专家 8 名" for event in timeline)


def test_a_specialty_alliance_led_by_a_department_and_a_trusteeship(login: Any, shanxi_officer: User) -> None:
    client = login(shanxi_officer)
    university = institution("山西医科大学第二医院", "140106")
    orthopaedics = DepartmentFactory(institution=university, name="骨科", specialty=specialty("04.03"))
    provincial = institution("山西省人民医院", "140106")
    gaoping = institution("高平市人民医院", "140581")
    yushe = institution("榆社县人民医院", "140721")

    alliance = new_programme(
        client,
        "specialty_alliance",
        "山西省骨科专科联盟",
        "2024-09-01",
        university,
        department_id=orthopaedics.pk,
        end_date="2029-08-31",
        specialties=["04.03"],
    )
    for member in (gaoping, yushe):
        assert add_party(client, alliance, member, "recipient").status_code == 201
    trusteeship = new_programme(
        client, "trusteeship", "山西省人民医院托管高平市人民医院", "2022-01-01", provincial, role="trustee"
    )
    assert add_party(client, trusteeship, gaoping, "trusteed").status_code == 201

    read = client.get(f"/api/v1/programmes/{alliance['id']}").json()
    lead = next(p for p in read["parties"] if p["role"] == "lead")
    assert (lead["institution_name"], lead["department_name"]) == ("山西医科大学第二医院", "骨科")
    assert read["specialties"] == ["04.03"] and read["end_date"] == "2029-08-31"
    assert roles(client.get(f"/api/v1/programmes/{trusteeship['id']}").json()) == {
        ("山西省人民医院", "trustee"),
        ("高平市人民医院", "trusteed"),
    }
    listed = client.get("/api/v1/programmes", {"q": "高平"}).json()
    assert {p["name"] for p in listed["items"]} == {"山西省骨科专科联盟", "山西省人民医院托管高平市人民医院"}


def test_a_shandong_city_assists_a_qinghai_county_with_a_hospital_agreement_inside(
    login: Any,
    weihai_officer: User,
    weihai_hospital: Institution,
    gangcha_hospital: Institution,
    settings: Any,
    tmp_path: Path,
) -> None:
    settings.MEDIA_ROOT = tmp_path
    client = login(weihai_officer)
    specialties = ["04.01", "03.02", "05", "50.11", "32", "26", "21"]
    paired = new_programme(
        client, "paired_assistance", "威海市对口帮扶刚察县", "2013-03-01", weihai_hospital, specialties=specialties
    )
    # The county lies in another province: it can only be named as the receiving side.
    assert add_party(client, paired, gangcha_hospital, "recipient").status_code == 201
    agreement = new_programme(
        client,
        "paired_assistance",
        "威海市立医院—刚察县人民医院对口帮扶协议",
        "2025-06-10",
        weihai_hospital,
        parent_id=paired["id"],
    )
    assert add_party(client, agreement, gangcha_hospital, "recipient").status_code == 201
    upload = client.post(
        f"/api/v1/programmes/{agreement['id']}/agreements",
        {
            "title": "对口帮扶协议书",
            "signed_on": "2025-06-10",
            "signatories": "威海市立医院；刚察县人民医院",
            "file": SimpleUploadedFile("协议.pdf", b"%PDF-1.4", content_type="application/pdf"),
        },
    )
    assert upload.status_code == 201, upload.content
    framework = {"title": "威海市—刚察县对口支援框架协议", "signed_on": "2013-03-01"}
    assert client.post(f"/api/v1/programmes/{paired['id']}/agreements", framework).json()["file_url"] is None
    assert put_target(client, paired, 2025, "people_dispatched", 10).status_code == 200

    read = client.get(f"/api/v1/programmes/{paired['id']}").json()
    assert sorted(read["specialties"]) == sorted(specialties)
    assert roles(read) == {("威海市立医院", "lead"), ("刚察县人民医院", "recipient")}
    child = client.get(f"/api/v1/programmes/{agreement['id']}").json()
    assert child["parent_id"] == paired["id"]
    documents = client.get(f"/api/v1/programmes/{agreement['id']}/agreements").json()
    assert documents[0]["title"] == "对口帮扶协议书"
    download = client.get(documents[0]["file_url"])
    assert download.status_code == 200 and b"".join(download.streaming_content) == b"%PDF-1.4"
    assert LogEntry.objects.get_for_object(Programme.objects.get(pk=paired["id"])).get().actor == weihai_officer


def test_a_fujian_hospital_runs_training_placements_with_three_famous_doctor_workstations(
    login: Any, fuqing_admin: User, fuqing_hospital: Institution
) -> None:
    client = login(fuqing_admin)
    zhongshan = institution("复旦大学附属中山医院", "310104")
    obstetrics = institution("复旦大学附属妇产科医院", "310104", "A518")
    training = new_programme(
        client,
        "other",
        "福清市医院骨干人才赴沪进修",
        "2021-01-01",
        fuqing_hospital,
        specialties=["32.05", "04.01", "05"],
    )
    # The Shanghai hospitals take in the trainees: they are the programme's members.
    for host in (zhongshan, obstetrics):
        assert add_party(client, training, host, "recipient").status_code == 201
    stations = []
    for n, (name, home) in enumerate([("超声", zhongshan), ("肝胆外科", zhongshan), ("产科", obstetrics)]):
        station = created(
            client,
            "/api/v1/stations",
            {
                "programme_id": training["id"],
                "kind": "famous_doctor_workstation",
                "name": f"{name}名医工作站",
                "host_id": fuqing_hospital.pk,
                "opened_on": f"{2021 + n}-09-01",
            },
        )
        expert = ProfessionalFactory(institution=home, title=None)
        created(
            client,
            "/api/v1/engagements",
            {
                "professional_id": expert.pk,
                "station_id": station["id"],
                "role": "chief",
                "start_date": f"{2021 + n}-09-01",
            },
        )
        stations.append(station)

    listed = client.get("/api/v1/stations", {"programme": training["id"]}).json()
    assert listed["count"] == 3
    assert {s["host_name"] for s in listed["items"]} == {"福清市医院"}
    read = client.get(f"/api/v1/programmes/{training['id']}").json()
    assert roles(read) == {
        ("福清市医院", "lead"),
        ("复旦大学附属中山医院", "recipient"),
        ("复旦大学附属妇产科医院", "recipient"),
    }
    chief = client.get(f"/api/v1/stations/{stations[2]['id']}").json()["current_experts"][0]
    assert chief["professional_institution"] == "复旦大学附属妇产科医院"


# --- Editing --------------------------------------------------------------------------------------


def test_a_patch_changes_only_what_it_names(login: Any, weihai_officer: User, paired_programme: Programme) -> None:
    client = login(weihai_officer)
    response = client.patch(
        f"/api/v1/programmes/{paired_programme.pk}",
        {"status": "ended", "end_date": "2025-12-31"},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["status"], body["end_date"], body["name"]) == ("ended", "2025-12-31", "威海—刚察对口帮扶")
    assert len(body["parties"]) == 2


def test_a_party_and_a_target_can_be_removed(
    login: Any, weihai_officer: User, paired_programme: Programme, gangcha_hospital: Institution
) -> None:
    client = login(weihai_officer)
    url = f"/api/v1/programmes/{paired_programme.pk}"
    target = client.put(
        f"{url}/targets", {"year": 2020, "metric": "lectures", "value": 4}, content_type="application/json"
    )
    recipient = paired_programme.parties.get(institution=gangcha_hospital)
    assert client.delete(f"{url}/parties/{recipient.pk}").status_code == 204
    assert client.delete(f"{url}/targets/{target.json()['id']}").status_code == 204
    assert [p["institution_name"] for p in client.get(f"{url}/parties").json()] == ["威海市立医院"]
    assert client.get(f"{url}/targets").json() == []


def test_the_list_filters_by_kind_region_and_year(
    login: Any, sysadmin: User, paired_programme: Programme, training_programme: Programme
) -> None:
    client = login(sysadmin)

    def names(**query: Any) -> set[str]:
        return {p["name"] for p in client.get("/api/v1/programmes", query).json()["items"]}

    assert names(kind="paired_assistance") == {"威海—刚察对口帮扶"}
    assert names(region="630000") == {"威海—刚察对口帮扶"}
    assert names(year=2015) == {"威海—刚察对口帮扶"}
    assert names(year=2022) == {"威海—刚察对口帮扶", "福清市医院骨干进修计划"}


# --- Refusals ----------------------------------------------------------------------------------------


def assert_refused(response: Any, field: str) -> None:
    assert response.status_code == 422, response.content
    assert field in response.json()["error"]["fields"], response.json()


def test_a_programme_ending_before_it_starts_is_refused(
    login: Any, weihai_officer: User, weihai_hospital: Institution
) -> None:
    response = post(
        login(weihai_officer),
        "/api/v1/programmes",
        {
            "kind": "paired_assistance",
            "name": "倒置的项目",
            "start_date": "2025-01-01",
            "end_date": "2024-12-31",
            "first_party": {"institution_id": weihai_hospital.pk, "role": "lead"},
        },
    )
    assert_refused(response, "end_date")
    assert not Programme.objects.filter(name="倒置的项目").exists()


def test_the_same_party_twice_in_the_same_role_is_refused(
    login: Any, weihai_officer: User, paired_programme: Programme, gangcha_hospital: Institution
) -> None:
    programme = {"id": paired_programme.pk}
    assert_refused(add_party(login(weihai_officer), programme, gangcha_hospital, "recipient"), "institution")


def test_an_engagement_outside_the_stations_life_is_refused(
    login: Any, weihai_officer: User, paired_programme: Programme, gangcha_hospital: Institution
) -> None:
    client = login(weihai_officer)
    station = created(
        client,
        "/api/v1/stations",
        {
            "programme_id": paired_programme.pk,
            "kind": "expert_workstation",
            "name": "刚察县专家工作站",
            "host_id": gangcha_hospital.pk,
            "opened_on": "2020-07-01",
            "closed_on": "2024-06-30",
        },
    )
    expert = ProfessionalFactory()
    body = {"professional_id": expert.pk, "station_id": station["id"]}
    assert_refused(post(client, "/api/v1/engagements", body | {"start_date": "2020-06-30"}), "start_date")
    late = body | {"start_date": "2023-07-01", "end_date": "2025-06-30"}
    assert_refused(post(client, "/api/v1/engagements", late), "end_date")
    assert client.get("/api/v1/engagements", {"station": station["id"]}).json()["count"] == 0


def test_naming_a_party_outside_ones_scope_to_run_the_programme_is_forbidden(
    login: Any, weihai_officer: User, paired_programme: Programme
) -> None:
    xining = institution("青海省人民医院", "630103")
    response = add_party(login(weihai_officer), {"id": paired_programme.pk}, xining, "lead")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "forbidden"
    assert not paired_programme.parties.filter(institution=xining).exists()


def test_a_target_outside_the_programme_period_is_refused(
    login: Any, weihai_officer: User, paired_programme: Programme
) -> None:
    response = put_target(login(weihai_officer), {"id": paired_programme.pk}, 2012, "people_dispatched", 5)
    assert_refused(response, "year")


def test_an_engagement_needs_a_programme_or_a_station(login: Any, weihai_officer: User) -> None:
    body = {"professional_id": ProfessionalFactory().pk, "start_date": "2025-01-01"}
    assert_refused(post(login(weihai_officer), "/api/v1/engagements", body), "programme_id")


# --- Who sees what -------------------------------------------------------------------------------------


def test_the_county_officer_lists_the_assistance_to_the_county_and_not_the_fujian_programme(
    login: Any, gangcha_officer: User, paired_programme: Programme, training_programme: Programme
) -> None:
    client = login(gangcha_officer)
    body = client.get("/api/v1/programmes").json()
    assert [p["name"] for p in body["items"]] == ["威海—刚察对口帮扶"]
    assert body["items"][0]["can_edit"] is False
    assert client.get(f"/api/v1/programmes/{training_programme.pk}").status_code == 404


def test_a_member_hospital_sees_its_alliance_but_cannot_change_it(login: Any, shanxi_officer: User) -> None:
    university = institution("山西医科大学第二医院", "140106")
    gaoping = institution("高平市人民医院", "140581")
    alliance = new_programme(
        login(shanxi_officer), "specialty_alliance", "山西省骨科专科联盟", "2024-09-01", university
    )
    assert add_party(login(shanxi_officer), alliance, gaoping, "recipient").status_code == 201

    member = login(UserFactory(role=Role.INSTITUTION_ADMIN, institution=gaoping))
    assert [p["name"] for p in member.get("/api/v1/programmes").json()["items"]] == ["山西省骨科专科联盟"]
    response = member.patch(f"/api/v1/programmes/{alliance['id']}", {"name": "改名"}, content_type="application/json")
    assert response.status_code == 403
    assert member.get(f"/api/v1/programmes/{alliance['id']}").json()["name"] == "山西省骨科专科联盟"


def test_an_outsider_gets_not_found_for_a_programme_and_its_station(
    login: Any, outsider: User, weihai_admin: User, paired_programme: Programme, gangcha_hospital: Institution
) -> None:
    station = created(
        login(weihai_admin),
        "/api/v1/stations",
        {
            "programme_id": paired_programme.pk,
            "kind": "expert_workstation",
            "name": "刚察县专家工作站",
            "host_id": gangcha_hospital.pk,
            "opened_on": "2020-07-01",
        },
    )
    client = login(outsider)
    assert client.get(f"/api/v1/programmes/{paired_programme.pk}").status_code == 404
    assert client.get(f"/api/v1/programmes/{paired_programme.pk}/parties").status_code == 404
    assert client.get(f"/api/v1/stations/{station['id']}").status_code == 404
    assert client.get("/api/v1/programmes").json()["count"] == 0


def test_anonymous_callers_are_asked_to_sign_in(client: Client, paired_programme: Programme) -> None:
    response = client.get(f"/api/v1/programmes/{paired_programme.pk}")
    assert response.status_code == 401
