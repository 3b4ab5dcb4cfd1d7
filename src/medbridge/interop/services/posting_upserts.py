"""One workbook row → one posting or work log, through the posting services.

A posting is found by (programme, person, kind, planned start); the person by
licence number, else by name at the sending institution. A row of history may
give the final state ("已完成" with actual dates): the services walk the posting
through each step, with the same rules and permissions as the pages, so a file of
postings since 2013 imports as if each had been entered as it happened. A work
log is found by (posting, day).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.utils.translation import gettext as _

from medbridge.accounts import access
from medbridge.directory.models import Institution, Professional
from medbridge.interop.services.programme_upserts import (
    LIST_SEPARATORS,
    _coded,
    _department_of,
    _kept,
    _partner,
    _programme_named,
)
from medbridge.interop.services.reader import SheetRow
from medbridge.interop.services.upserts import Batch, Outcome, RowReader
from medbridge.interop.services.workbook import posting_kind_labels, posting_status_labels
from medbridge.postings import services
from medbridge.postings.models import Posting, PostingBatch, PostingStatus, WorkLog
from medbridge.postings.selectors import find_person
from medbridge.programmes.models import Programme

KIND_ALIASES = {"驻点": "stationed", "挂职": "attachment", "坐诊": "visiting", "柔性": "visiting"}
STATUS_ALIASES = {
    "计划": "planned",
    "批准": "approved",
    "已结束": "completed",
    "完成": "completed",
    "撤回": "withdrawn",
}
COUNTS = {
    "诊疗人次": "patients_seen",
    "主刀手术": "surgeries_performed",
    "指导/助手手术": "surgeries_assisted",
    "授课/讲座": "lectures",
    "培训人次": "staff_trained",
    "教学查房": "teaching_rounds",
}


# --- Finding the posting a row is about ------------------------------------------------


def _person(reader: RowReader, home: Institution | None) -> Professional | None:
    name = reader.required("人员姓名")
    license_no = reader.text("人员执业证书编码")
    if license_no:
        found = access.expert_candidates(reader.actor).filter(license_no=license_no).first()
        if found is None:
            reader.add("人员执业证书编码", _("名录中没有执业证书编码为“%(value)s”的人员") % {"value": license_no})
        elif name and found.name != name:
            reader.add(
                "人员姓名",
                _("执业证书编码“%(license)s”登记的人员是“%(found)s”，与“%(name)s”不符")
                % {"license": license_no, "found": found.name, "name": name},
            )
            return None
        return found
    if not name or home is None:
        return None
    return _at(reader, "人员姓名", home, name)


def _at(reader: RowReader, header: str, institution: Institution | None, name: str) -> Professional | None:
    if not name or institution is None:
        return None
    found = find_person(institution, name)
    if isinstance(found, str):
        reader.add(header, found)
        return None
    return found


class PostingKey:
    """The four things that name a posting, read from a row."""

    def __init__(self, reader: RowReader) -> None:
        self.programme: Programme | None = _programme_named(reader, "项目名称")
        self.kind = _coded(reader, "派驻类型", posting_kind_labels(), "", KIND_ALIASES)
        self.home = _partner(reader, "派出单位", required=True)
        self.person = _person(reader, self.home)
        self.planned_start = reader.date("计划开始", required=True)

    @property
    def complete(self) -> bool:
        return None not in (self.programme, self.home, self.person, self.planned_start) and bool(self.kind)

    def find(self) -> Posting | None:
        assert self.planned_start is not None
        return Posting.objects.filter(
            programme=self.programme, professional=self.person, kind=self.kind, planned_start=self.planned_start
        ).first()


# --- 派驻 -----------------------------------------------------------------------------


def upsert_posting(batch: Batch, row: SheetRow) -> Outcome:
    reader = RowReader(batch.actor, row)
    key = PostingKey(reader)
    planned_end = reader.date("计划结束", required=True)
    host = _partner(reader, "接收单位", required=True)
    if reader.problems or not key.complete or planned_end is None or host is None:
        raise reader.fail()
    existing = key.find()
    data = _posting_data(reader, key, host, planned_end, existing)
    status = reader.choice(
        "状态", posting_status_labels(), existing.status if existing else PostingStatus.PLANNED, STATUS_ALIASES
    )
    walk: dict[str, Any] = {
        "status": status,
        "actual_start": reader.date("实际开始"),
        "actual_end": reader.date("实际结束"),
        "reason": reader.text("取消/撤回原因"),
    }
    if reader.problems or data is None:
        raise reader.fail()
    data.batch = _batch(batch.actor, data, reader.integer("批次"))
    if existing is None:
        posting = services.posting_create(actor=batch.actor, data=data)
        services.posting_bring_to(actor=batch.actor, posting=posting, **walk)
        return Outcome.CREATED
    changed = _differs(existing, data)
    if changed:
        services.posting_update(actor=batch.actor, posting=existing, data=data)
    if status != existing.status:
        services.posting_bring_to(actor=batch.actor, posting=existing, **walk)
        changed = True
    return Outcome.UPDATED if changed else Outcome.UNCHANGED


def _posting_data(
    reader: RowReader, key: PostingKey, host: Institution, planned_end: date, existing: Posting | None
) -> services.PostingData | None:
    assert key.programme and key.person and key.home and key.planned_start
    return services.PostingData(
        professional=key.person,
        programme=key.programme,
        kind=key.kind,
        home_institution=key.home,
        home_department=_department_of(reader, "派出科室", key.home),
        host_institution=host,
        host_department=_department_of(reader, "接收科室", host),
        planned_start=key.planned_start,
        planned_end=planned_end,
        batch=existing.batch if existing else None,
        mentor=_at(reader, "带教老师", host, reader.text("带教老师")),
        liaison=_at(reader, "挂钩领导", key.home, reader.text("挂钩领导")),
        goals=_kept(existing.goals if existing else None, reader.text("目标任务")),
        visit_pattern=existing.visit_pattern if existing else "",
        relieves=existing.relieves if existing else None,
    )


def _batch(actor: Any, data: services.PostingData, number: int | None) -> PostingBatch | None:
    """The numbered batch of the row's programme and kind, opened with the row's
    dates when this is its first posting."""
    if number is None:
        return None
    found = PostingBatch.objects.filter(programme=data.programme, kind=data.kind, number=number).first()
    if found is not None:
        return found
    batch_data = services.BatchData(data.programme, data.kind, number, data.planned_start, data.planned_end)
    return services.batch_open(actor=actor, data=batch_data)


def _differs(posting: Posting, data: services.PostingData) -> bool:
    names = services.PostingData.__dataclass_fields__
    return any(getattr(posting, name) != getattr(data, name) for name in names)


# --- 工作日志 ---------------------------------------------------------------------------


def upsert_work_log(batch: Batch, row: SheetRow) -> Outcome:
    reader = RowReader(batch.actor, row)
    key = PostingKey(reader)
    day = reader.date("日期", required=True)
    counts = {name: reader.integer(header) or 0 for header, name in COUNTS.items()}
    if reader.problems or not key.complete or day is None:
        raise reader.fail()
    posting = key.find()
    if posting is None or not access.postings_visible_to(batch.actor).filter(pk=posting.pk).exists():
        reader.add("人员姓名", _("找不到这条派驻，请先在“派驻”表中登记"))
        raise reader.fail()
    techniques = [t.strip() for t in LIST_SEPARATORS.split(reader.text("新技术新项目")) if t.strip()]
    data = services.WorkLogData(day=day, new_techniques=techniques, notes=reader.text("工作记录"), **counts)
    existing = WorkLog.objects.filter(posting=posting, day=day).first()
    if existing is None:
        services.worklog_add(actor=batch.actor, posting=posting, data=data)
        return Outcome.CREATED
    same = all(getattr(existing, name) == value for name, value in counts.items())
    same = same and existing.notes.strip() == data.notes and _technique_names(existing) == sorted(techniques)
    if same:
        return Outcome.UNCHANGED
    services.worklog_update(actor=batch.actor, log=existing, data=data)
    return Outcome.UPDATED


def _technique_names(log: WorkLog) -> list[str]:
    return sorted(t.name for t in log.techniques.all())
