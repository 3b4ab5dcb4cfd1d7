"""Excel export of the referrals and consultations a user can see. Patient columns
are filled only for records whose patient the user may see (the two sides' staff);
for everyone else they are left empty, so an officer's file holds counts and times."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from django.utils import timezone, translation
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.worksheet.worksheet import Worksheet

from medbridge.accounts import access
from medbridge.referrals import selectors
from medbridge.referrals.models import Consultation, Referral

HEADER_FONT = Font(bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor="0B6E4F")


def _when(moment: datetime | None) -> Any:
    # Excel has no time zones: write the local (Asia/Shanghai) wall-clock time.
    return timezone.localtime(moment).replace(tzinfo=None) if moment else None


def referral_headers() -> list[str]:
    return [
        _("转诊编号"), _("转诊方向"), _("转出机构"), _("转出科室"), _("转入机构"), _("转入科室"), _("所属项目"),
        _("网络外转诊"), _("紧急程度"), _("状态"), _("申请时间"), _("接收时限"), _("接收时间"), _("到院时间"),
        _("完成时间"), _("拒绝/撤回/退回时间"), _("超时未接收"),
        _("患者姓名缩写"), _("性别"), _("年龄段"), _("本院病案号/门诊号"), _("诊断编码（ICD-10）"), _("转诊原因"),
    ]  # fmt: skip


def _referral_row(r: Referral, show_patient: bool) -> list[Any]:
    closed = r.declined_at or r.cancelled_at or r.returned_at
    row = [
        r.number, r.get_direction_display(), r.from_institution.name,
        r.from_department.name if r.from_department else "",
        r.to_institution.name, r.to_department.name if r.to_department else "", r.programme.name if r.programme else "",
        _("是") if r.outside_network else _("否"), r.get_urgency_display(), r.get_status_display(),
        _when(r.requested_at), _when(r.accept_due_at), _when(r.accepted_at), _when(r.arrived_at),
        _when(r.completed_at), _when(closed), _("是") if getattr(r, "overdue", False) else "",
    ]  # fmt: skip
    if show_patient:
        row += [r.patient_initials, r.get_patient_sex_display(), r.get_patient_age_band_display(),
                r.patient_record_no, r.diagnosis_code, r.reason]  # fmt: skip
    return row


def consultation_headers() -> list[str]:
    return [
        _("会诊编号"), _("会诊类型"), _("申请机构"), _("申请医生"), _("会诊机构"), _("会诊专家"), _("专科"),
        _("所属项目"), _("状态"), _("申请时间"), _("会诊时间"), _("意见出具时间"), _("取消时间"),
        _("患者姓名缩写"), _("性别"), _("年龄段"), _("本院病案号/门诊号"), _("会诊目的与病情摘要"), _("会诊意见"),
    ]  # fmt: skip


def _consultation_row(c: Consultation, show_patient: bool) -> list[Any]:
    row = [
        c.number, c.get_kind_display(), c.requesting_institution.name,
        c.requesting_doctor.name if c.requesting_doctor else "", c.consulting_institution.name,
        c.consulting_expert.name if c.consulting_expert else "", c.specialty.name if c.specialty else "",
        c.programme.name if c.programme else "", c.get_status_display(), _when(c.requested_at),
        _when(c.scheduled_for), _when(c.completed_at), _when(c.cancelled_at),
    ]  # fmt: skip
    if show_patient:
        row += [c.patient_initials, c.get_patient_sex_display() if c.patient_initials else "",
                c.get_patient_age_band_display(), c.patient_record_no, c.question, c.opinion]  # fmt: skip
    return row


def referral_workbook(user: Any, *, year: int | None = None) -> Workbook:
    check = access.patient_checker(user)
    referrals = selectors.referral_list(user, selectors.ReferralFilter(year=year))
    consultations = selectors.consultation_list(user, selectors.ConsultationFilter(year=year))
    book = Workbook()
    # The file is a Chinese document whatever language the page was shown in.
    with translation.override("zh-hans"):
        _sheet(book.active, _("转诊"), referral_headers(), (_referral_row(r, check(r)) for r in referrals))
        _sheet(
            book.create_sheet(), _("远程会诊"), consultation_headers(),
            (_consultation_row(c, check(c)) for c in consultations),
        )  # fmt: skip
    return book


def _sheet(sheet: Worksheet, title: str, headers: list[str], rows: Iterable[Sequence[Any]]) -> None:
    sheet.title = title
    sheet.append(headers)
    for cell in sheet[1]:
        cell.font, cell.fill = HEADER_FONT, HEADER_FILL
    for row in rows:
        sheet.append(list(row))
    for index in range(1, len(headers) + 1):
        sheet.column_dimensions[sheet.cell(row=1, column=index).column_letter].width = 16
    for row_cells in sheet.iter_rows(min_row=2):
        for cell in row_cells:
            if isinstance(cell.value, datetime):
                cell.number_format = "yyyy-mm-dd hh:mm"
    sheet.freeze_panes = "A2"
