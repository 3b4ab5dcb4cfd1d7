"""One 活动 row → one activity, through the activity services; and the rows the
export writes for the activities a user can see.

As for programmes, the row is matched by its natural key — (活动名称, 开始日期)
among the activities the importer can see — and a service is called only when
something differs, so re-importing an export writes nothing. Institutions are
named by full name (hosts may lie in other provinces; whether one may run the
activity is the services' decision), programmes by exact name.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.utils.translation import gettext as _

from medbridge.accounts import access
from medbridge.activities import services
from medbridge.activities.models import Activity, HostRole
from medbridge.directory.models import Institution
from medbridge.directory.services import institution_find
from medbridge.interop.services.programme_upserts import LIST_SEPARATORS, _kept, _partner
from medbridge.interop.services.reader import SheetRow
from medbridge.interop.services.upserts import Batch, Outcome, RowReader
from medbridge.interop.services.workbook import activity_kind_labels
from medbridge.programmes.models import Programme

HOST_COLUMNS = (
    ("主办单位", HostRole.ORGANISER),
    ("承办单位", HostRole.HOST),
    ("协办单位", HostRole.CO_ORGANISER),
    ("指导单位", HostRole.GUIDE),
)
COUNTS = (
    ("参加人数", "attendance_count"),
    ("服务患者人次", "patients_served"),
    ("签约协议数", "agreements_signed"),
    ("授牌/锦旗数", "banners_presented"),
)


def upsert_activity(batch: Batch, row: SheetRow) -> Outcome:
    reader = RowReader(batch.actor, row)
    data = _activity_data(reader)
    existing = _existing(reader, data) if data is not None else None
    if data is None or reader.problems:
        raise reader.fail()
    if existing is None:
        services.activity_create(actor=batch.actor, data=data)
        return Outcome.CREATED
    data.outcomes = _kept(existing.outcomes, data.outcomes)
    data.description = _kept(existing.description, data.description)
    data.end_date = data.end_date or data.start_date
    if not services.activity_differs(existing, data):
        return Outcome.UNCHANGED
    services.activity_update(actor=batch.actor, activity=existing, data=data)
    return Outcome.UPDATED


def _activity_data(reader: RowReader) -> services.ActivityData | None:
    title = reader.required("活动名称")
    kind = reader.choice("活动类型", activity_kind_labels(), "") if reader.required("活动类型") else ""
    start = reader.date("开始日期", required=True)
    counts = {name: reader.integer(header) or 0 for header, name in COUNTS}
    data = services.ActivityData(
        kind=kind,
        title=title,
        start_date=start,  # type: ignore[arg-type]  # None only with a problem recorded
        end_date=reader.date("结束日期"),
        programmes=_programmes(reader),
        hosts=[services.HostData(i, role) for header, role in HOST_COLUMNS for i in _institutions(reader, header)],
        venue=_partner(reader, "举办机构"),
        region=reader.region("举办地区"),
        address=reader.text("地址"),
        capacity=reader.integer("名额"),
        outcomes=reader.text("成果"),
        description=reader.text("活动说明"),
        **counts,
    )
    reader.required("主办单位")
    return None if reader.problems or start is None else data


def _names(reader: RowReader, header: str) -> list[str]:
    return [t.strip() for t in LIST_SEPARATORS.split(reader.text(header)) if t.strip()]


def _institutions(reader: RowReader, header: str) -> list[Institution]:
    found = []
    candidates = access.partner_candidates(reader.actor)
    for name in _names(reader, header):
        institution = institution_find(name)
        if institution is None or not candidates.filter(pk=institution.pk).exists():
            reader.add(header, _("找不到机构“%(value)s”，请填写名录中的机构全称") % {"value": name})
        else:
            found.append(institution)
    return found


def _programmes(reader: RowReader) -> list[Programme]:
    found = []
    for name in _names(reader, "所属项目"):
        matches = list(access.programmes_visible_to(reader.actor).filter(name=name)[:2])
        if len(matches) == 1:
            found.append(matches[0])
        elif matches:
            reader.add(
                "所属项目", _("您可见的项目中有多个名为“%(name)s”的项目，请先在项目页面改名以区分") % {"name": name}
            )
        else:
            reader.add("所属项目", _("找不到项目“%(name)s”，或您无权访问该项目") % {"name": name})
    return found


def _existing(reader: RowReader, data: services.ActivityData) -> Activity | None:
    matches = list(access.activities_visible_to(reader.actor).filter(title=data.title, start_date=data.start_date)[:2])
    if len(matches) > 1:
        reader.add("活动名称", _("您可见的活动中有多个同名同日的活动，无法确定要更新哪一个"))
    return matches[0] if len(matches) == 1 else None


# --- Export ----------------------------------------------------------------------------


def activity_rows(user: Any) -> Iterator[list[Any]]:
    activities = access.activities_visible_to(user).prefetch_related("programmes", "hosts__institution")
    labels = activity_kind_labels()
    for a in activities.order_by("start_date", "title", "pk"):
        hosts = list(a.hosts.all())
        yield [
            a.title,
            labels.get(a.kind, a.kind),
            a.start_date,
            a.end_date,
            "、".join(sorted(p.name for p in a.programmes.all())),
            *("、".join(sorted(h.institution.name for h in hosts if h.role == role)) for _h, role in HOST_COLUMNS),
            a.venue.name if a.venue else "",
            a.region.code if a.region else "",
            a.address,
            a.capacity,
            a.attendance_count,
            a.patients_served,
            a.agreements_signed,
            a.banners_presented,
            a.outcomes,
            a.description,
        ]
