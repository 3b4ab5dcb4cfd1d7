"""One 坐诊 row → one clinic session, through the clinic services; and the rows the
export writes for the sessions a user can see.

A session is found by (expert, host, date, start time). A row of history gives
the final state and the desk's counts (预约, 签到, 爽约, 现场加号), and
``session_record`` checks it with the same rules and permission as the pages.
The bookings behind the counts never travel in a file: they hold patients' names
and phone numbers, and every figure counts them through the session's counters.
A session already recorded is left as it is (its counts are the desk's).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, time
from typing import Any

from django.utils.translation import gettext as _

from medbridge.accounts import access
from medbridge.clinics import services
from medbridge.clinics.models import ClinicSession, SessionStatus
from medbridge.directory.models import Institution, Professional
from medbridge.interop.services.programme_upserts import _department_of, _expert, _partner, _programme_named
from medbridge.interop.services.reader import SheetRow
from medbridge.interop.services.upserts import Batch, Outcome, RowReader
from medbridge.interop.services.workbook import TIME_TEXT, session_kind_labels, session_status_labels
from medbridge.postings.models import Posting
from medbridge.programmes.models import Engagement, Programme

COUNTS = (("已预约", "booked"), ("已签到", "checked_in"), ("爽约", "no_shows"), ("现场加号", "walk_ins"))


def upsert_clinic_session(batch: Batch, row: SheetRow) -> Outcome:
    reader = RowReader(batch.actor, row)
    data = _session_data(reader)
    outcome = _outcome(reader)
    if data is None or reader.problems:
        raise reader.fail()
    existing = _existing(data, outcome.status)
    if existing is None:
        services.session_record(actor=batch.actor, data=data, outcome=outcome)
        return Outcome.CREATED
    if _same(existing, outcome):
        return Outcome.UNCHANGED
    reader.add("状态", _("该场次已登记，其状态和人数请在坐诊页面修改"))
    raise reader.fail()


def _existing(data: services.SessionData, status: str) -> ClinicSession | None:
    """The session this row is about. A cancelled clinic and the one planned again in
    its place share expert, host, date and time; they are told apart by status."""
    same_time = list(
        ClinicSession.objects.filter(expert=data.expert, host=data.host, date=data.date, start_time=data.start_time)
    )
    for session in same_time:
        if session.status == status:
            return session
    if status == SessionStatus.CANCELLED:
        return None
    return next((s for s in same_time if s.status != SessionStatus.CANCELLED), None)


def _session_data(reader: RowReader) -> services.SessionData | None:
    expert = _expert(reader)
    host = _partner(reader, "坐诊医院", required=True)
    day = reader.date("日期", required=True)
    start, end = _time(reader, "开始时间"), _time(reader, "结束时间")
    capacity = reader.integer("号源数", required=True)
    kind = reader.choice("类型", session_kind_labels(), "") if reader.required("类型") else ""
    programme = _programme_named(reader, "项目名称", required=False)
    if expert is None or host is None or day is None or start is None or end is None or capacity is None:
        return None
    return services.SessionData(
        expert=expert,
        host=host,
        date=day,
        start_time=start,
        end_time=end,
        capacity=capacity,
        kind=kind,
        department=_department_of(reader, "坐诊科室", host),
        programme=programme,
        engagement=_engagement(reader, programme, expert),
        posting=_posting(reader, programme, expert, host),
        note=reader.text("备注"),
    )


def _time(reader: RowReader, header: str) -> time | None:
    value = reader.row.values.get(header)
    if isinstance(value, datetime):
        return value.time()
    if isinstance(value, time):
        return value
    text = reader.required(header)
    try:
        return datetime.strptime(text, TIME_TEXT).time() if text else None
    except ValueError:
        reader.add(header, _("“%(header)s”应为 HH:MM 格式的时间，如 08:00") % {"header": header})
        return None


def _engagement(reader: RowReader, programme: Programme | None, expert: Professional) -> Engagement | None:
    start = reader.date("聘期开始")
    if start is None:
        return None
    found = Engagement.objects.filter(programme=programme, professional=expert, start_date=start).first()
    if found is None:
        reader.add("聘期开始", _("该专家在该项目中没有聘期开始于 %(date)s 的聘任") % {"date": start})
    return found


def _posting(reader: RowReader, programme: Programme | None, expert: Professional, host: Institution) -> Posting | None:
    start = reader.date("派驻计划开始")
    if start is None:
        return None
    postings = Posting.objects.filter(professional=expert, host_institution=host, planned_start=start)
    found = postings.filter(programme=programme).first() if programme else postings.first()
    if found is None:
        reader.add("派驻计划开始", _("该专家没有在该医院计划开始于 %(date)s 的派驻") % {"date": start})
    return found


def _outcome(reader: RowReader) -> services.SessionOutcome:
    status = reader.choice("状态", session_status_labels(), "") if reader.required("状态") else ""
    counts = {name: reader.integer(header) or 0 for header, name in COUNTS}
    return services.SessionOutcome(status=status, cancel_reason=reader.text("停诊原因"), **counts)


def _same(session: ClinicSession, outcome: services.SessionOutcome) -> bool:
    if session.status == SessionStatus.SCHEDULED == outcome.status:
        return True  # an open session's counts follow its bookings, which the file leaves out
    return session.status == outcome.status and all(getattr(session, n) == getattr(outcome, n) for _h, n in COUNTS)


# --- Export ----------------------------------------------------------------------------


# Read as plain values, not model instances: the export streams every session of the database.
EXPORT_FIELDS = (
    "expert_id", "expert__name", "expert__license_no", "expert__institution__name", "host__name",
    "department__name", "kind", "date", "start_time", "end_time", "capacity", "programme__name",
    "engagement__start_date", "posting__planned_start", "status", "cancel_reason",
    *(name for _h, name in COUNTS), "note",
)  # fmt: skip


def clinic_session_rows(user: Any) -> Iterator[list[Any]]:
    visible = set(access.professionals_visible_to(user).values_list("pk", flat=True))
    kinds, statuses = session_kind_labels(), session_status_labels()
    sessions = access.clinic_sessions_visible_to(user).order_by("date", "start_time", "pk")
    for values in sessions.values_list(*EXPORT_FIELDS).iterator(chunk_size=2000):
        s = dict(zip(EXPORT_FIELDS, values, strict=True))
        # An open session's counts stand for bookings the file does not carry.
        open_session = s["status"] == SessionStatus.SCHEDULED
        yield [
            s["expert__name"],
            s["expert__license_no"] if s["expert_id"] in visible else "",
            s["expert__institution__name"] or "",
            s["host__name"],
            s["department__name"] or "",
            kinds.get(s["kind"], s["kind"]),
            s["date"],
            s["start_time"].strftime(TIME_TEXT),
            s["end_time"].strftime(TIME_TEXT),
            s["capacity"],
            s["programme__name"] or "",
            s["engagement__start_date"],
            s["posting__planned_start"],
            statuses.get(s["status"], s["status"]),
            s["cancel_reason"],
            *(None if open_session else s[name] for _h, name in COUNTS),
            s["note"],
        ]


def licence_writer(user: Any) -> Any:
    """A person's licence number when the user may see them in the directory, else
    empty (the importer then finds them by name and employer)."""
    visible = set(access.professionals_visible_to(user).values_list("pk", flat=True))
    return lambda person: person.license_no if person.pk in visible else ""
