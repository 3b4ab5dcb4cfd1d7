"""Planning records: matching rounds (who trains where) and visiting-schedule plans
(which expert goes where on which day). The algorithms themselves live in
``planning/matching`` and ``planning/scheduling`` and know nothing of these models;
``planning/adapters.py`` translates between the two."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from medbridge.directory.models import Department, Institution, Professional, Specialty
from medbridge.postings.models import Posting
from medbridge.programmes.models import Programme


class RoundKind(models.TextChoices):
    TRAINING = "training", _("进修")
    ATTACHMENT = "attachment", _("挂职学习")


class RoundStatus(models.TextChoices):
    OPEN = "open", _("收集志愿")
    RUN = "run", _("已匹配")
    PUBLISHED = "published", _("已发布")


class RankingRule(models.TextChoices):
    MANUAL = "manual", _("人工排序")
    TITLE = "title", _("按职称")
    SERVICE = "service", _("按工作年限")
    NEED = "need", _("按派出县需求")


class MatchingRound(models.Model):
    """One round of placing people from weaker hospitals into host departments for
    training (进修) or attachment (挂职学习) under a programme: applicants rank the
    departments, departments rank applicants (by hand or by a rule), the matcher
    computes the applicant-optimal stable placement, and publishing it turns every
    placement into a planned posting for the round's period."""

    programme = models.ForeignKey(Programme, models.PROTECT, related_name="matching_rounds", verbose_name=_("项目"))
    kind = models.CharField(_("类型"), max_length=16, choices=RoundKind.choices)
    title = models.CharField(_("名称"), max_length=120)
    status = models.CharField(_("状态"), max_length=16, choices=RoundStatus.choices, default=RoundStatus.OPEN)
    placement_start = models.DateField(_("派驻开始"))
    placement_end = models.DateField(_("派驻结束"))
    run_at = models.DateTimeField(_("匹配时间"), null=True, blank=True, editable=False)
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-placement_start", "title"]
        verbose_name = _("匹配轮次")
        verbose_name_plural = _("匹配轮次")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("planning:round_detail", args=[self.pk])


class RoundDepartment(models.Model):
    """A host department taking part in a round: how many people it can take and how
    it ranks the applicants. After a run it records how many it admitted and its
    cutoff (the rank of its last admitted applicant)."""

    round = models.ForeignKey(MatchingRound, models.CASCADE, related_name="departments", verbose_name=_("轮次"))
    department = models.ForeignKey(Department, models.PROTECT, related_name="+", verbose_name=_("接收科室"))
    quota = models.PositiveSmallIntegerField(_("名额"))
    rule = models.CharField(_("排序规则"), max_length=16, choices=RankingRule.choices, default=RankingRule.TITLE)
    admitted = models.PositiveSmallIntegerField(_("录取人数"), default=0, editable=False)
    cutoff_rank = models.PositiveSmallIntegerField(_("录取线"), null=True, blank=True, editable=False)

    class Meta:
        ordering = ["round", "department__institution__name", "department__name"]
        verbose_name = _("轮次接收科室")
        verbose_name_plural = _("轮次接收科室")
        constraints = [models.UniqueConstraint(fields=["round", "department"], name="round_department_unique")]

    def __str__(self) -> str:
        return f"{self.department.institution.name}·{self.department.name}"


class Application(models.Model):
    """A professional's application to a round, sent by their home institution, with
    their ranked choice of departments (``choices``). After a run it holds the
    placement and, for each department ranked above it, why it did not admit them."""

    round = models.ForeignKey(MatchingRound, models.CASCADE, related_name="applications", verbose_name=_("轮次"))
    professional = models.ForeignKey(Professional, models.PROTECT, related_name="+", verbose_name=_("申请人"))
    home_institution = models.ForeignKey(Institution, models.PROTECT, related_name="+", verbose_name=_("派出单位"))
    years_of_service = models.PositiveSmallIntegerField(_("工作年限"), default=0)
    placement = models.ForeignKey(
        RoundDepartment, models.SET_NULL, null=True, blank=True, related_name="admitted_applications", editable=False
    )
    explanation = models.JSONField(_("匹配说明"), default=list, blank=True, editable=False)
    posting = models.ForeignKey(Posting, models.SET_NULL, null=True, blank=True, related_name="+", editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["round", "professional__name"]
        verbose_name = _("申请")
        verbose_name_plural = _("申请")
        constraints = [models.UniqueConstraint(fields=["round", "professional"], name="application_unique_person")]

    def __str__(self) -> str:
        return self.professional.name


class ApplicationChoice(models.Model):
    """One entry of an applicant's ranked list: the department and its place (1 = first choice)."""

    application = models.ForeignKey(Application, models.CASCADE, related_name="choices")
    department = models.ForeignKey(RoundDepartment, models.CASCADE, related_name="choices")
    rank = models.PositiveSmallIntegerField(_("志愿顺序"))

    class Meta:
        ordering = ["application", "rank"]
        verbose_name = _("志愿")
        verbose_name_plural = _("志愿")
        constraints = [
            models.UniqueConstraint(fields=["application", "rank"], name="choice_unique_rank"),
            models.UniqueConstraint(fields=["application", "department"], name="choice_unique_department"),
        ]

    def __str__(self) -> str:
        return f"{self.rank}. {self.department}"


class DepartmentRanking(models.Model):
    """A host department's own ranking of one applicant (1 = most wanted), used when
    its rule is 人工排序; applicants it does not rank are not acceptable to it."""

    department = models.ForeignKey(RoundDepartment, models.CASCADE, related_name="rankings")
    application = models.ForeignKey(Application, models.CASCADE, related_name="rankings")
    rank = models.PositiveSmallIntegerField(_("排序"))

    class Meta:
        ordering = ["department", "rank"]
        verbose_name = _("科室排序")
        verbose_name_plural = _("科室排序")
        constraints = [
            models.UniqueConstraint(fields=["department", "application"], name="ranking_unique_application"),
            models.UniqueConstraint(fields=["department", "rank"], name="ranking_unique_rank"),
        ]

    def __str__(self) -> str:
        return f"{self.department} {self.rank}. {self.application}"


class HostDemand(models.Model):
    """What a host department asks of a programme's visiting experts: sessions per
    week of one specialty, and a priority weight (the neediest counties weigh most)."""

    programme = models.ForeignKey(Programme, models.CASCADE, related_name="host_demands", verbose_name=_("项目"))
    department = models.ForeignKey(Department, models.PROTECT, related_name="+", verbose_name=_("接收科室"))
    specialty = models.ForeignKey(Specialty, models.PROTECT, related_name="+", verbose_name=_("专科"))
    sessions_per_week = models.PositiveSmallIntegerField(_("每周需求（次）"), default=1)
    weight = models.PositiveSmallIntegerField(_("优先权重"), default=1)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["programme", "-weight", "department__name"]
        verbose_name = _("坐诊需求")
        verbose_name_plural = _("坐诊需求")
        constraints = [
            models.UniqueConstraint(fields=["programme", "department", "specialty"], name="host_demand_unique")
        ]

    def __str__(self) -> str:
        return f"{self.department.name} · {self.specialty.name}"


class PlanStatus(models.TextChoices):
    SOLVING = "solving", _("计算中")
    READY = "ready", _("待确认")
    FAILED = "failed", _("计算失败")
    ACCEPTED = "accepted", _("已确认")


class SchedulePlan(models.Model):
    """A proposed visiting schedule for a programme over a horizon of weeks from a
    Monday: computed in the background, explained (unmet demand per host), adjusted
    by hand, then accepted into clinic sessions."""

    programme = models.ForeignKey(Programme, models.PROTECT, related_name="schedule_plans", verbose_name=_("项目"))
    start_date = models.DateField(_("开始周（周一）"))
    weeks = models.PositiveSmallIntegerField(_("周数"))
    status = models.CharField(_("状态"), max_length=16, choices=PlanStatus.choices, default=PlanStatus.SOLVING)
    progress = models.JSONField(_("进度"), default=list, blank=True, editable=False)
    outcomes = models.JSONField(_("需求满足情况"), default=list, blank=True, editable=False)
    objective = models.PositiveIntegerField(_("加权满足量"), default=0, editable=False)
    error = models.CharField(_("错误"), max_length=300, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+", editable=False
    )
    accepted_at = models.DateTimeField(_("确认时间"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("坐诊排班方案")
        verbose_name_plural = _("坐诊排班方案")

    def __str__(self) -> str:
        return f"{self.programme.name} {self.start_date:%Y-%m-%d} +{self.weeks}"

    def get_absolute_url(self) -> str:
        return reverse("planning:plan_detail", args=[self.pk])


class PlannedSession(models.Model):
    """One session of a plan: an expert at a host department, for a specialty, on a day."""

    plan = models.ForeignKey(SchedulePlan, models.CASCADE, related_name="sessions")
    expert = models.ForeignKey(Professional, models.PROTECT, related_name="+", verbose_name=_("专家"))
    department = models.ForeignKey(Department, models.PROTECT, related_name="+", verbose_name=_("接收科室"))
    specialty = models.ForeignKey(Specialty, models.PROTECT, related_name="+", verbose_name=_("专科"))
    day = models.DateField(_("日期"))

    class Meta:
        ordering = ["plan", "day", "department__name"]
        verbose_name = _("计划坐诊")
        verbose_name_plural = _("计划坐诊")

    def __str__(self) -> str:
        return f"{self.day:%Y-%m-%d} {self.expert.name} → {self.department.name}"
