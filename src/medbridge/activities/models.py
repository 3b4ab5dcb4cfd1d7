"""Activities — symposiums, free clinics, lectures, courses, study tours — through
which programmes show up on the ground, and the hometown-talent network a city
keeps with the professionals born there who work elsewhere."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from medbridge.directory.models import Institution, Professional, Region
from medbridge.programmes.models import Programme


class ActivityKind(models.TextChoices):
    SYMPOSIUM = "symposium", _("座谈")
    FREE_CLINIC = "free_clinic", _("义诊")
    LECTURE = "lecture", _("讲座")
    COURSE = "course", _("培训班")
    TEACHING_ROUNDS = "teaching_rounds", _("教学查房")
    SURGICAL_DEMONSTRATION = "surgical_demonstration", _("手术示教")
    STUDY_TOUR = "study_tour", _("调研/考察")
    SIGNING = "signing", _("签约")
    PLAQUE_CEREMONY = "plaque_ceremony", _("授牌")
    ONLINE_COURSE = "online_course", _("线上课程")


# Kinds that run as a course: enrolment, sessions, attendance, certificates.
COURSE_KINDS = (ActivityKind.COURSE, ActivityKind.ONLINE_COURSE)


class Activity(models.Model):
    """Something a programme does on a given day or days at a place: a symposium
    with returning experts, a free clinic, a lecture, a course, a delegation's
    study tour. The headcount and patients served are the figures the organiser
    reports; named participants are recorded separately, with their invitations."""

    kind = models.CharField(_("活动类型"), max_length=32, choices=ActivityKind.choices)
    title = models.CharField(_("活动名称"), max_length=150)
    programmes = models.ManyToManyField(Programme, blank=True, related_name="activities", verbose_name=_("所属项目"))
    venue = models.ForeignKey(
        Institution, models.PROTECT, null=True, blank=True, related_name="activities_held", verbose_name=_("举办机构")
    )
    region = models.ForeignKey(
        Region, models.PROTECT, null=True, blank=True, related_name="activities", verbose_name=_("举办地区")
    )
    address = models.CharField(_("地址"), max_length=200, blank=True)
    start_date = models.DateField(_("开始日期"))
    end_date = models.DateField(_("结束日期"))
    capacity = models.PositiveIntegerField(_("名额"), null=True, blank=True)
    attendance_count = models.PositiveIntegerField(_("参加人数"), default=0)
    patients_served = models.PositiveIntegerField(_("服务患者人次"), default=0)
    agreements_signed = models.PositiveSmallIntegerField(_("签约协议数"), default=0)
    banners_presented = models.PositiveSmallIntegerField(_("授牌/锦旗数"), default=0)
    outcomes = models.TextField(_("成果"), blank=True)
    description = models.TextField(_("活动说明"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-start_date", "title"]
        verbose_name = _("活动")
        verbose_name_plural = _("活动")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("activities:activity_detail", args=[self.pk])

    @property
    def is_course(self) -> bool:
        return self.kind in COURSE_KINDS

    @property
    def is_study_tour(self) -> bool:
        return self.kind == ActivityKind.STUDY_TOUR


class HostRole(models.TextChoices):
    ORGANISER = "organiser", _("主办")
    HOST = "host", _("承办")
    CO_ORGANISER = "co_organiser", _("协办")
    GUIDE = "guide", _("指导")


# Roles whose institutions run the activity and so may edit it.
RUNNING_ROLES = (HostRole.ORGANISER, HostRole.HOST)


class ActivityHost(models.Model):
    """An institution behind an activity in one role: the commission that organises
    it, the hospital that hosts it, an association that guides it."""

    activity = models.ForeignKey(Activity, models.CASCADE, related_name="hosts", verbose_name=_("活动"))
    institution = models.ForeignKey(Institution, models.PROTECT, related_name="activity_roles", verbose_name=_("机构"))
    role = models.CharField(_("角色"), max_length=16, choices=HostRole.choices)

    class Meta:
        ordering = ["activity", "role", "institution__name"]
        verbose_name = _("主办/承办单位")
        verbose_name_plural = _("主办/承办单位")
        constraints = [models.UniqueConstraint(fields=["activity", "institution", "role"], name="activity_host_unique")]

    def __str__(self) -> str:
        return f"{self.institution.name}（{self.get_role_display()}）"


class ParticipantRole(models.TextChoices):
    SPEAKER = "speaker", _("授课/主讲")
    EXPERT = "expert", _("专家")
    TRAINEE = "trainee", _("学员")
    GUEST = "guest", _("嘉宾")


class Rsvp(models.TextChoices):
    INVITED = "invited", _("待回复")
    ACCEPTED = "accepted", _("接受")
    DECLINED = "declined", _("婉拒")


class Participant(models.Model):
    """A named professional at an activity — speaker, expert, trainee or guest —
    from the invitation through their reply to whether they actually came."""

    activity = models.ForeignKey(Activity, models.CASCADE, related_name="participants", verbose_name=_("活动"))
    professional = models.ForeignKey(
        Professional, models.PROTECT, related_name="activity_participations", verbose_name=_("人员")
    )
    role = models.CharField(_("身份"), max_length=16, choices=ParticipantRole.choices, default=ParticipantRole.GUEST)
    rsvp = models.CharField(_("回复"), max_length=16, choices=Rsvp.choices, default=Rsvp.INVITED)
    attended = models.BooleanField(_("出席"), null=True, blank=True)
    invited_at = models.DateTimeField(_("邀请时间"), auto_now_add=True)
    responded_at = models.DateTimeField(_("回复时间"), null=True, blank=True)

    class Meta:
        ordering = ["activity", "role", "professional__name"]
        verbose_name = _("参加人员")
        verbose_name_plural = _("参加人员")
        constraints = [
            models.UniqueConstraint(fields=["activity", "professional"], name="participant_once_per_activity")
        ]

    def __str__(self) -> str:
        return f"{self.professional.name} · {self.activity.title}"


class Attachment(models.Model):
    """A file kept with an activity: the agenda, the sign-in sheet, photos, the
    press release."""

    activity = models.ForeignKey(Activity, models.CASCADE, related_name="attachments", verbose_name=_("活动"))
    title = models.CharField(_("附件名称"), max_length=150)
    file = models.FileField(_("文件"), upload_to="activities/%Y/")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("活动附件")
        verbose_name_plural = _("活动附件")

    def __str__(self) -> str:
        return self.title


class ItineraryDay(models.Model):
    """One day of a multi-day study tour: what the delegation does and which
    institutions it visits (a county delegation's five days in a city)."""

    activity = models.ForeignKey(Activity, models.CASCADE, related_name="itinerary", verbose_name=_("活动"))
    day = models.DateField(_("日期"))
    summary = models.CharField(_("行程安排"), max_length=300, blank=True)
    institutions = models.ManyToManyField(Institution, blank=True, related_name="visits", verbose_name=_("考察机构"))

    class Meta:
        ordering = ["activity", "day"]
        verbose_name = _("考察行程")
        verbose_name_plural = _("考察行程")
        constraints = [models.UniqueConstraint(fields=["activity", "day"], name="itinerary_one_entry_per_day")]

    def __str__(self) -> str:
        return f"{self.activity.title} {self.day}"


class CourseSession(models.Model):
    """One class of a course (培训班) or online course: a date, a topic, the hours
    that count towards the certificate of attendance."""

    activity = models.ForeignKey(Activity, models.CASCADE, related_name="sessions", verbose_name=_("课程"))
    day = models.DateField(_("日期"))
    topic = models.CharField(_("主题"), max_length=150)
    hours = models.DecimalField(_("学时"), max_digits=4, decimal_places=1, default=2)

    class Meta:
        ordering = ["activity", "day", "id"]
        verbose_name = _("课次")
        verbose_name_plural = _("课次")

    def __str__(self) -> str:
        return f"{self.day} {self.topic}"


class Enrolment(models.Model):
    """A professional enrolled in a course; the course's places are counted from these."""

    activity = models.ForeignKey(Activity, models.CASCADE, related_name="enrolments", verbose_name=_("课程"))
    professional = models.ForeignKey(Professional, models.PROTECT, related_name="enrolments", verbose_name=_("学员"))
    enrolled_at = models.DateTimeField(_("报名时间"), auto_now_add=True)

    class Meta:
        ordering = ["activity", "professional__name"]
        verbose_name = _("报名")
        verbose_name_plural = _("报名")
        constraints = [models.UniqueConstraint(fields=["activity", "professional"], name="enrolment_once_per_course")]

    def __str__(self) -> str:
        return f"{self.professional.name} · {self.activity.title}"


class SessionAttendance(models.Model):
    """That an enrolled trainee was present at one class."""

    session = models.ForeignKey(CourseSession, models.CASCADE, related_name="attendances", verbose_name=_("课次"))
    enrolment = models.ForeignKey(Enrolment, models.CASCADE, related_name="attendances", verbose_name=_("报名"))

    class Meta:
        verbose_name = _("课次出勤")
        verbose_name_plural = _("课次出勤")
        constraints = [models.UniqueConstraint(fields=["session", "enrolment"], name="attendance_once_per_session")]

    def __str__(self) -> str:
        return f"{self.enrolment.professional.name} @ {self.session}"


# --- The hometown-talent network ------------------------------------------------


class WillingnessTag(models.TextChoices):
    TEACHING = "teaching", _("带教培训")
    CLINICS = "clinics", _("回乡坐诊")
    TELEMEDICINE = "telemedicine", _("远程医疗")
    RESEARCH = "research", _("科研合作")
    RECRUITING = "recruiting", _("引才荐才")


class Willingness(models.Model):
    """What a hometown professional has said they are willing to help their home
    region with, as recorded by that region's commission."""

    region = models.ForeignKey(Region, models.PROTECT, related_name="+", verbose_name=_("家乡地区"))
    professional = models.ForeignKey(Professional, models.CASCADE, related_name="willingness", verbose_name=_("人员"))
    tag = models.CharField(_("意向"), max_length=16, choices=WillingnessTag.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["professional", "tag"]
        verbose_name = _("帮扶意向")
        verbose_name_plural = _("帮扶意向")
        constraints = [models.UniqueConstraint(fields=["region", "professional", "tag"], name="willingness_unique_tag")]

    def __str__(self) -> str:
        return f"{self.professional.name} · {self.get_tag_display()}"


class ContactChannel(models.TextChoices):
    PHONE = "phone", _("电话")
    WECHAT = "wechat", _("微信")
    VISIT = "visit", _("登门拜访")
    MEETING = "meeting", _("会议交流")


class ContactRecord(models.Model):
    """A contact between a commission and one of its hometown professionals: a call,
    a visit, a chat at the Spring Festival exchange, and what came of it."""

    region = models.ForeignKey(Region, models.PROTECT, related_name="+", verbose_name=_("家乡地区"))
    professional = models.ForeignKey(
        Professional, models.CASCADE, related_name="hometown_contacts", verbose_name=_("人员")
    )
    contacted_on = models.DateField(_("联系日期"))
    channel = models.CharField(_("方式"), max_length=16, choices=ContactChannel.choices)
    summary = models.TextField(_("联系内容"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, editable=False, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-contacted_on", "-id"]
        verbose_name = _("联络记录")
        verbose_name_plural = _("联络记录")

    def __str__(self) -> str:
        return f"{self.professional.name} {self.contacted_on}"


class Pledge(models.Model):
    """A promise a hometown professional made to their home region — to train its
    doctors, hold clinics, take telemedicine consultations — often at an activity."""

    region = models.ForeignKey(Region, models.PROTECT, related_name="+", verbose_name=_("家乡地区"))
    professional = models.ForeignKey(Professional, models.CASCADE, related_name="pledges", verbose_name=_("人员"))
    activity = models.ForeignKey(
        Activity, models.SET_NULL, null=True, blank=True, related_name="pledges", verbose_name=_("活动")
    )
    area = models.CharField(_("帮扶方向"), max_length=16, choices=WillingnessTag.choices)
    content = models.CharField(_("承诺内容"), max_length=300)
    pledged_on = models.DateField(_("承诺日期"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-pledged_on", "-id"]
        verbose_name = _("帮扶承诺")
        verbose_name_plural = _("帮扶承诺")

    def __str__(self) -> str:
        return f"{self.professional.name}：{self.content}"


class FollowUpStatus(models.TextChoices):
    OPEN = "open", _("待落实")
    IN_PROGRESS = "in_progress", _("推进中")
    DONE = "done", _("已落实")
    DROPPED = "dropped", _("已取消")


class FollowUp(models.Model):
    """The work item a pledge turns into: who at the commission follows it up, by
    when, and how far it has got."""

    pledge = models.OneToOneField(Pledge, models.CASCADE, related_name="follow_up", verbose_name=_("承诺"))
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="follow_ups", verbose_name=_("负责人")
    )
    due_date = models.DateField(_("完成期限"))
    status = models.CharField(_("状态"), max_length=16, choices=FollowUpStatus.choices, default=FollowUpStatus.OPEN)
    note = models.CharField(_("进展说明"), max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["status", "due_date", "id"]
        verbose_name = _("跟进事项")
        verbose_name_plural = _("跟进事项")

    def __str__(self) -> str:
        return f"{self.pledge} · {self.get_status_display()}"
