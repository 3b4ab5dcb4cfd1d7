"""Matching-round pages: list, review with cutoffs, forms, Excel import, publish."""

from __future__ import annotations

from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from openpyxl import Workbook

from medbridge.accounts.models import User
from medbridge.directory.models import Institution
from medbridge.planning.models import RoundStatus
from medbridge.postings.models import Posting
from tests.factories import ProfessionalFactory
from tests.planning_ui.conftest import Round

pytestmark = pytest.mark.django_db


def sheet(*rows: tuple[object, ...]) -> SimpleUploadedFile:
    book = Workbook()
    ws = book.active
    assert ws is not None
    ws.append(["姓名", "派出单位", "工作年限", "志愿1", "志愿2"])
    for row in rows:
        ws.append(list(row))
    out = BytesIO()
    book.save(out)
    return SimpleUploadedFile("apps.xlsx", out.getvalue())


def test_the_list_shows_the_round_to_its_programme_and_not_to_outsiders(
    login: object, weihai_admin: User, outsider: User, training_round: Round
) -> None:
    assert "2026年度进修" in login(weihai_admin).get("/planning/").content.decode()  # type: ignore[operator]
    page = login(outsider).get("/planning/").content.decode()  # type: ignore[operator]
    assert "2026年度进修" not in page and "还没有匹配轮次" in page


def test_the_review_page_explains_why_an_applicant_missed_a_department(
    login: object, weihai_admin: User, training_round: Round
) -> None:
    client: Client = login(weihai_admin)  # type: ignore[operator]
    url = f"/planning/rounds/{training_round.round.pk}/"
    client.post(f"{url}run/")
    page = client.get(url).content.decode()
    assert "未获得名额" in page
    assert "本人排第3位，录取线为第1位" in page


def test_an_application_form_names_a_missing_person(
    login: object, weihai_admin: User, training_round: Round, gangcha_hospital: Institution
) -> None:
    client: Client = login(weihai_admin)  # type: ignore[operator]
    url = f"/planning/rounds/{training_round.round.pk}/applications/new/"
    data = {"name": "无此人", "home_institution": gangcha_hospital.pk, "years_of_service": 3}
    page = client.post(url, data | {"choice_1": training_round.cardiology.pk}).content.decode()
    assert "派出单位没有名为“无此人”的人员" in page
    ProfessionalFactory(name="卓玛", institution=gangcha_hospital)
    response = client.post(url, data | {"name": "卓玛", "choice_1": training_round.surgery.pk})
    assert response.status_code == 302
    assert training_round.round.applications.filter(professional__name="卓玛").exists()


def test_an_excel_sheet_with_one_bad_row_adds_nobody(
    login: object, weihai_admin: User, training_round: Round, gangcha_hospital: Institution
) -> None:
    ProfessionalFactory(name="拉姆", institution=gangcha_hospital)
    ProfessionalFactory(name="多吉", institution=gangcha_hospital)
    client: Client = login(weihai_admin)  # type: ignore[operator]
    url = f"/planning/rounds/{training_round.round.pk}/applications/import/"
    bad = sheet(("拉姆", "刚察县人民医院", 4, "心内科", "普外科"), ("多吉", "刚察县人民医院", 2, "眼科"))
    page = client.post(url, {"file": bad}).content.decode()
    assert "“眼科”不是本轮的接收科室" in page and "<td>3</td>" in page
    assert training_round.round.applications.count() == 3
    good = sheet(
        ("拉姆", "刚察县人民医院", 4, "心内科", "普外科"), ("多吉", "刚察县人民医院", 2, "威海市立医院·普外科")
    )
    assert client.post(url, {"file": good}).status_code == 302
    assert training_round.round.applications.count() == 5


def test_publishing_from_the_page_creates_the_postings(
    login: object, weihai_admin: User, training_round: Round
) -> None:
    client: Client = login(weihai_admin)  # type: ignore[operator]
    url = f"/planning/rounds/{training_round.round.pk}/"
    client.post(f"{url}run/")
    client.post(f"{url}publish/")
    training_round.round.refresh_from_db()
    assert training_round.round.status == RoundStatus.PUBLISHED
    assert Posting.objects.count() == 2
    assert "计划派驻" in client.get(url).content.decode()


def test_a_recipient_sees_the_review_but_no_buttons(login: object, gangcha_admin: User, training_round: Round) -> None:
    client: Client = login(gangcha_admin)  # type: ignore[operator]
    page = client.get(f"/planning/rounds/{training_round.round.pk}/").content.decode()
    assert "才让" in page and "运行匹配" not in page
    assert client.post(f"/planning/rounds/{training_round.round.pk}/run/").status_code == 403
