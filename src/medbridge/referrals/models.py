"""Two-way referrals (双向转诊) and remote consultations (远程会诊) between partner
institutions, each with its workflow's event records. Every timestamp a figure is
computed from is stored on the record and in its event trail."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from medbridge.directory.models import Department, Institution, Professional, Sex, Specialty
from medbridge.pii import EncryptedCharField
from medbridge.programmes.models import Programme, Station


class Direction(models.TextChoices):
    UP = "up", _("上转")
    DOWN = "down", _("下转")
    ACROSS = "across", _("平转")


class Urgency(models.TextChoices):
    ROUTINE = "routine", _("普通")
    URGENT = "urgent", _("急诊")
    CRITICAL = "critical", _("危重")


# How long the receiving side has to accept a referral, by urgency. Stored on each
# referral as ``accept_due_at`` when it is requested, so that changing this table
# later does not rewrite history.
ACCEPT_WITHIN = {
    Urgency.ROUTINE: timedelta(hours=72),
    Urgency.URGENT: timedelta(hours=24),
    Urgency.CRITICAL: timedelta(hours=2),
}


class AgeBand(models.TextChoices):
    """Age in bands, never a birth date: enough for triage, too coarse to identify."""

    CHILD = "0-6", _("0–6岁")
    MINOR = "7-17", _("7–17岁")
    ADULT = "18-44", _("18–44岁")
    MIDDLE = "45-59", _("45–59岁")
    OLDER = "60-74", _("60–74岁")
    ELDERLY = "75+", _("75岁及以上")


class ReferralStatus(models.TextChoices):
    REQUESTED = "requested", _("待接收")
    ACCEPTED = "accepted", _("已接收")
    DECLINED = "declined", _("已拒绝")
    CANCELLED = "cancelled", _("已撤回")
    ARRIVED = "arrived", _("已到院")
    COMPLETED = "completed", _("已完成")
    RETURNED = "returned", _("已退回")


def mask_record_no(number: str) -> str:
    """``A1****67``: enough for staff to tell two of their patients apart in a list."""
    if len(number) <= 4:
        return "*" * len(number)
    return number[:2] + "*" * (len(number) - 4) + number[-2:]


class PatientMinimum(models.Model):
    """The minimum a partner needs to receive a patient: initials, sex, age band and
    the sending side's local record number. The number is encrypted at rest and
    also kept as a keyed hash so a hospital can find its own patient's referrals."""

    patient_initials = models.CharField(_("患者姓名缩写"), max_length=8)
    patient_sex = models.CharField(_("性别"), max_length=1, choices=Sex.choices, default=Sex.UNSTATED)
    patient_age_band = models.CharField(_("年龄段"), max_length=8, choices=AgeBand.choices)
    patient_record_no = EncryptedCharField(_("本院病案号/门诊号"), max_length=255, blank=True)
    patient_record_hash = models.CharField(max_length=64, blank=True, db_index=True, editable=False)

    class Meta:
        abstract = True

    @property
    def masked_record_no(self) -> str:
        return mask_record_no(self.patient_record_no)


class Referral(PatientMinimum):
    """A patient transferred from one institution (or department) to another: up to
    a higher-grade hospital for what the county cannot treat, down for recovery,
    or across between equals. Normally both sides are parties of one active
    programme; otherwise it is flagged as outside the network. The direction is
    computed from the two institutions' grades when the referral is requested."""

    programme = models.ForeignKey(
        Programme, models.PROTECT, null=True, blank=True, related_name="referrals", verbose_name=_("所属项目")
    )
    outside_network = models.BooleanField(_("网络外转诊"), default=False)
    from_institution = models.ForeignKey(
        Institution, models.PROTECT, related_name="referrals_out", verbose_name=_("转出机构")
    )
    from_department = models.ForeignKey(
        Department, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("转出科室")
    )
    to_institution = models.ForeignKey(
        Institution, models.PROTECT, related_name="referrals_in", verbose_name=_("转入机构")
    )
    to_department = models.ForeignKey(
        Department, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("转入科室")
    )
    direction = models.CharField(_("转诊方向"), max_length=8, choices=Direction.choices, editable=False)
    reason = models.TextField(_("转诊原因"))
    diagnosis_code = models.CharField(_("诊断编码（ICD-10）"), max_length=10, blank=True)
    urgency = models.CharField(_("紧急程度"), max_length=10, choices=Urgency.choices, default=Urgency.ROUTINE)
    status = models.CharField(
        _("状态"), max_length=12, choices=ReferralStatus.choices, default=ReferralStatus.REQUESTED, db_index=True
    )
    requested_at = models.DateTimeField(_("申请时间"), db_index=True)
    accept_due_at = models.DateTimeField(_("接收时限"))
    accepted_at = models.DateTimeField(_("接收时间"), null=True, blank=True)
    declined_at = models.DateTimeField(_("拒绝时间"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("撤回时间"), null=True, blank=True)
    arrived_at = models.DateTimeField(_("到院时间"), null=True, blank=True)
    completed_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    returned_at = models.DateTimeField(_("退回时间"), null=True, blank=True)
    closing_note = models.CharField(_("拒绝/退回说明"), max_length=300, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+", editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        verbose_name = _("转诊")
        verbose_name_plural = _("转诊")
        indexes = [
            models.Index(fields=["from_institution", "status"]),
            models.Index(fields=["to_institution", "status"]),
        ]

    def __str__(self) -> str:
        return f"ZZ{self.pk:06d}" if self.pk else "ZZ——"

    def get_absolute_url(self) -> str:
        return reverse("referrals:referral_detail", args=[self.pk])

    @property
    def number(self) -> str:
        return str(self)


class ReferralEvent(models.Model):
    """One step of a referral's workflow — requested, accepted, declined, arrived,
    completed, returned, withdrawn — with when it happened, who recorded it and
    an optional note. The referral's own timestamps repeat these for querying."""

    referral = models.ForeignKey(Referral, models.CASCADE, related_name="events", verbose_name=_("转诊"))
    action = models.CharField(_("操作"), max_length=12)
    from_status = models.CharField(_("原状态"), max_length=12, blank=True)
    to_status = models.CharField(_("新状态"), max_length=12, choices=ReferralStatus.choices)
    at = models.DateTimeField(_("时间"))
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+")
    note = models.CharField(_("说明"), max_length=300, blank=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("转诊记录")
        verbose_name_plural = _("转诊记录")

    def __str__(self) -> str:
        return f"{self.referral} {self.action} {self.at:%Y-%m-%d %H:%M}"


class ConsultationKind(models.TextChoices):
    CONSULTATION = "consultation", _("远程会诊")
    IMAGING = "imaging", _("远程影像诊断")
    ECG = "ecg", _("远程心电诊断")
    PATHOLOGY = "pathology", _("远程病理诊断")
    TEACHING = "teaching", _("远程教学查房")


class ConsultationStatus(models.TextChoices):
    REQUESTED = "requested", _("待排期")
    SCHEDULED = "scheduled", _("已排期")
    COMPLETED = "completed", _("已出具意见")
    CANCELLED = "cancelled", _("已取消")


class Consultation(PatientMinimum):
    """A remote consultation requested by a grassroots institution's doctor from an
    expert (or a telemedicine station) of a partner institution: a case discussion,
    a reading of images, an ECG or a slide, or teaching rounds. The consulting side
    schedules it and writes the opinion. Teaching rounds may have no patient."""

    programme = models.ForeignKey(
        Programme, models.PROTECT, null=True, blank=True, related_name="consultations", verbose_name=_("所属项目")
    )
    outside_network = models.BooleanField(_("网络外会诊"), default=False)
    requesting_institution = models.ForeignKey(
        Institution, models.PROTECT, related_name="consultations_requested", verbose_name=_("申请机构")
    )
    requesting_doctor = models.ForeignKey(
        Professional, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("申请医生")
    )
    specialty = models.ForeignKey(Specialty, models.PROTECT, null=True, blank=True, verbose_name=_("专科"))
    kind = models.CharField(_("会诊类型"), max_length=16, choices=ConsultationKind.choices)
    consulting_institution = models.ForeignKey(
        Institution, models.PROTECT, related_name="consultations_given", verbose_name=_("会诊机构")
    )
    consulting_expert = models.ForeignKey(
        Professional, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("会诊专家")
    )
    station = models.ForeignKey(
        Station, models.PROTECT, null=True, blank=True, related_name="consultations", verbose_name=_("工作站")
    )
    question = models.TextField(_("会诊目的与病情摘要"))
    # Initials are optional here: teaching rounds may discuss no single patient.
    patient_initials = models.CharField(_("患者姓名缩写"), max_length=8, blank=True)
    patient_age_band = models.CharField(_("年龄段"), max_length=8, choices=AgeBand.choices, blank=True)
    status = models.CharField(
        _("状态"),
        max_length=12,
        choices=ConsultationStatus.choices,
        default=ConsultationStatus.REQUESTED,
        db_index=True,
    )
    requested_at = models.DateTimeField(_("申请时间"), db_index=True)
    scheduled_for = models.DateTimeField(_("会诊时间"), null=True, blank=True)
    scheduled_at = models.DateTimeField(_("排期时间"), null=True, blank=True)
    completed_at = models.DateTimeField(_("意见出具时间"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("取消时间"), null=True, blank=True)
    opinion = models.TextField(_("会诊意见"), blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+", editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        verbose_name = _("远程会诊")
        verbose_name_plural = _("远程会诊")

    def __str__(self) -> str:
        return f"HZ{self.pk:06d}" if self.pk else "HZ——"

    def get_absolute_url(self) -> str:
        return reverse("referrals:consultation_detail", args=[self.pk])

    @property
    def number(self) -> str:
        return str(self)


class ConsultationEvent(models.Model):
    """One step of a consultation — requested, scheduled, opinion given, cancelled —
    with when it happened and who recorded it."""

    consultation = models.ForeignKey(Consultation, models.CASCADE, related_name="events", verbose_name=_("会诊"))
    action = models.CharField(_("操作"), max_length=12)
    from_status = models.CharField(_("原状态"), max_length=12, blank=True)
    to_status = models.CharField(_("新状态"), max_length=12, choices=ConsultationStatus.choices)
    at = models.DateTimeField(_("时间"))
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+")
    note = models.CharField(_("说明"), max_length=300, blank=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("会诊记录")
        verbose_name_plural = _("会诊记录")

    def __str__(self) -> str:
        return f"{self.consultation} {self.action} {self.at:%Y-%m-%d %H:%M}"


class ConsultationAttachment(models.Model):
    """A file sent with a consultation: images, an ECG trace, a report, slides. Served
    only through an access-checked view, never from a public media URL."""

    consultation = models.ForeignKey(Consultation, models.CASCADE, related_name="attachments", verbose_name=_("会诊"))
    title = models.CharField(_("附件名称"), max_length=150)
    file = models.FileField(_("文件"), upload_to="consultations/%Y/")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+", editable=False
    )
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at", "id"]
        verbose_name = _("会诊附件")
        verbose_name_plural = _("会诊附件")

    def __str__(self) -> str:
        return self.title
