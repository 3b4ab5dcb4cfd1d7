"""The workbook format, shared by the template, the exporter and the importer.

One spec of sheets and columns drives all three, so a column added here appears in
the blank template, is filled by the export and is read back by the import.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from io import BytesIO
from typing import Any

from django.db.models import TextChoices
from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from medbridge.activities.models import ActivityKind
from medbridge.clinics.models import SessionKind, SessionStatus
from medbridge.directory.models import Profession, Sex
from medbridge.postings.models import PostingKind, PostingStatus
from medbridge.programmes.models import (
    EngagementRole,
    PartyRole,
    ProgrammeKind,
    ProgrammeStatus,
    StationKind,
    TargetMetric,
)
from medbridge.referrals.models import AgeBand, ConsultationKind, ConsultationStatus, ReferralStatus, Urgency

INSTRUCTIONS = "说明"
INSTITUTIONS = "机构"
DEPARTMENTS = "科室"
PROFESSIONALS = "人员"
PROGRAMMES = "项目"
PARTIES = "参与方"
TARGETS = "年度目标"
STATIONS = "工作站"
ENGAGEMENTS = "聘任"
POSTINGS = "派驻"
WORK_LOGS = "工作日志"
ACTIVITIES = "活动"
CLINIC_SESSIONS = "坐诊"
REFERRALS = "转诊"
CONSULTATIONS = "远程会诊"
DATE_FORMAT = "yyyy-mm-dd"
# Times and moments are written as text: Excel stores them as fractions of a day,
# and a moment read back a microsecond off would no longer match its record.
TIME_TEXT = "%H:%M"
MOMENT_TEXT = "%Y-%m-%d %H:%M:%S"
REQUIRED_MARK = "*"
# Cells holding codes or long digit strings are text, so Excel neither turns
# "03.01" into 3.01 nor rounds an 18-digit ID number.
TEXT_FORMAT = "@"

HEADER_FONT = Font(bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor="1F5F8B")
REQUIRED_FILL = PatternFill("solid", fgColor="B8472E")


@dataclass(frozen=True)
class Column:
    """A column: its header, the service field it feeds (to place service errors),
    and what the instructions sheet says about it."""

    header: str
    field: str
    help: str
    required: bool = False
    width: int = 14
    text: bool = False
    choices: tuple[str, ...] = ()
    date: bool = False

    @property
    def title(self) -> str:
        return self.header + (REQUIRED_MARK if self.required else "")


@dataclass(frozen=True)
class SheetSpec:
    title: str
    columns: tuple[Column, ...]
    # Where a permission error is shown: the column naming whose record it is.
    scope_header: str
    by_field: dict[str, str] = field(init=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "by_field", {c.field: c.header for c in self.columns})

    @property
    def headers(self) -> list[str]:
        return [c.header for c in self.columns]

    def header_for(self, field_name: str) -> str:
        return self.by_field.get(field_name, self.scope_header)


def _chinese_labels(choices: type[TextChoices]) -> dict[str, str]:
    # The workbook is a Chinese file format: its values stay Chinese whatever
    # language the page that produced it was shown in.
    with translation.override("zh-hans"):
        return {str(value): str(label) for value, label in choices.choices}


def sex_labels() -> dict[str, str]:
    """GB/T 2261.1 code → the word written in the sheet."""
    return _chinese_labels(Sex)


def profession_labels() -> dict[str, str]:
    return _chinese_labels(Profession)


def programme_kind_labels() -> dict[str, str]:
    return _chinese_labels(ProgrammeKind)


def programme_status_labels() -> dict[str, str]:
    return _chinese_labels(ProgrammeStatus)


def party_role_labels() -> dict[str, str]:
    return _chinese_labels(PartyRole)


def target_metric_labels() -> dict[str, str]:
    return _chinese_labels(TargetMetric)


def station_kind_labels() -> dict[str, str]:
    return _chinese_labels(StationKind)


def engagement_role_labels() -> dict[str, str]:
    return _chinese_labels(EngagementRole)


def sex_choices() -> tuple[str, ...]:
    labels = sex_labels()
    return tuple(labels[code] for code in (Sex.MALE, Sex.FEMALE, Sex.UNKNOWN, Sex.UNSTATED))


def profession_choices() -> tuple[str, ...]:
    return tuple(profession_labels().values())


def institution_sheet() -> SheetSpec:
    return SheetSpec(
        INSTITUTIONS,
        (
            Column("机构名称", "name", _("机构全称；按名称（不区分大小写）匹配已有机构，匹配到则更新"), True, 30),
            Column("简称", "short_name", _("可选")),
            Column("机构类别", "category", _("WS 218 分类代码或名称，如 A1 或 综合医院"), True, 14, True),
            Column("医院等级", "grade", _("代码或名称，如 三级甲等；仅医院可填"), width=12, text=True),
            Column("所在地区", "region", _("GB/T 2260 区划代码（如 140400）或不重名的地区名称"), True, 14, True),
            Column("上级机构", "parent", _("上级机构或所属集团的名称；须已存在，或写在本表更靠前的行"), width=26),
            Column("地址", "address", _("可选"), width=30),
            Column("经度", "longitude", _("数字，73 到 136；与纬度同时填写"), width=10),
            Column("纬度", "latitude", _("数字，3 到 54；与经度同时填写"), width=10),
        ),
        scope_header="机构名称",
    )


def department_sheet() -> SheetSpec:
    return SheetSpec(
        DEPARTMENTS,
        (
            Column("机构名称", "institution", _("科室所属机构的名称；机构须已存在或在“机构”表中"), True, 30),
            Column("科室名称", "name", _("按（机构，科室名称）匹配已有科室"), True, 20),
            Column("诊疗科目", "specialty", _("诊疗科目代码或名称，如 03.01 或 呼吸内科专业"), width=16, text=True),
        ),
        scope_header="机构名称",
    )


def professional_sheet() -> SheetSpec:
    return SheetSpec(
        PROFESSIONALS,
        (
            Column("姓名", "name", _("未填执业证书编码时，按（姓名，工作单位）匹配已有人员"), True, 10),
            Column(
                "性别",
                "sex",
                _("男/女，或 GB/T 2261.1 代码 0、1、2、9；留空则保持原值"),
                width=8,
                text=True,
                choices=sex_choices(),
            ),
            Column(
                "专业类别",
                "profession",
                _("医师/护理/药学/医技/管理/其他；留空则保持原值（新增人员为医师）"),
                width=10,
                choices=profession_choices(),
            ),
            Column("职称", "title", _("职称名称或 GB/T 8561 代码，如 主任医师 或 231"), width=12, text=True),
            Column("专业", "specialty", _("诊疗科目代码或名称"), width=16, text=True),
            Column("工作单位", "institution", _("机构名称；机构须已存在或在“机构”表中"), True, 30),
            Column("科室", "department", _("工作单位下的科室名称；科室须已存在或在“科室”表中"), width=16),
            Column("籍贯", "home_region", _("区划代码或不重名的地区名称"), width=12, text=True),
            Column(
                "执业证书编码",
                "license_no",
                _("填写后按此编码匹配已有人员；未填则按（姓名，工作单位）匹配"),
                width=20,
                text=True,
            ),
            Column(
                "手机号码", "phone", _("11 位手机号或带区号的固定电话；留空则保持已登记的号码"), width=14, text=True
            ),
            Column(
                "身份证号码",
                "id_number",
                _("18 位；系统只保存其加密散列和后四位，不保存号码本身，导出时不含此项；留空则保持原值"),
                width=20,
                text=True,
            ),
            Column("简介", "introduction", _("可选"), width=40),
        ),
        scope_header="工作单位",
    )


def programme_sheet() -> SheetSpec:
    return SheetSpec(
        PROGRAMMES,
        (
            Column(
                "项目名称",
                "name",
                _("按名称（完全一致）匹配您可见的已有项目，匹配到则更新；新项目须在“参与方”表中有本单位的牵头等角色"),
                True,
                30,
            ),
            Column(
                "项目类型",
                "kind",
                _("如 对口帮扶、专科联盟、院会合作，或其代码"),
                True,
                14,
                choices=tuple(programme_kind_labels().values()),
            ),
            Column("上级项目", "parent", _("上级项目的名称；须已存在，或写在本表更靠前的行"), width=26),
            Column("开始日期", "start_date", _("YYYY-MM-DD，如 2013-03-01；也可为 Excel 日期"), True, 12, date=True),
            Column("结束日期", "end_date", _("YYYY-MM-DD；不能早于开始日期；已结束的项目必填"), width=12, date=True),
            Column(
                "状态",
                "status",
                _("筹备中/进行中/已结束；留空则保持原值（新项目为进行中）"),
                width=10,
                choices=tuple(programme_status_labels().values()),
            ),
            Column(
                "涉及专科",
                "specialties",
                _("诊疗科目代码或名称，多个用“、”或“,”分隔，如 04.03、03.04"),
                width=20,
                text=True,
            ),
            Column("项目说明", "description", _("可选"), width=40),
        ),
        scope_header="项目名称",
    )


def party_sheet() -> SheetSpec:
    return SheetSpec(
        PARTIES,
        (
            Column("项目名称", "programme", _("项目须已存在或在“项目”表中"), True, 30),
            Column(
                "机构名称",
                "institution",
                _(
                    "参与机构的名称；牵头、主办、承办、托管、指导单位须在您的管辖范围内，"
                    "支援、受援/成员、被托管单位可为任何机构"
                ),
                True,
                30,
            ),
            Column(
                "科室", "department", _("可选：以科室身份参与（如专科联盟由某科室牵头）；须为该机构的科室"), width=16
            ),
            Column(
                "角色",
                "role",
                _(
                    "牵头单位、支援单位、受援/成员单位、指导单位、主办单位、承办单位、托管方、被托管方，"
                    "或简写 牵头、支援、受援、成员、主办、承办、托管 等"
                ),
                True,
                16,
                choices=tuple(party_role_labels().values()),
            ),
            Column("加入日期", "joined_on", _("YYYY-MM-DD；不能早于项目开始日期"), width=12, date=True),
            Column("备注", "note", _("可选"), width=30),
        ),
        scope_header="机构名称",
    )


def target_sheet() -> SheetSpec:
    return SheetSpec(
        TARGETS,
        (
            Column("项目名称", "programme", _("项目须已存在或在“项目”表中"), True, 30),
            Column("年度", "year", _("四位年份，须在项目期限内"), True, 8),
            Column(
                "指标",
                "metric",
                _("如 派出人数、坐诊人次、培训人数，或其代码；按（项目，年度，指标）匹配已有目标"),
                True,
                14,
                choices=tuple(target_metric_labels().values()),
            ),
            Column("目标值", "value", _("非负整数"), True, 10),
        ),
        scope_header="项目名称",
    )


def station_sheet() -> SheetSpec:
    return SheetSpec(
        STATIONS,
        (
            Column("名称", "name", _("按（项目，名称）匹配已有工作站/基地"), True, 30),
            Column(
                "类型",
                "kind",
                _("专家工作站、名医工作站、示范基地、培训中心、远程医疗中心，或其代码"),
                True,
                14,
                choices=tuple(station_kind_labels().values()),
            ),
            Column("项目名称", "programme", _("所属项目；须已存在或在“项目”表中"), True, 30),
            Column("依托机构", "host", _("机构名称；须为该项目的参与单位"), True, 30),
            Column("依托科室", "host_department", _("可选：依托机构的科室名称"), width=16),
            Column("揭牌日期", "opened_on", _("YYYY-MM-DD；不能早于项目开始日期"), True, 12, date=True),
            Column("撤销日期", "closed_on", _("YYYY-MM-DD；可选"), width=12, date=True),
            Column("牌匾文字", "plaque_text", _("可选"), width=30),
        ),
        scope_header="项目名称",
    )


def _expert_columns(field_name: str, help_text: str) -> tuple[Column, ...]:
    """The columns that find an expert in the directory: name, licence, employer."""
    return (
        Column("专家姓名", field_name, help_text, True, 10),
        Column(
            "专家执业证书编码",
            "professional_license_no",
            _("填写后按此编码查找专家；未填则按姓名（及工作单位）查找，重名时必填"),
            width=20,
            text=True,
        ),
        Column("专家工作单位", "professional_institution", _("可选：按姓名查找时用于区分重名"), width=26),
    )


def engagement_sheet() -> SheetSpec:
    return SheetSpec(
        ENGAGEMENTS,
        (
            Column("项目名称", "programme", _("项目须已存在或在“项目”表中"), True, 30),
            Column("工作站", "station", _("该项目的工作站名称；留空表示直接受聘于项目"), width=24),
            *_expert_columns("professional", _("须已在名录中（或写在“人员”表中）")),
            Column(
                "聘任角色",
                "role",
                _("首席专家/成员专家；留空则保持原值（新聘任为成员专家）"),
                width=10,
                choices=tuple(engagement_role_labels().values()),
            ),
            Column("聘书编号", "letter_no", _("可选"), width=16, text=True),
            Column(
                "聘期开始",
                "start_date",
                _("YYYY-MM-DD；不能早于工作站揭牌日期；按（项目，工作站，专家，聘期开始）匹配已有聘任"),
                True,
                12,
                date=True,
            ),
            Column("聘期结束", "end_date", _("YYYY-MM-DD；可选；不能晚于工作站撤销日期"), width=12, date=True),
        ),
        scope_header="项目名称",
    )


def posting_kind_labels() -> dict[str, str]:
    return _chinese_labels(PostingKind)


def posting_status_labels() -> dict[str, str]:
    return _chinese_labels(PostingStatus)


def _posting_key_columns() -> tuple[Column, ...]:
    """The columns that name a posting: programme, person, kind and planned start."""
    return (
        Column("项目名称", "programme", _("项目须已存在或在“项目”表中"), True, 30),
        Column("人员姓名", "professional", _("派出单位的人员；须已在名录中（或写在“人员”表中）"), True, 10),
        Column(
            "人员执业证书编码",
            "professional_license_no",
            _("填写后按此编码查找人员；未填则在派出单位按姓名查找，重名时必填"),
            width=20,
            text=True,
        ),
        Column(
            "派驻类型",
            "kind",
            _("驻点帮扶、挂职学习、进修、柔性坐诊"),
            True,
            10,
            choices=tuple(posting_kind_labels().values()),
        ),
        Column("派出单位", "home_institution", _("机构全称；须为该项目的参与单位"), True, 26),
        Column(
            "计划开始",
            "planned_start",
            _("YYYY-MM-DD；按（项目，人员，派驻类型，计划开始）匹配已有派驻"),
            True,
            12,
            date=True,
        ),
    )


def posting_sheet() -> SheetSpec:
    return SheetSpec(
        POSTINGS,
        (
            *_posting_key_columns(),
            Column("计划结束", "planned_end", _("YYYY-MM-DD；不能早于计划开始"), True, 12, date=True),
            Column("批次", "batch", _("第几批（数字）；该批次不存在时按本行日期新建"), width=8),
            Column("派出科室", "home_department", _("派出单位的科室名称"), width=14),
            Column("接收单位", "host_institution", _("机构全称；须为该项目的参与单位"), True, 26),
            Column("接收科室", "host_department", _("接收单位的科室名称"), width=14),
            Column("实际开始", "actual_start", _("YYYY-MM-DD；在岗、已完成、中途撤回时填写"), width=12, date=True),
            Column("实际结束", "actual_end", _("YYYY-MM-DD；已完成、中途撤回时填写"), width=12, date=True),
            Column(
                "状态",
                "status",
                _("计划中/已批准/在岗/已完成/已取消/中途撤回；留空则保持原值（新派驻为计划中）"),
                width=10,
                choices=tuple(posting_status_labels().values()),
            ),
            Column("取消/撤回原因", "status_reason", _("取消或中途撤回时必填"), width=20),
            Column("带教老师", "mentor", _("接收单位的人员姓名"), width=10),
            Column("挂钩领导", "liaison", _("派出单位的人员姓名"), width=10),
            Column("目标任务", "goals", _("可选"), width=30),
        ),
        scope_header="派出单位",
    )


def work_log_sheet() -> SheetSpec:
    counts = (
        ("诊疗人次", "patients_seen"),
        ("主刀手术", "surgeries_performed"),
        ("指导/助手手术", "surgeries_assisted"),
        ("授课/讲座", "lectures"),
        ("培训人次", "staff_trained"),
        ("教学查房", "teaching_rounds"),
    )
    return SheetSpec(
        WORK_LOGS,
        (
            *_posting_key_columns(),
            Column("日期", "day", _("YYYY-MM-DD；须在派驻期间；按（派驻，日期）匹配已有日志"), True, 12, date=True),
            *(Column(header, name, _("非负整数，留空为0"), width=10) for header, name in counts),
            Column("新技术新项目", "new_techniques", _("首次开展的技术名称，多项用顿号分隔"), width=30),
            Column("工作记录", "notes", _("可选"), width=40),
        ),
        scope_header="派出单位",
    )


def activity_kind_labels() -> dict[str, str]:
    return _chinese_labels(ActivityKind)


def activity_sheet() -> SheetSpec:
    names = _("机构全称，多个用“、”分隔")
    return SheetSpec(
        ACTIVITIES,
        (
            Column("活动名称", "title", _("按（活动名称，开始日期）匹配您可见的已有活动，匹配到则更新"), True, 30),
            Column(
                "活动类型",
                "kind",
                _("如 座谈、义诊、讲座、培训班、调研/考察、签约、授牌，或其代码"),
                True,
                12,
                choices=tuple(activity_kind_labels().values()),
            ),
            Column("开始日期", "start_date", _("YYYY-MM-DD"), True, 12, date=True),
            Column("结束日期", "end_date", _("YYYY-MM-DD；留空为当天结束"), width=12, date=True),
            Column("所属项目", "programmes", _("项目名称，多个用“、”分隔；须已存在或在“项目”表中"), width=30),
            Column("主办单位", "hosts", names + _("；主办或承办单位须在您的管辖范围内"), True, 26),
            Column("承办单位", "hosting", names, width=26),
            Column("协办单位", "co_organisers", names, width=20),
            Column("指导单位", "guides", names, width=20),
            Column("举办机构", "venue", _("机构全称；与“举办地区”至少填一项"), width=26),
            Column("举办地区", "region", _("区划代码或不重名的地区名称"), width=12, text=True),
            Column("地址", "address", _("可选"), width=24),
            Column("名额", "capacity", _("培训班报名人数上限；可选"), width=8),
            Column("参加人数", "attendance_count", _("整数；留空为 0"), width=10),
            Column("服务患者人次", "patients_served", _("义诊等服务的患者人次；留空为 0"), width=12),
            Column("签约协议数", "agreements_signed", _("整数；留空为 0"), width=10),
            Column("授牌/锦旗数", "banners_presented", _("整数；留空为 0"), width=10),
            Column("成果", "outcomes", _("可选"), width=30),
            Column("活动说明", "description", _("可选"), width=30),
        ),
        scope_header="主办单位",
    )


def session_kind_labels() -> dict[str, str]:
    return _chinese_labels(SessionKind)


def session_status_labels() -> dict[str, str]:
    return _chinese_labels(SessionStatus)


def clinic_session_sheet() -> SheetSpec:
    count = _("整数，留空为 0；仅已坐诊、已停诊的场次填写")
    return SheetSpec(
        CLINIC_SESSIONS,
        (
            *_expert_columns("expert", _("坐诊专家；须已在名录中（或写在“人员”表中）")),
            Column("坐诊医院", "host", _("机构全称"), True, 26),
            Column("坐诊科室", "department", _("坐诊医院的科室名称"), width=14),
            Column(
                "类型",
                "kind",
                _("门诊、义诊、教学查房、手术示教、远程"),
                True,
                10,
                choices=tuple(session_kind_labels().values()),
            ),
            Column(
                "日期", "date", _("YYYY-MM-DD；按（专家，坐诊医院，日期，开始时间）匹配已有场次"), True, 12, date=True
            ),
            Column("开始时间", "start_time", _("HH:MM，如 08:00"), True, 8, text=True),
            Column("结束时间", "end_time", _("HH:MM；须晚于开始时间"), True, 8, text=True),
            Column("号源数", "capacity", _("1 到 500"), True, 8),
            Column("项目名称", "programme", _("可选：所属项目"), width=26),
            Column("聘期开始", "engagement", _("可选：专家在该项目的聘任的聘期开始日期"), width=12, date=True),
            Column("派驻计划开始", "posting", _("可选：专家在该医院的派驻的计划开始日期"), width=12, date=True),
            Column(
                "状态",
                "status",
                _("已排班/已停诊/已坐诊；历史场次直接写最终状态"),
                True,
                10,
                choices=tuple(session_status_labels().values()),
            ),
            Column("停诊原因", "cancel_reason", _("已停诊时必填"), width=20),
            Column("已预约", "booked", count, width=8),
            Column("已签到", "checked_in", count, width=8),
            Column("爽约", "no_shows", count, width=8),
            Column("现场加号", "walk_ins", count, width=8),
            Column("备注", "note", _("可选"), width=20),
        ),
        scope_header="坐诊医院",
    )


def referral_status_labels() -> dict[str, str]:
    return _chinese_labels(ReferralStatus)


def urgency_labels() -> dict[str, str]:
    return _chinese_labels(Urgency)


def age_band_labels() -> dict[str, str]:
    return _chinese_labels(AgeBand)


def consultation_kind_labels() -> dict[str, str]:
    return _chinese_labels(ConsultationKind)


def consultation_status_labels() -> dict[str, str]:
    return _chinese_labels(ConsultationStatus)


def _moment_column(header: str, field_name: str, help_text: str, required: bool = False) -> Column:
    return Column(header, field_name, help_text, required, 19, text=True)


def _patient_columns(required: bool) -> tuple[Column, ...]:
    return (
        Column("患者姓名缩写", "patient_initials", _("如 ZS；不填写病案号、电话等可识别信息"), required, 10),
        Column("患者性别", "patient_sex", _("男/女，或 GB/T 2261.1 代码"), width=8, text=True, choices=sex_choices()),
        Column(
            "年龄段",
            "patient_age_band",
            _("如 45–59岁，或其代码 45-59"),
            required,
            10,
            text=True,
            choices=tuple(age_band_labels().values()),
        ),
    )


def referral_sheet() -> SheetSpec:
    stamp = _("YYYY-MM-DD HH:MM:SS；历史记录按状态依次填写各步时间")
    return SheetSpec(
        REFERRALS,
        (
            Column("转出机构", "from_institution", _("机构全称"), True, 26),
            Column("转出科室", "from_department", _("转出机构的科室名称"), width=14),
            Column("转入机构", "to_institution", _("机构全称"), True, 26),
            Column("转入科室", "to_department", _("转入机构的科室名称"), width=14),
            Column("项目名称", "programme", _("可选：两机构共同参与的项目；留空按申请日期自动确定"), width=26),
            Column("网络外", "outside_network", _("是/否：两机构不在同一项目内时填“是”"), width=8),
            *_patient_columns(True),
            Column("转诊原因", "reason", _("必填"), True, 30),
            Column("诊断编码", "diagnosis_code", _("ICD-10，如 K80.2"), width=10, text=True),
            Column("紧急程度", "urgency", _("普通/急诊/危重"), width=8, choices=tuple(urgency_labels().values())),
            _moment_column(
                "申请时间", "at", _("YYYY-MM-DD HH:MM:SS；按（转出机构，转入机构，申请时间）匹配已有转诊"), True
            ),
            Column("状态", "status", _("留空为待接收"), width=8, choices=tuple(referral_status_labels().values())),
            _moment_column("接收时间", "accepted_at", stamp),
            _moment_column("拒绝时间", "declined_at", stamp),
            _moment_column("撤回时间", "cancelled_at", stamp),
            _moment_column("到院时间", "arrived_at", stamp),
            _moment_column("完成时间", "completed_at", stamp),
            _moment_column("退回时间", "returned_at", stamp),
            Column("拒绝/退回说明", "note", _("拒绝或退回时必填"), width=20),
        ),
        scope_header="转出机构",
    )


def consultation_sheet() -> SheetSpec:
    stamp = _("YYYY-MM-DD HH:MM:SS；历史记录按状态填写")
    return SheetSpec(
        CONSULTATIONS,
        (
            Column("申请机构", "requesting_institution", _("机构全称"), True, 26),
            Column("申请医生", "requesting_doctor", _("申请机构的人员姓名"), width=10),
            Column("会诊机构", "consulting_institution", _("机构全称"), True, 26),
            Column("会诊专家", "consulting_expert", _("会诊机构的人员姓名"), width=10),
            Column("工作站", "station", _("可选：会诊机构的工作站名称"), width=20),
            Column("专科", "specialty", _("诊疗科目代码或名称"), width=14, text=True),
            Column(
                "会诊类型",
                "kind",
                _("远程会诊、远程影像诊断、远程心电诊断、远程病理诊断、远程教学查房"),
                True,
                14,
                choices=tuple(consultation_kind_labels().values()),
            ),
            Column("项目名称", "programme", _("可选：两机构共同参与的项目；留空按申请日期自动确定"), width=26),
            Column("网络外", "outside_network", _("是/否：两机构不在同一项目内时填“是”"), width=8),
            Column("会诊目的与病情摘要", "question", _("必填"), True, 30),
            *_patient_columns(False),
            _moment_column(
                "申请时间", "at", _("YYYY-MM-DD HH:MM:SS；按（申请机构，会诊机构，申请时间）匹配已有会诊"), True
            ),
            Column("状态", "status", _("留空为待排期"), width=10, choices=tuple(consultation_status_labels().values())),
            _moment_column("会诊时间", "scheduled_for", _("已排期时必填")),
            _moment_column("排期时间", "scheduled_at", stamp),
            _moment_column("意见出具时间", "completed_at", stamp),
            _moment_column("取消时间", "cancelled_at", stamp),
            Column("会诊意见", "opinion", _("已出具意见时必填"), width=30),
            Column("取消原因", "note", _("已取消时必填"), width=20),
        ),
        scope_header="申请机构",
    )


def data_sheets() -> tuple[SheetSpec, ...]:
    """The data sheets in the order the importer processes them: later sheets may
    name institutions, departments, people and programmes created by earlier ones
    in the same file."""
    return (
        institution_sheet(),
        department_sheet(),
        professional_sheet(),
        programme_sheet(),
        party_sheet(),
        target_sheet(),
        station_sheet(),
        engagement_sheet(),
        posting_sheet(),
        work_log_sheet(),
        activity_sheet(),
        clinic_session_sheet(),
        referral_sheet(),
        consultation_sheet(),
    )


# --- Writing ------------------------------------------------------------------

Rows = dict[str, Iterable[Sequence[Any]]]


def build_workbook(rows: Rows | None = None) -> Workbook:
    """The workbook with its instructions sheet and one styled sheet per spec,
    filled with ``rows[sheet title]`` when given (the export) or empty (the template).

    The book is write-only: rows stream to the file as they are produced, so a
    whole-database export (tens of thousands of clinic sessions) is not held as
    cell objects in memory. It can be saved once."""
    book = Workbook(write_only=True)
    _write_instructions(book.create_sheet(INSTRUCTIONS))
    for spec in data_sheets():
        _write_sheet(book.create_sheet(spec.title), spec, (rows or {}).get(spec.title, ()))
    return book


def workbook_bytes(book: Workbook) -> bytes:
    """The .xlsx file of ``book``, with no formula in it: every export goes through
    here, so text someone typed as "=…" can never run in the reader's Excel. (A
    write-only book holds no cells to look at; its rows were written by ``_cell``.)"""
    if not book.write_only:
        for sheet in book.worksheets:
            for row in sheet.iter_rows():
                _as_text(row)
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _as_text(cells: Sequence[Any]) -> None:
    for cell in cells:
        if cell.data_type == "f":
            cell.data_type = "s"


def _write_sheet(sheet: Worksheet, spec: SheetSpec, rows: Iterable[Sequence[Any]]) -> None:
    # Write-only sheets take their layout before the first row.
    for index, column in enumerate(spec.columns, start=1):
        _style_column(sheet, index, column)
    sheet.freeze_panes = "A2"
    sheet.append([_header_cell(sheet, column) for column in spec.columns])
    formats = [TEXT_FORMAT if c.text else DATE_FORMAT if c.date else None for c in spec.columns]
    count = 0
    for count, row in enumerate(rows, start=1):  # noqa: B007  # the count is the last row's
        sheet.append([_cell(sheet, value, number_format) for value, number_format in zip(row, formats, strict=False)])
    # Dropdowns reach well past the data so rows typed in later get them too.
    last_row = max(count + 1, 1000)
    for index, column in enumerate(spec.columns, start=1):
        if column.choices:
            letter = get_column_letter(index)
            _add_dropdown(sheet, f"{letter}2:{letter}{last_row}", column.choices)


def _header_cell(sheet: Worksheet, column: Column) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, column.title)
    cell.font = HEADER_FONT
    cell.fill = REQUIRED_FILL if column.required else HEADER_FILL
    cell.alignment = Alignment(horizontal="center", vertical="center")
    return cell


def _cell(sheet: Worksheet, value: Any, number_format: str | None) -> Any:
    """A plain value where nothing needs saying; a styled cell for codes and dates.
    Text that looks like a formula ("=HYPERLINK(…)" typed as a name) is written as
    text: opening an export must never run what someone typed into a record."""
    formula = isinstance(value, str) and value.startswith("=")
    if value is None or (number_format is None and not formula):
        return value
    cell = WriteOnlyCell(sheet, value)
    if formula:
        cell.data_type = "s"
    if number_format is not None:
        cell.number_format = number_format
    return cell


def _style_column(sheet: Worksheet, index: int, column: Column) -> None:
    letter = get_column_letter(index)
    sheet.column_dimensions[letter].width = column.width
    if column.text:
        sheet.column_dimensions[letter].number_format = TEXT_FORMAT


def _add_dropdown(sheet: Worksheet, cells: str, choices: tuple[str, ...]) -> None:
    # A warning, not a stop: the codes (1, 2 …) are valid input too but are not in the list.
    validation = DataValidation(
        type="list", formula1='"' + ",".join(choices) + '"', allow_blank=True, errorStyle="warning"
    )
    validation.add(cells)
    sheet.data_validations.append(validation)


def _write_instructions(sheet: Worksheet) -> None:
    for index, width in enumerate((10, 16, 10, 90), start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    notes = _general_notes()
    title = WriteOnlyCell(sheet, notes[0])
    title.font = Font(bold=True, size=14)
    sheet.append([title])
    for line in notes[1:]:
        sheet.append([line])
    sheet.append([])
    headers = []
    for text in (_("工作表"), _("列名"), _("是否必填"), _("填写说明")):
        cell = WriteOnlyCell(sheet, text)
        cell.font, cell.fill = HEADER_FONT, HEADER_FILL
        headers.append(cell)
    sheet.append(headers)
    for spec in data_sheets():
        for column in spec.columns:
            sheet.append([spec.title, column.title, _("必填") if column.required else "", column.help])


def _general_notes() -> list[str]:
    return [
        _("医桥机构人员与项目导入模板"),
        _(
            "按“机构”“科室”“人员”“项目”“参与方”“年度目标”“工作站”“聘任”“派驻”“工作日志”“活动”"
            "“坐诊”“转诊”“远程会诊”的顺序导入，后面的表可以引用前面表中新增的机构、科室、人员、项目、工作站和派驻。"
        ),
        _("列名带 * 的为必填项；第一行为列名，请勿修改或删除列；空行会被跳过。"),
        _("导入前检查所有行：只要有一行有误，整个文件都不会写入，并列出所有出错的行、列和原因。"),
        _("已有记录按名称匹配并更新，内容相同的行不做任何修改，重复导入同一文件不会产生变化。"),
        _("除“手机号码”“身份证号码”“性别”“专业类别”外，单元格留空表示清除该项；这四列留空表示保持原值。"),
        _("身份证号码只保存加密散列和后四位，不保存号码本身，因此导出文件中不含身份证号码。"),
        _("导出文件中，您无权查看完整号码的人员的手机号码为空；再导入时保持原号码不变。"),
        _("代码类列（机构类别、医院等级、所在地区、诊疗科目、职称、籍贯）既可填代码，也可填准确名称。"),
        _("日期填写为 YYYY-MM-DD（如 2025-03-01），也可以是 Excel 的日期单元格。"),
        _(
            "新建项目：“项目”表中未匹配到已有项目的行会新建项目，此时“参与方”表中须有该项目的一行，"
            "角色为牵头、主办、承办或托管，且机构在您的管辖范围内；该行作为项目的第一个参与方一同创建。"
        ),
        _("项目按名称在您可见的项目中匹配；若有两个同名项目，请先在页面上改名以区分。"),
        _(
            "参与方按（项目，机构，科室，角色）匹配，年度目标按（项目，年度，指标），工作站按（项目，名称），"
            "聘任按（项目，工作站，专家，聘期开始）；匹配到则更新，内容相同则不变。导入不会删除记录；"
            "已登记参与方的加入日期和备注暂不能通过导入修改。"
        ),
        _("“状态”“聘任角色”留空表示保持原值；其余项目类列留空表示清除该项。"),
        _("修改项目、工作站和聘任须为牵头、主办、承办或托管单位（或其主管卫健委）的用户。"),
        _(
            "派驻按（项目，人员，派驻类型，计划开始）匹配。历史记录可直接写最终状态和实际日期（如“已完成”），"
            "导入时依次经过批准、报到、结束各步，每一步都按页面上的同一规则和权限检查；"
            "同一人员的非柔性坐诊派驻不能重叠。"
        ),
        _("工作日志按（派驻，日期）匹配；前六列用于找到所属派驻，须与“派驻”表或已有记录一致。"),
        _(
            "坐诊按（专家，坐诊医院，日期，开始时间）匹配，转诊按（转出机构，转入机构，申请时间），"
            "远程会诊按（申请机构，会诊机构，申请时间）；已登记的记录不会被导入修改。"
            "历史场次直接写最终状态和人数，历史转诊、会诊写最终状态和各步时间，导入时按页面上的同一规则依次办理。"
        ),
        _(
            "导出文件不含患者的预约记录、手机号码、身份证号码和病案号：坐诊只写预约、签到、爽约和现场加号的人数；"
            "转诊和会诊只写患者姓名缩写、性别和年龄段，且仅限您有权查看该患者的记录。"
        ),
    ]
