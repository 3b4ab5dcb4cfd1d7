"""The roster of one session as an Excel file, for the desk and the records.
Phones and names are masked exactly as on the page."""

from __future__ import annotations

from urllib.parse import quote

from django.http import HttpResponse
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from medbridge.clinics.models import Booking, ClinicSession
from medbridge.interop.services.workbook import workbook_bytes

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def roster_workbook(session: ClinicSession, roster: list[Booking]) -> Workbook:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("预约名单")
    for row in _heading(session):
        sheet.append(row)
    sheet.append([])
    header = [_("序号"), _("预约码"), _("患者"), _("手机号码"), _("身份证后四位"), _("状态"), _("预约时间")]
    sheet.append(header)
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
    for n, booking in enumerate(roster, start=1):
        sheet.append(_row(n, booking))
    for column, width in zip("ABCDEFG", (6, 12, 10, 16, 12, 10, 18), strict=True):
        sheet.column_dimensions[column].width = width
    sheet["A1"].font = Font(bold=True, size=14)
    return workbook


def _heading(session: ClinicSession) -> list[list[object]]:
    title = session.expert.title.name if session.expert.title else ""
    where = session.host.name + (f" · {session.department.name}" if session.department else "")
    when = f"{session.date:%Y-%m-%d} {session.start_time:%H:%M}–{session.end_time:%H:%M}"
    return [
        [_("%(expert)s %(title)s 坐诊预约名单") % {"expert": session.expert.name, "title": title}],
        [_("坐诊医院"), where],
        [_("时间"), when],
        [_("类型"), str(session.get_kind_display()), _("状态"), str(session.get_status_display())],
        [_("号源"), session.capacity, _("已预约"), session.booked, _("候补"), session.waitlisted],
        [_("已签到"), session.checked_in, _("现场加号"), session.walk_ins, _("坐诊人次"), session.visits],
    ]


def _row(n: int, booking: Booking) -> list[object]:
    created = booking.created_at.astimezone().strftime("%Y-%m-%d %H:%M") if booking.created_at else ""
    return [
        n,
        booking.code,
        booking.masked_name or _("（已匿名化）"),
        booking.masked_phone,
        booking.id_tail,
        str(booking.get_status_display()),
        created,
    ]


def roster_response(session: ClinicSession, roster: list[Booking]) -> HttpResponse:
    name = f"{session.expert.name}-{session.date:%Y%m%d}-预约名单.xlsx"
    response = HttpResponse(workbook_bytes(roster_workbook(session, roster)), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    return response
