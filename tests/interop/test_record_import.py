"""The 坐诊, 转诊 and 远程会诊 sheets: history goes in through the same rules as the
pages, a record already there is left alone, and the patient stays out of the file."""

from __future__ import annotations

from datetime import date, timedelta

from django.utils import timezone

from medbridge.accounts.models import User
from medbridge.clinics.models import ClinicSession
from medbridge.clinics.services import BookingData, booking_create
from medbridge.directory.models import Institution, Professional
from medbridge.interop.services.exporter import export_workbook
from medbridge.interop.services.importer import import_workbook
from medbridge.interop.services.workbook import workbook_bytes
from medbridge.referrals.models import Referral
from tests.factories import ClinicSessionFactory
from tests.interop.conftest import read_sheet, workbook

LAST_MONDAY = timezone.localdate() - timedelta(days=7 + timezone.localdate().weekday())


def session_row(expert: Professional, host: Institution, **cells: object) -> dict[str, object]:
    return {
        "专家姓名": expert.name,
        "专家执业证书编码": expert.license_no,
        "坐诊医院": host.name,
        "类型": "门诊",
        "日期": LAST_MONDAY,
        "开始时间": "08:00",
        "结束时间": "12:00",
        "号源数": 20,
        "状态": "已坐诊",
        "已预约": 12,
        "已签到": 10,
        "爽约": 2,
        "现场加号": 3,
        **cells,
    }


def test_a_past_session_is_imported_with_its_counts_and_counts_as_visits(
    sysadmin: User, doctor_b: Professional, hospital_a: Institution
) -> None:
    result = import_workbook(workbook({"坐诊": [session_row(doctor_b, hospital_a)]}), actor=sysadmin)

    assert result.succeeded, result.errors
    session = ClinicSession.objects.get()
    assert (session.status, session.visits, session.booked) == ("held", 13, 12)


def test_a_session_only_its_host_may_manage_is_refused_with_the_row_and_column(
    admin_a: User, doctor_a: Professional, hospital_b: Institution
) -> None:
    result = import_workbook(workbook({"坐诊": [session_row(doctor_a, hospital_b)]}), actor=admin_a)

    assert not result.succeeded and not ClinicSession.objects.exists()
    assert {(e.sheet, e.row) for e in result.errors} == {("坐诊", 2)}


def test_an_open_session_cannot_bring_counts_its_bookings_would_keep(
    sysadmin: User, doctor_b: Professional, hospital_a: Institution
) -> None:
    row = session_row(doctor_b, hospital_a, 日期=timezone.localdate() + timedelta(days=7), 状态="已排班")
    result = import_workbook(workbook({"坐诊": [row]}), actor=sysadmin)

    assert [(e.column, e.message) for e in result.errors] == [("已预约", "未坐诊的场次不能直接填写预约和就诊人数")]


def test_a_held_session_in_the_future_is_refused(
    sysadmin: User, doctor_b: Professional, hospital_a: Institution
) -> None:
    row = session_row(doctor_b, hospital_a, 日期=timezone.localdate() + timedelta(days=7))
    result = import_workbook(workbook({"坐诊": [row]}), actor=sysadmin)

    assert [e.message for e in result.errors] == ["坐诊日期未到，不能登记就诊情况"]


def referral_row(sender: Institution, receiver: Institution, **cells: object) -> dict[str, object]:
    return {
        "转出机构": sender.name,
        "转入机构": receiver.name,
        "网络外": "是",
        "患者姓名缩写": "ZS",
        "年龄段": "45–59岁",
        "转诊原因": "胆囊结石反复发作",
        "申请时间": "2025-03-03 09:15:00",
        "状态": "已完成",
        "接收时间": "2025-03-03 11:00:00",
        "到院时间": "2025-03-05 08:30:00",
        "完成时间": "2025-03-12 16:00:00",
        **cells,
    }


def test_a_completed_referral_is_walked_through_each_step_at_its_own_time(
    sysadmin: User, hospital_a: Institution, hospital_b: Institution
) -> None:
    result = import_workbook(workbook({"转诊": [referral_row(hospital_a, hospital_b)]}), actor=sysadmin)

    assert result.succeeded, result.errors
    referral = Referral.objects.get()
    assert referral.status == "completed"
    steps = [(e.action, timezone.localtime(e.at).strftime("%m-%d %H:%M")) for e in referral.events.order_by("at")]
    assert steps == [("request", "03-03 09:15"), ("accept", "03-03 11:00"), ("arrive", "03-05 08:30"),
                     ("complete", "03-12 16:00")]  # fmt: skip


def test_a_referral_whose_steps_are_out_of_order_is_refused(
    sysadmin: User, hospital_a: Institution, hospital_b: Institution
) -> None:
    row = referral_row(hospital_a, hospital_b, 到院时间="2025-03-02 08:00:00")
    result = import_workbook(workbook({"转诊": [row]}), actor=sysadmin)

    assert not result.succeeded and not Referral.objects.exists()


def test_reimporting_an_export_changes_nothing_and_the_patient_number_never_leaves(
    sysadmin: User, doctor_b: Professional, hospital_a: Institution, hospital_b: Institution, admin_a: User
) -> None:
    first = workbook({"坐诊": [session_row(doctor_b, hospital_a)], "转诊": [referral_row(hospital_a, hospital_b)]})
    assert import_workbook(first, actor=sysadmin).succeeded
    Referral.objects.update(patient_record_no="MZ20250303001")

    exported = workbook_bytes(export_workbook(sysadmin))
    again = import_workbook(exported, actor=sysadmin)

    assert again.succeeded, again.errors
    assert again.summary["坐诊"] == {"created": 0, "updated": 0, "unchanged": 1}
    assert again.summary["转诊"] == {"created": 0, "updated": 0, "unchanged": 1}
    assert "MZ20250303001" not in str(read_sheet(exported, "转诊"))
    assert read_sheet(exported, "转诊")[0]["患者姓名缩写"] == "ZS"


def test_a_commission_officer_exports_referrals_without_the_patient(
    sysadmin: User, city_officer: User, hospital_a: Institution, hospital_b: Institution
) -> None:
    assert import_workbook(workbook({"转诊": [referral_row(hospital_a, hospital_b)]}), actor=sysadmin).succeeded

    rows = read_sheet(workbook_bytes(export_workbook(city_officer)), "转诊")

    assert rows and all(not r["患者姓名缩写"] and not r["年龄段"] for r in rows)


def test_the_session_date_is_read_from_an_excel_date_cell(
    sysadmin: User, doctor_b: Professional, hospital_a: Institution
) -> None:
    row = session_row(doctor_b, hospital_a, 日期=date(2025, 3, 3), 开始时间="14:00", 结束时间="17:30")
    assert import_workbook(workbook({"坐诊": [row]}), actor=sysadmin).succeeded
    assert ClinicSession.objects.get().start_time.hour == 14


def test_the_export_carries_how_many_patients_came_but_never_who(
    sysadmin: User, doctor_b: Professional, hospital_a: Institution
) -> None:
    assert import_workbook(workbook({"坐诊": [session_row(doctor_b, hospital_a)]}), actor=sysadmin).succeeded
    upcoming = ClinicSessionFactory(expert=doctor_b, host=hospital_a)
    patient = BookingData(patient_name="王小明", phone="13912345678", consent=True, id_tail="123X")
    booking = booking_create(session=upcoming, data=patient, client="10.0.0.1")

    content = workbook_bytes(export_workbook(sysadmin))

    rows = {r["状态"]: r for r in read_sheet(content, "坐诊")}
    assert (rows["已坐诊"]["已签到"], rows["已坐诊"]["现场加号"]) == (10, 3)
    assert rows["已排班"]["已预约"] is None  # its one booking stays behind with the patient
    everything = str([read_sheet(content, sheet) for sheet in ("人员", "坐诊", "转诊", "远程会诊")])
    assert not any(secret in everything for secret in ("王小明", "13912345678", "123X", booking.code))


def test_a_cancelled_clinic_and_the_one_held_in_its_place_both_come_in(
    sysadmin: User, doctor_b: Professional, hospital_a: Institution
) -> None:
    cancelled = session_row(doctor_b, hospital_a, 状态="已停诊", 停诊原因="专家临时出差")
    for count in ("已预约", "已签到", "爽约", "现场加号"):
        cancelled[count] = 0
    rows = [cancelled, session_row(doctor_b, hospital_a)]

    assert import_workbook(workbook({"坐诊": rows}), actor=sysadmin).succeeded
    again = import_workbook(workbook({"坐诊": rows}), actor=sysadmin)

    assert sorted(ClinicSession.objects.values_list("status", flat=True)) == ["cancelled", "held"]
    assert again.summary["坐诊"]["unchanged"] == 2
