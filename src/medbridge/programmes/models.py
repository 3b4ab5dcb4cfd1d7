"""Programmes: the partnerships everything else hangs on, who takes part in which
role, what they aim for, the stations they open and the experts they appoint."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from medbridge.directory.models import Department, Institution, Professional, Specialty


class ProgrammeKind(models.TextChoices):
    PAIRED_ASSISTANCE = "paired_assistance", _("对口帮扶")
    GROUP_ASSISTANCE = "group_assistance", _("组团式帮扶")
    SPECIALTY_ALLIANCE = "specialty_alliance", _("专科联盟")
    MEDICAL_ALLIANCE = "medical_alliance", _("医联体")
    COUNTY_CONSORTIUM = "county_consortium", _("医共体")
    HOSPITAL_ASSOCIATION = "hospital_association", _("院会合作")
    COUNTY_ASSOCIATION = "county_association", _("县会合作")
    TRUSTEESHIP = "trusteeship", _("托管")
    CO_CONSTRUCTION = "co_construction", _("共建")
    FLEXIBLE_INTRODUCTION = "flexible_introduction", _("柔性引才")
    OTHER = "other", _("其他")


class ProgrammeStatus(models.TextChoices):
    PLANNED = "planned", _("筹备中")
    ACTIVE = "active", _("进行中")
    ENDED = "ended", _("已结束")


class Programme(models.Model):
    """A partnership between institutions: a paired-assistance relationship, a
    specialty alliance, a consortium, a trusteeship … . Programmes nest: a
    city-to-county paired assistance contains hospital-to-hospital agreements as
    child programmes."""

    kind = models.CharField(_("项目类型"), max_length=32, choices=ProgrammeKind.choices)
    name = models.CharField(_("项目名称"), max_length=120)
    parent = models.ForeignKey(
        "self", models.PROTECT, null=True, blank=True, related_name="children", verbose_name=_("上级项目")
    )
    start_date = models.DateField(_("开始日期"))
    end_date = models.DateField(_("结束日期"), null=True, blank=True)
    status = models.CharField(_("状态"), max_length=16, choices=ProgrammeStatus.choices, default=ProgrammeStatus.ACTIVE)
    specialties = models.ManyToManyField(Specialty, blank=True, verbose_name=_("涉及专科"))
    description = models.TextField(_("项目说明"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-start_date", "name"]
        verbose_name = _("项目")
        verbose_name_plural = _("项目")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("programmes:programme_detail", args=[self.pk])


class PartyRole(models.TextChoices):
    """An institution's role in a programme. ``LEAD`` is the primary organisation
    in FHIR OrganizationAffiliation terms; recipients and members are the
    participating organisations; the programme itself is the network."""

    LEAD = "lead", _("牵头单位")
    SUPPORTING = "supporting", _("支援单位")
    RECIPIENT = "recipient", _("受援/成员单位")
    GUIDING = "guiding", _("指导单位")
    ORGANISING = "organising", _("主办单位")
    HOSTING = "hosting", _("承办单位")
    TRUSTEE = "trustee", _("托管方")
    TRUSTEED = "trusteed", _("被托管方")


# Roles whose holders run the programme: they may edit it.
MANAGING_ROLES = (PartyRole.LEAD, PartyRole.ORGANISING, PartyRole.HOSTING, PartyRole.TRUSTEE)
# Roles that commit nobody to running the programme, and so may name an institution
# outside the editor's scope: the receiving side (a Shandong city assisting a
# Qinghai county) and supporting partners (a national hospital co-building a centre).
RECEIVING_ROLES = (PartyRole.RECIPIENT, PartyRole.TRUSTEED, PartyRole.SUPPORTING)


class Party(models.Model):
    """An institution (optionally one of its departments: an alliance is led by a
    department) taking part in a programme in one role."""

    programme = models.ForeignKey(Programme, models.CASCADE, related_name="parties", verbose_name=_("项目"))
    institution = models.ForeignKey(Institution, models.PROTECT, related_name="parties", verbose_name=_("机构"))
    department = models.ForeignKey(
        Department, models.PROTECT, null=True, blank=True, related_name="parties", verbose_name=_("科室")
    )
    role = models.CharField(_("角色"), max_length=16, choices=PartyRole.choices)
    joined_on = models.DateField(_("加入日期"), null=True, blank=True)
    note = models.CharField(_("备注"), max_length=200, blank=True)

    class Meta:
        ordering = ["programme", "role", "institution__name"]
        verbose_name = _("参与方")
        verbose_name_plural = _("参与方")

    def __str__(self) -> str:
        where = f"{self.institution.name}·{self.department.name}" if self.department else self.institution.name
        return f"{where}（{self.get_role_display()}）"


class Agreement(models.Model):
    """A signed document of a programme: the agreement, a letter of intent, a
    trusteeship contract; the uploaded file with its signing date and signatories."""

    programme = models.ForeignKey(Programme, models.CASCADE, related_name="agreements", verbose_name=_("项目"))
    title = models.CharField(_("文件名称"), max_length=150)
    signed_on = models.DateField(_("签署日期"))
    signatories = models.CharField(_("签署方"), max_length=300, blank=True)
    file = models.FileField(_("文件"), upload_to="agreements/%Y/", blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-signed_on"]
        verbose_name = _("协议文件")
        verbose_name_plural = _("协议文件")

    def __str__(self) -> str:
        return self.title


class TargetMetric(models.TextChoices):
    PEOPLE_DISPATCHED = "people_dispatched", _("派出人数")
    STATIONED_PERSON_DAYS = "stationed_person_days", _("驻点人天")
    CLINIC_VISITS = "clinic_visits", _("坐诊人次")
    SURGERIES = "surgeries", _("手术例数")
    NEW_TECHNIQUES = "new_techniques", _("新技术新项目")
    PEOPLE_TRAINED = "people_trained", _("培训人数")
    REFERRALS_UP = "referrals_up", _("上转人次")
    REFERRALS_DOWN = "referrals_down", _("下转人次")
    FREE_CLINIC_PATIENTS = "free_clinic_patients", _("义诊人次")
    LECTURES = "lectures", _("讲座场次")


class Target(models.Model):
    """What a programme aims to achieve in one year on one metric. Attainment is
    computed from the records themselves, never typed in."""

    programme = models.ForeignKey(Programme, models.CASCADE, related_name="targets", verbose_name=_("项目"))
    year = models.PositiveSmallIntegerField(_("年度"))
    metric = models.CharField(_("指标"), max_length=32, choices=TargetMetric.choices)
    value = models.PositiveIntegerField(_("目标值"))

    class Meta:
        ordering = ["programme", "year", "metric"]
        verbose_name = _("年度目标")
        verbose_name_plural = _("年度目标")
        constraints = [
            models.UniqueConstraint(fields=["programme", "year", "metric"], name="target_unique_per_year_metric")
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.get_metric_display()} {self.value}"


class StationKind(models.TextChoices):
    EXPERT_WORKSTATION = "expert_workstation", _("专家工作站")
    FAMOUS_DOCTOR_WORKSTATION = "famous_doctor_workstation", _("名医工作站")
    DEMONSTRATION_BASE = "demonstration_base", _("示范基地")
    TRAINING_CENTRE = "training_centre", _("培训中心")
    TELEMEDICINE_CENTRE = "telemedicine_centre", _("远程医疗中心")


class Station(models.Model):
    """A workstation, base or centre a programme opens at a host institution,
    usually with a plaque ceremony (授牌) on its opening date."""

    programme = models.ForeignKey(Programme, models.PROTECT, related_name="stations", verbose_name=_("所属项目"))
    kind = models.CharField(_("类型"), max_length=32, choices=StationKind.choices)
    name = models.CharField(_("名称"), max_length=120)
    host = models.ForeignKey(Institution, models.PROTECT, related_name="stations", verbose_name=_("依托机构"))
    host_department = models.ForeignKey(
        Department, models.PROTECT, null=True, blank=True, related_name="stations", verbose_name=_("依托科室")
    )
    opened_on = models.DateField(_("揭牌日期"))
    closed_on = models.DateField(_("撤销日期"), null=True, blank=True)
    plaque_text = models.CharField(_("牌匾文字"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-opened_on", "name"]
        verbose_name = _("工作站/基地")
        verbose_name_plural = _("工作站/基地")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("programmes:station_detail", args=[self.pk])


class EngagementRole(models.TextChoices):
    CHIEF = "chief", _("首席专家")
    MEMBER = "member", _("成员专家")


class Engagement(models.Model):
    """A professional appointed (聘任) to a station, or directly to a programme,
    for a term, with the number of the letter of appointment (聘书)."""

    professional = models.ForeignKey(Professional, models.PROTECT, related_name="engagements", verbose_name=_("专家"))
    programme = models.ForeignKey(Programme, models.PROTECT, related_name="engagements", verbose_name=_("项目"))
    station = models.ForeignKey(
        Station, models.PROTECT, null=True, blank=True, related_name="engagements", verbose_name=_("工作站")
    )
    role = models.CharField(_("聘任角色"), max_length=16, choices=EngagementRole.choices, default=EngagementRole.MEMBER)
    letter_no = models.CharField(_("聘书编号"), max_length=40, blank=True)
    start_date = models.DateField(_("聘期开始"))
    end_date = models.DateField(_("聘期结束"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-start_date", "professional__name"]
        verbose_name = _("聘任")
        verbose_name_plural = _("聘任")

    def __str__(self) -> str:
        return f"{self.professional.name} · {self.station or self.programme}"
