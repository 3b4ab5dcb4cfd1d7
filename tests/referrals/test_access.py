"""The access matrix over the API, the pages and the export: the staff of the two
institutions see the patient; commission officers over either side see the
referral's institutions, statuses and times but never the patient; everyone
else does not see the referral at all."""

from __future__ import annotations

from io import BytesIO
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from openpyxl import load_workbook

from medbridge.accounts.models import User
from medbridge.directory.models import Institution, Professional
from medbridge.programmes.models import Programme
from medbridge.referrals import services
from medbridge.referrals.models import Consultation, ConsultationKind, Referral
from tests.referrals.conftest import PATIENT

STAFF = ("county_admin", "county_doctor", "lead_admin", "sysadmin")
OFFICERS = ("county_officer",)
STRANGERS = ("outsider", "city_officer")
SECRETS = (PATIENT["initials"], PATIENT["record_no"], PATIENT["reason"], "S72.001")


@pytest.fixture
def consultation(
    alliance: Programme, county: Institution, lead: Institution, county_admin: User, lead_expert: Professional
) -> Consultation:
    data = services.ConsultationData(
        requesting_institution=county,
        consulting_institution=lead,
        consulting_expert=lead_expert,
        kind=ConsultationKind.IMAGING,
        question=PATIENT["reason"],
        patient_initials=PATIENT["initials"],
        patient_age_band="60-74",
        patient_record_no=PATIENT["record_no"],
    )
    return services.consultation_create(actor=county_admin, data=data)


def _client(request: Any, login: Any, name: str) -> Client:
    return login(request.getfixturevalue(name))  # type: ignore[no-any-return]


@pytest.mark.parametrize("actor", STAFF)
def test_staff_of_either_side_see_the_patient(
    request: Any, login: Any, actor: str, referral: Referral, consultation: Consultation
) -> None:
    client = _client(request, login, actor)
    listed = client.get("/api/v1/referrals").json()["items"]
    assert listed[0]["patient"]["initials"] == PATIENT["initials"]
    assert listed[0]["patient"]["record_no"] == "GP******01"  # masked in lists
    detail = client.get(f"/api/v1/referrals/{referral.pk}").json()
    assert detail["patient"]["record_no"] == PATIENT["record_no"]
    assert client.get(f"/api/v1/consultations/{consultation.pk}").json()["patient"]["clinical"] == PATIENT["reason"]
    assert PATIENT["initials"] in client.get(f"/referrals/{referral.pk}/").content.decode()


@pytest.mark.parametrize("actor", OFFICERS)
def test_officers_see_counts_and_times_but_never_the_patient(
    request: Any, login: Any, actor: str, referral: Referral, consultation: Consultation
) -> None:
    client = _client(request, login, actor)
    responses = [
        client.get("/api/v1/referrals"),
        client.get(f"/api/v1/referrals/{referral.pk}"),
        client.get("/api/v1/consultations"),
        client.get(f"/api/v1/consultations/{consultation.pk}"),
        client.get("/referrals/"),
        client.get("/referrals/list/"),
        client.get(f"/referrals/{referral.pk}/"),
        client.get("/referrals/consultations/"),
        client.get(f"/referrals/consultations/{consultation.pk}/"),
    ]
    assert [r.status_code for r in responses] == [200] * len(responses)
    detail = responses[1].json()
    assert detail["patient"] is None and detail["requested_at"] and detail["status"] == "requested"
    assert responses[3].json()["opinion"] is None and responses[3].json()["attachments"] is None
    for response in responses:
        body = response.content.decode()
        assert not [s for s in SECRETS if s in body], response.request["PATH_INFO"]
    figures = client.get(f"/api/v1/referrals/figures?year={referral.requested_at.year}").json()
    assert figures["total"] == 1


@pytest.mark.parametrize("actor", STRANGERS)
def test_outsiders_see_nothing(
    request: Any, login: Any, actor: str, referral: Referral, consultation: Consultation
) -> None:
    client = _client(request, login, actor)
    assert client.get("/api/v1/referrals").json()["items"] == []
    assert client.get(f"/api/v1/referrals/{referral.pk}").status_code == 404
    assert client.get(f"/api/v1/consultations/{consultation.pk}").status_code == 404
    assert client.get(f"/referrals/{referral.pk}/").status_code == 404
    for url in ("/referrals/", "/referrals/list/", "/referrals/consultations/", "/api/v1/referrals/figures"):
        body = client.get(url).content.decode()
        assert not [s for s in (*SECRETS, "高平市人民医院") if s in body], url


def test_the_auditor_sees_no_referral_and_the_audit_log_holds_no_patient(
    login: Any, auditor: User, referral: Referral
) -> None:
    client = login(auditor)
    assert client.get("/referrals/").status_code == 403
    assert client.get(f"/api/v1/referrals/{referral.pk}").status_code == 404
    log = client.get("/accounts/audit/").content.decode()
    assert not [s for s in SECRETS if s in log]


@pytest.mark.parametrize(("actor", "sees"), [("county_admin", True), ("county_officer", False)])
def test_the_export_fills_patient_columns_only_for_staff(
    request: Any, login: Any, actor: str, sees: bool, referral: Referral, consultation: Consultation
) -> None:
    response = _client(request, login, actor).get("/referrals/export.xlsx")
    book = load_workbook(BytesIO(response.content))
    cells = {str(c.value) for sheet in book.worksheets for row in sheet.iter_rows(min_row=2) for c in row}
    assert (PATIENT["record_no"] in cells) is sees
    assert (PATIENT["initials"] in cells) is sees
    assert referral.number in cells and consultation.number in cells


def test_only_staff_may_download_a_consultation_attachment(
    login: Any, county_admin: User, county_officer: User, consultation: Consultation
) -> None:
    attachment = services.attachment_add(
        actor=county_admin,
        consultation=consultation,
        title="CT",
        file=SimpleUploadedFile("ct.pdf", b"%PDF-1.4 scan", content_type="application/pdf"),
    )
    url = f"/referrals/consultations/{consultation.pk}/attachments/{attachment.pk}/"
    assert login(county_admin).get(url).status_code == 200
    assert login(county_officer).get(url).status_code == 403


def test_an_officer_cannot_probe_for_a_record_number(login: Any, county_officer: User, referral: Referral) -> None:
    found = login(county_officer).get(f"/api/v1/referrals?record_no={PATIENT['record_no']}").json()["items"]
    assert found == []
