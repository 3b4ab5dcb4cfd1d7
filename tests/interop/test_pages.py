"""The import/export pages, end to end with the test client (imports run inline)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from io import BytesIO
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from medbridge.accounts.models import User
from medbridge.directory.models import Institution, Professional
from medbridge.interop.models import ImportJob
from tests.interop.conftest import GOOD, SHEETS, Sheets, workbook

pytestmark = pytest.mark.django_db
Login = Callable[[User], Client]


def upload(client: Client, content: bytes, name: str = "名录.xlsx") -> ImportJob:
    response = client.post(reverse("interop:import"), {"file": SimpleUploadedFile(name, content)})
    assert response.status_code == 302
    return ImportJob.objects.get(pk=response["Location"].rstrip("/").rsplit("/", 1)[-1])


def test_an_uploaded_workbook_is_imported_and_its_summary_shown(sysadmin: User, login: Login) -> None:
    client = login(sysadmin)

    job = upload(client, workbook(GOOD))
    page = client.get(reverse("interop:import_status", args=[job.pk])).content.decode()

    assert job.status == ImportJob.Status.SUCCEEDED
    assert (job.rows_done, job.rows_total) == (6, 6)
    assert job.summary["人员"] == {"created": 2, "updated": 0, "unchanged": 0}
    assert "导入结果" in page and "width: 100%" in page
    assert Professional.objects.filter(name="赵强").exists()


def test_a_bad_upload_shows_the_error_table_and_keeps_nothing(sysadmin: User, login: Login) -> None:
    client = login(sysadmin)
    bad: Sheets = {
        **GOOD,
        "科室": [*GOOD["科室"], {"机构名称": "平顺县人民医院", "科室名称": "眼科", "诊疗科目": "99"}],
    }

    job = upload(client, workbook(bad))
    page = client.get(reverse("interop:import_status", args=[job.pk])).content.decode()

    assert job.status == ImportJob.Status.FAILED
    assert job.errors == [{"sheet": "科室", "row": 4, "column": "诊疗科目", "message": job.errors[0]["message"]}]
    assert "未写入任何数据" in page
    assert "<td>科室</td><td>4</td><td>诊疗科目</td>" in page
    assert not Institution.objects.filter(name__startswith="平顺县").exists()


def test_a_file_that_is_not_an_xlsx_is_refused_on_the_form(sysadmin: User, login: Login) -> None:
    response = login(sysadmin).post(reverse("interop:import"), {"file": SimpleUploadedFile("名录.xls", b"\xd0\xcf")})

    assert response.status_code == 200
    assert ".xlsx" in response.content.decode()
    assert not ImportJob.objects.exists()


def test_a_corrupt_xlsx_fails_with_a_message_not_a_server_error(sysadmin: User, login: Login) -> None:
    client = login(sysadmin)

    job = upload(client, b"PK\x03\x04 this is not really a zip")
    page = client.get(reverse("interop:import_status", args=[job.pk])).content.decode()

    assert job.status == ImportJob.Status.FAILED
    assert "无法读取该文件" in page


def test_people_see_only_their_own_import_jobs(
    admin_a: User, city_officer: User, sysadmin: User, hospital_a: Institution, login: Login
) -> None:
    job = upload(login(admin_a), workbook({"人员": [{"姓名": "周杰", "工作单位": hospital_a.name}]}))

    assert login(city_officer).get(reverse("interop:import_status", args=[job.pk])).status_code == 404
    assert login(sysadmin).get(reverse("interop:import_status", args=[job.pk])).status_code == 200
    assert job.file_name not in login(city_officer).get(reverse("interop:import")).content.decode()
    assert job.file_name in login(admin_a).get(reverse("interop:import")).content.decode()


def test_the_progress_endpoint_reports_rows_done(sysadmin: User, login: Login) -> None:
    client = login(sysadmin)
    job = upload(client, workbook(GOOD))

    data = client.get(reverse("interop:import_progress", args=[job.pk])).json()

    assert data == {"status": "succeeded", "finished": True, "rows_done": 6, "rows_total": 6, "percent": 100}


def test_the_template_and_the_export_download_as_workbooks(admin_a: User, login: Login) -> None:
    client = login(admin_a)

    for name in ("interop:template", "interop:export"):
        response = client.get(reverse(name))
        assert response.status_code == 200
        assert "attachment" in response["Content-Disposition"]
        assert load_workbook(BytesIO(response.content)).sheetnames == SHEETS


def test_the_import_page_offers_the_template_and_needs_a_directory_user(
    admin_a: User, auditor: User, login: Login
) -> None:
    page = login(admin_a).get(reverse("interop:import")).content.decode()

    assert reverse("interop:template") in page and reverse("interop:export") in page
    assert login(auditor).get(reverse("interop:import")).status_code == 403
    assert login(auditor).get(reverse("interop:export")).status_code == 403
    assert Client().get(reverse("interop:import")).status_code == 302


@pytest.mark.django_db(transaction=True)
def test_a_page_import_runs_in_the_background_when_not_inline(sysadmin: User, login: Login, settings: Any) -> None:
    settings.IMPORTS_INLINE = False
    client = login(sysadmin)

    response = client.post(reverse("interop:import"), {"file": SimpleUploadedFile("名录.xlsx", workbook(GOOD))})
    for thread in threading.enumerate():
        if thread.name.startswith("import-job-"):
            thread.join(timeout=60)
    job = ImportJob.objects.get()

    assert response["Location"] == reverse("interop:import_status", args=[job.pk])
    assert client.get(reverse("interop:import_progress", args=[job.pk])).json()["status"] == "succeeded"
    assert Professional.objects.filter(name="钱丽").exists()


def test_an_import_cut_off_by_a_server_crash_is_reported_as_interrupted_not_running_forever(
    sysadmin: User, login: Login
) -> None:
    from datetime import timedelta

    from django.utils import timezone

    # What a kill -9 mid-import leaves: the job row says running, nothing else was kept.
    crashed = ImportJob.objects.create(user=sysadmin, file_name="名录.xlsx", status=ImportJob.Status.RUNNING)
    recent = ImportJob.objects.create(user=sysadmin, file_name="新名录.xlsx", status=ImportJob.Status.RUNNING)
    ImportJob.objects.filter(pk=crashed.pk).update(created_at=timezone.now() - timedelta(hours=2))
    client = login(sysadmin)

    data = client.get(reverse("interop:import_progress", args=[crashed.pk])).json()
    assert (data["status"], data["finished"]) == ("failed", True)
    page = client.get(reverse("interop:import_status", args=[crashed.pk])).content.decode()
    assert "导入被中断" in page
    assert client.get(reverse("interop:import_progress", args=[recent.pk])).json()["status"] == "running"
