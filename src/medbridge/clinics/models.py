"""Clinics: the sessions visiting experts hold at host hospitals, the patients'
bookings of them, and the messages those patients are sent."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from medbridge.directory.models import Department, Institution, Professional
from medbridge.pii import EncryptedCharField, mask_phone
from medbridge.postings.models import Posting
from medbridge.programmes.models import Engagement, Programme


class SessionKind(models.TextChoices):
    CLINIC = "clinic", _("门诊")
    FREE_CLINIC = "free_clinic", _("义诊")
    TEACHING_ROUNDS = "teaching_rounds", _("教学查房")
    SURGICAL_DEMO = "surgical_demo", _("手术示教")
    REMOTE = "remote", _("远程")


# Kinds the public may book; rounds and demonstrations are for the host's staff.
PUBLIC_KINDS = (SessionKind.CLINIC, SessionKind.FREE_CLINIC, SessionKind.REMOTE)


class SessionStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("已排班")
    CANCELLED = "cancelled", _("已停诊")
    HELD = "held", _("已坐诊")


class SessionSeries(models.Model):
    """A recurring clinic as the host hospital plans it: "every Tuesday 08:00–12:00
    from 1 March to 30 June, 30 places". Creating a series creates its sessions;
    changing "this and all later sessions" goes through the series."""

    expert = models.ForeignKey(Professional, models.PROTECT, related_name="clinic_series", verbose_name=_("专家"))
    host = models.ForeignKey(Institution, models.PROTECT, related_name="clinic_series", verbose_name=_("坐诊医院"))
    department = models.ForeignKey(
        Department, models.PROTECT, null=True, blank=True, related_name="clinic_series", verbose_name=_("坐诊科室")
    )
    kind = models.CharField(_("类型"), max_length=16, choices=SessionKind.choices, default=SessionKind.CLINIC)
    weekday = models.PositiveSmallIntegerField(_("星期"))  # 0 = Monday, as date.weekday()
    start_time = models.TimeField(_("开始时间"))
    end_time = models.TimeField(_("结束时间"))
    capacity = models.PositiveIntegerField(_("号源数"))
    first_date = models.DateField(_("首次日期"))
    last_date = models.DateField(_("末次日期"))
    programme = models.ForeignKey(
        Programme, models.PROTECT, null=True, blank=True, related_name="clinic_series", verbose_name=_("项目")
    )
    engagement = models.ForeignKey(
        Engagement, models.PROTECT, null=True, blank=True, related_name="clinic_series", verbose_name=_("聘任")
    )
    posting = models.ForeignKey(
        Posting, models.PROTECT, null=True, blank=True, related_name="clinic_series", verbose_name=_("派驻")
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-first_date"]
        verbose_name = _("坐诊计划")
        verbose_name_plural = _("坐诊计划")

    def __str__(self) -> str:
        return f"{self.expert.name} · {self.host.name}"


class ClinicSession(models.Model):
    """One clinic a visiting expert holds at a host hospital on one day, with the
    number of places the public may book. Its counters are kept by the booking
    services under a row lock (or a conditional update) and are the figures
    reported as 坐诊人次; they survive the anonymisation of the bookings."""

    expert = models.ForeignKey(Professional, models.PROTECT, related_name="clinic_sessions", verbose_name=_("专家"))
    host = models.ForeignKey(Institution, models.PROTECT, related_name="clinic_sessions", verbose_name=_("坐诊医院"))
    department = models.ForeignKey(
        Department, models.PROTECT, null=True, blank=True, related_name="clinic_sessions", verbose_name=_("坐诊科室")
    )
    kind = models.CharField(_("类型"), max_length=16, choices=SessionKind.choices, default=SessionKind.CLINIC)
    date = models.DateField(_("日期"))
    start_time = models.TimeField(_("开始时间"))
    end_time = models.TimeField(_("结束时间"))
    capacity = models.PositiveIntegerField(_("号源数"))
    status = models.CharField(_("状态"), max_length=16, choices=SessionStatus.choices, default=SessionStatus.SCHEDULED)
    cancel_reason = models.CharField(_("停诊原因"), max_length=200, blank=True)
    series = models.ForeignKey(
        SessionSeries, models.SET_NULL, null=True, blank=True, related_name="sessions", verbose_name=_("坐诊计划")
    )
    programme = models.ForeignKey(
        Programme, models.PROTECT, null=True, blank=True, related_name="clinic_sessions", verbose_name=_("项目")
    )
    engagement = models.ForeignKey(
        Engagement, models.PROTECT, null=True, blank=True, related_name="clinic_sessions", verbose_name=_("聘任")
    )
    posting = models.ForeignKey(
        Posting, models.PROTECT, null=True, blank=True, related_name="clinic_sessions", verbose_name=_("派驻")
    )
    note = models.CharField(_("备注"), max_length=200, blank=True)
    booked = models.PositiveIntegerField(_("已预约"), default=0)
    waitlisted = models.PositiveIntegerField(_("候补"), default=0)
    checked_in = models.PositiveIntegerField(_("已签到"), default=0)
    no_shows = models.PositiveIntegerField(_("爽约"), default=0)
    walk_ins = models.PositiveIntegerField(_("现场加号"), default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["date", "start_time"]
        verbose_name = _("坐诊")
        verbose_name_plural = _("坐诊")
        indexes = [
            # Covers the public calendar's count: status, a date range, kinds, and
            # end_time for today's sessions that are already over.
            models.Index(fields=["status", "date", "kind", "end_time"], name="clinic_status_date"),
            # Carries what the figures count, so a province's sessions out of millions
            # are summed from the index alone (see reports.selectors).
            models.Index(
                fields=["host", "date"],
                include=["status", "expert", "programme", "checked_in", "walk_ins", "id"],
                name="clinic_host_date_figures",
            ),
            models.Index(fields=["expert", "date"], name="clinic_expert_date"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(booked__lte=models.F("capacity")), name="clinic_never_overbooked"),
            models.CheckConstraint(condition=Q(end_time__gt=models.F("start_time")), name="clinic_ends_after_start"),
        ]

    def __str__(self) -> str:
        return f"{self.expert.name} {self.date:%Y-%m-%d} {self.start_time:%H:%M}"

    def get_absolute_url(self) -> str:
        return reverse("clinics:session_detail", args=[self.pk])

    @property
    def remaining(self) -> int:
        return max(self.capacity - self.booked, 0)

    @property
    def visits(self) -> int:
        """Patients actually seen: booked patients who checked in, plus walk-ins."""
        return self.checked_in + self.walk_ins

    @property
    def is_public(self) -> bool:
        return self.kind in PUBLIC_KINDS


class BookingStatus(models.TextChoices):
    CONFIRMED = "confirmed", _("已预约")
    WAITLISTED = "waitlisted", _("候补中")
    CANCELLED = "cancelled", _("已取消")
    CHECKED_IN = "checked_in", _("已就诊")
    NO_SHOW = "no_show", _("爽约")


# Bookings that hold a place (or a place in the queue) and count against a phone's limit.
ACTIVE_STATUSES = (BookingStatus.CONFIRMED, BookingStatus.WAITLISTED)


class Booking(models.Model):
    """A patient's reservation of a clinic session, made on the public site without
    an account. The phone is encrypted at rest and kept with a keyed hash so that
    limits and cancellations can find it; both are erased, with the name and ID
    tail, when the booking is anonymised some days after the session."""

    session = models.ForeignKey(ClinicSession, models.PROTECT, related_name="bookings", verbose_name=_("坐诊"))
    code = models.CharField(_("预约码"), max_length=12, unique=True)
    status = models.CharField(_("状态"), max_length=16, choices=BookingStatus.choices)
    patient_name = models.CharField(_("患者姓名"), max_length=40, blank=True)
    phone = EncryptedCharField(_("手机号码"), max_length=255, blank=True)
    phone_hash = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    id_tail = models.CharField(_("身份证号后四位"), max_length=4, blank=True)
    consent_at = models.DateTimeField(_("同意个人信息处理时间"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    cancelled_at = models.DateTimeField(_("取消时间"), null=True, blank=True)
    promoted_at = models.DateTimeField(_("候补转正时间"), null=True, blank=True)
    anonymised_at = models.DateTimeField(_("匿名化时间"), null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("预约")
        verbose_name_plural = _("预约")
        constraints = [
            # The database itself refuses a second active booking of one session by
            # one phone: two simultaneous requests cannot both pass a check in Python.
            models.UniqueConstraint(
                fields=["session", "phone_hash"],
                condition=Q(status__in=["confirmed", "waitlisted"]) & ~Q(phone_hash=""),
                name="booking_one_active_per_phone",
            )
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.phone)

    @property
    def masked_name(self) -> str:
        return self.patient_name[:1] + "*" * max(len(self.patient_name) - 1, 1) if self.patient_name else ""


class OutboxStatus(models.TextChoices):
    PENDING = "pending", _("待发送")
    SENT = "sent", _("已发送")
    FAILED = "failed", _("发送失败")


class OutboxMessage(models.Model):
    """A text message to a patient, written in the same transaction as the change it
    reports (a cancelled session, a place freed from the waiting list) and sent
    later by ``deliver-notifications`` through the configured channel, so that a
    gateway outage never loses or blocks a cancellation."""

    booking = models.ForeignKey(
        Booking, models.SET_NULL, null=True, blank=True, related_name="messages", verbose_name=_("预约")
    )
    phone = EncryptedCharField(_("手机号码"), max_length=255, blank=True)
    text = models.TextField(_("内容"))
    status = models.CharField(_("状态"), max_length=16, choices=OutboxStatus.choices, default=OutboxStatus.PENDING)
    attempts = models.PositiveSmallIntegerField(_("尝试次数"), default=0)
    last_error = models.CharField(_("最近错误"), max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("待发通知")
        verbose_name_plural = _("待发通知")
        indexes = [models.Index(fields=["status", "created_at"], name="outbox_status_created")]

    def __str__(self) -> str:
        return f"{mask_phone(self.phone)}: {self.text[:20]}"
