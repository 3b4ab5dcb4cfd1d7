"""Postings: people placed at a host for a period, and what they did there.

A posting is the unit the programme figures count ("97 stationed since 2013"):
stationed assistance sends a person down to a weaker host, attachment and
training bring one up to a stronger host, and visiting postings are recurring
short visits (clinics are recorded per session by the clinics app).
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from medbridge.directory.models import Department, Institution, Professional, Specialty
from medbridge.programmes.models import Programme


class PostingKind(models.TextChoices):
    STATIONED = "stationed", _("驻点帮扶")
    ATTACHMENT = "attachment", _("挂职学习")
    TRAINING = "training", _("进修")
    VISITING = "visiting", _("柔性坐诊")


# Kinds in which the person learns at the host (the host mentors them); in the
# other kinds the person brings help to the host.
LEARNING_KINDS = (PostingKind.ATTACHMENT, PostingKind.TRAINING)


class PostingStatus(models.TextChoices):
    PLANNED = "planned", _("计划中")
    APPROVED = "approved", _("已批准")
    ACTIVE = "active", _("在岗")
    COMPLETED = "completed", _("已完成")
    CANCELLED = "cancelled", _("已取消")
    WITHDRAWN = "withdrawn", _("中途撤回")


# Postings in these states no longer hold the person's time.
CLOSED_STATUSES = (PostingStatus.CANCELLED,)
ENDED_STATUSES = (PostingStatus.COMPLETED, PostingStatus.CANCELLED, PostingStatus.WITHDRAWN)


class PostingBatch(models.Model):
    """A numbered group of people posted together under one programme (第12批援青
    医疗队): planned together, approved together by the commission, relieved
    together by the next batch. ``relieves`` is the batch this one takes over from."""

    programme = models.ForeignKey(Programme, models.PROTECT, related_name="posting_batches", verbose_name=_("项目"))
    kind = models.CharField(_("派驻类型"), max_length=16, choices=PostingKind.choices)
    number = models.PositiveSmallIntegerField(_("批次"))
    planned_start = models.DateField(_("计划开始"))
    planned_end = models.DateField(_("计划结束"))
    specialties = models.ManyToManyField(Specialty, blank=True, verbose_name=_("专科"))
    relieves = models.OneToOneField(
        "self", models.SET_NULL, null=True, blank=True, related_name="relieved_by", verbose_name=_("接替批次")
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+", editable=False
    )
    approved_at = models.DateTimeField(_("批准时间"), null=True, blank=True, editable=False)
    note = models.CharField(_("备注"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["programme", "kind", "-number"]
        verbose_name = _("派驻批次")
        verbose_name_plural = _("派驻批次")
        constraints = [
            models.UniqueConstraint(fields=["programme", "kind", "number"], name="posting_batch_unique_number"),
        ]

    def __str__(self) -> str:
        return str(_("%(programme)s 第%(number)s批%(kind)s")) % {
            "programme": self.programme.name,
            "number": self.number,
            "kind": self.get_kind_display(),
        }

    def get_absolute_url(self) -> str:
        return reverse("postings:batch_detail", args=[self.pk])

    @property
    def label(self) -> str:
        return str(_("第%(number)s批")) % {"number": self.number}


class Posting(models.Model):
    """One person placed at a host institution for a period under a programme: who,
    from where to where, planned and actual dates, where it stands in its life
    (planned → approved → active → completed, or cancelled / withdrawn with a
    reason), the host's mentor (带教老师) and the home hospital's liaison leader
    (挂钩领导), and what it set out to achieve."""

    professional = models.ForeignKey(Professional, models.PROTECT, related_name="postings", verbose_name=_("人员"))
    programme = models.ForeignKey(Programme, models.PROTECT, related_name="postings", verbose_name=_("项目"))
    batch = models.ForeignKey(
        PostingBatch, models.PROTECT, null=True, blank=True, related_name="postings", verbose_name=_("批次")
    )
    kind = models.CharField(_("派驻类型"), max_length=16, choices=PostingKind.choices)
    home_institution = models.ForeignKey(
        Institution, models.PROTECT, related_name="postings_sent", verbose_name=_("派出单位")
    )
    home_department = models.ForeignKey(
        Department, models.PROTECT, null=True, blank=True, related_name="postings_sent", verbose_name=_("派出科室")
    )
    host_institution = models.ForeignKey(
        Institution, models.PROTECT, related_name="postings_hosted", verbose_name=_("接收单位")
    )
    host_department = models.ForeignKey(
        Department, models.PROTECT, null=True, blank=True, related_name="postings_hosted", verbose_name=_("接收科室")
    )
    planned_start = models.DateField(_("计划开始"))
    planned_end = models.DateField(_("计划结束"))
    actual_start = models.DateField(_("实际开始"), null=True, blank=True)
    actual_end = models.DateField(_("实际结束"), null=True, blank=True)
    status = models.CharField(_("状态"), max_length=16, choices=PostingStatus.choices, default=PostingStatus.PLANNED)
    status_reason = models.CharField(_("取消/撤回原因"), max_length=200, blank=True)
    mentor = models.ForeignKey(
        Professional,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="mentored_postings",
        verbose_name=_("带教老师"),
    )
    liaison = models.ForeignKey(
        Professional,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="followed_postings",
        verbose_name=_("挂钩领导"),
    )
    relieves = models.ForeignKey(
        "self", models.SET_NULL, null=True, blank=True, related_name="relieved_by", verbose_name=_("接替")
    )
    goals = models.TextField(_("目标任务"), blank=True)
    visit_pattern = models.CharField(_("坐诊安排"), max_length=100, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+", editable=False
    )
    approved_at = models.DateTimeField(_("批准时间"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-planned_start", "id"]
        verbose_name = _("派驻/进修")
        verbose_name_plural = _("派驻/进修")
        indexes = [models.Index(fields=["professional", "planned_start"], name="posting_person_start")]

    def __str__(self) -> str:
        return str(_("%(person)s %(kind)s %(host)s（%(start)s–%(end)s）")) % {
            "person": self.professional.name,
            "kind": self.get_kind_display(),
            "host": self.host_institution.name,
            "start": self.start,
            "end": self.end,
        }

    def get_absolute_url(self) -> str:
        return reverse("postings:posting_detail", args=[self.pk])

    @property
    def start(self) -> date:
        return self.actual_start or self.planned_start

    @property
    def end(self) -> date:
        return self.actual_end or self.planned_end

    @property
    def assisted_department(self) -> Department | None:
        """The department the posting strengthens: the host's when help goes there,
        the person's own when they go away to learn."""
        return self.home_department if self.kind in LEARNING_KINDS else self.host_department


class Technique(models.Model):
    """A named technique or service a posting brought to its host for the first
    time (新技术新项目), or — in a learning posting — one the person mastered."""

    posting = models.ForeignKey(Posting, models.CASCADE, related_name="techniques", verbose_name=_("派驻"))
    name = models.CharField(_("技术名称"), max_length=100)
    first_on = models.DateField(_("首次开展"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["first_on", "id"]
        verbose_name = _("新技术新项目")
        verbose_name_plural = _("新技术新项目")
        constraints = [models.UniqueConstraint(fields=["posting", "name"], name="technique_unique_per_posting")]

    def __str__(self) -> str:
        return self.name


class WorkLog(models.Model):
    """What a posted person did on a day or in a reporting period at the host:
    patients seen, operations, teaching. These are the numbers behind a
    programme's yearly figures."""

    posting = models.ForeignKey(Posting, models.CASCADE, related_name="logs", verbose_name=_("派驻"))
    day = models.DateField(_("日期"))
    patients_seen = models.PositiveIntegerField(_("诊疗人次"), default=0)
    surgeries_performed = models.PositiveIntegerField(_("主刀手术"), default=0)
    surgeries_assisted = models.PositiveIntegerField(_("指导/助手手术"), default=0)
    lectures = models.PositiveIntegerField(_("授课/讲座"), default=0)
    staff_trained = models.PositiveIntegerField(_("培训人次"), default=0)
    teaching_rounds = models.PositiveIntegerField(_("教学查房"), default=0)
    techniques = models.ManyToManyField(Technique, blank=True, related_name="logs", verbose_name=_("新技术"))
    notes = models.TextField(_("工作记录"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-day", "-id"]
        verbose_name = _("工作日志")
        verbose_name_plural = _("工作日志")
        constraints = [models.UniqueConstraint(fields=["posting", "day"], name="worklog_one_per_day")]

    def __str__(self) -> str:
        return f"{self.posting.professional.name} {self.day}"


class EvaluationCriterion(models.Model):
    """One item of the evaluation form (医德医风, 临床能力 …) with its weight. The list
    is configurable; retired criteria stay for the evaluations that used them."""

    name = models.CharField(_("考核项目"), max_length=40, unique=True)
    weight = models.PositiveSmallIntegerField(_("权重"), default=1)
    order = models.PositiveSmallIntegerField(_("顺序"), default=0)
    active = models.BooleanField(_("启用"), default=True)

    class Meta:
        ordering = ["order", "id"]
        verbose_name = _("考核项目")
        verbose_name_plural = _("考核项目")

    def __str__(self) -> str:
        return self.name


class EvaluationPeriod(models.TextChoices):
    MONTHLY = "monthly", _("月度")
    QUARTERLY = "quarterly", _("季度")
    FINAL = "final", _("结业")


class EvaluatorRole(models.TextChoices):
    MENTOR = "mentor", _("带教老师")
    LIAISON = "liaison", _("挂钩领导")


class EvaluationResult(models.TextChoices):
    EXCELLENT = "excellent", _("优秀")
    GOOD = "good", _("良好")
    PASS = "pass", _("合格")
    FAIL = "fail", _("不合格")


class Evaluation(models.Model):
    """A mentor's or liaison leader's assessment of a posted person for a month, a
    quarter or the whole placement: a score per criterion, comments, and for the
    final one a result. ``score`` is the weighted mean, kept for charts and lists."""

    posting = models.ForeignKey(Posting, models.CASCADE, related_name="evaluations", verbose_name=_("派驻"))
    period = models.CharField(_("考核类型"), max_length=16, choices=EvaluationPeriod.choices)
    period_end = models.DateField(_("考核期截止"))
    evaluator_role = models.CharField(_("考核人身份"), max_length=16, choices=EvaluatorRole.choices)
    evaluator = models.ForeignKey(
        Professional, models.PROTECT, related_name="evaluations_given", verbose_name=_("考核人")
    )
    score = models.DecimalField(_("综合得分"), max_digits=5, decimal_places=1)
    result = models.CharField(_("考核结果"), max_length=16, choices=EvaluationResult.choices, blank=True)
    comments = models.TextField(_("评语"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["period_end", "id"]
        verbose_name = _("考核")
        verbose_name_plural = _("考核")
        constraints = [
            models.UniqueConstraint(
                fields=["posting", "period", "period_end", "evaluator_role"], name="evaluation_unique_per_period"
            )
        ]

    def __str__(self) -> str:
        return f"{self.posting.professional.name} {self.get_period_display()} {self.period_end}"


class EvaluationScore(models.Model):
    """One criterion's score (0–100) within an evaluation."""

    evaluation = models.ForeignKey(Evaluation, models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(EvaluationCriterion, models.PROTECT, related_name="+", verbose_name=_("考核项目"))
    score = models.PositiveSmallIntegerField(_("得分"))

    class Meta:
        ordering = ["criterion__order", "criterion_id"]
        constraints = [models.UniqueConstraint(fields=["evaluation", "criterion"], name="score_unique_criterion")]

    def __str__(self) -> str:
        return f"{self.criterion.name} {self.score}"


class CareerGoalStatus(models.TextChoices):
    PLANNED = "planned", _("计划")
    IN_PROGRESS = "in_progress", _("进行中")
    ACHIEVED = "achieved", _("已实现")
    DROPPED = "dropped", _("已放弃")


class CareerGoal(models.Model):
    """An entry of a professional's career plan (职业规划): a goal with a target date
    and where it stands — part of the development profile a hospital keeps for
    each trainee."""

    professional = models.ForeignKey(Professional, models.CASCADE, related_name="career_goals", verbose_name=_("人员"))
    goal = models.CharField(_("目标"), max_length=200)
    target_date = models.DateField(_("目标日期"))
    status = models.CharField(
        _("状态"), max_length=16, choices=CareerGoalStatus.choices, default=CareerGoalStatus.PLANNED
    )
    note = models.CharField(_("备注"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["target_date", "id"]
        verbose_name = _("职业规划")
        verbose_name_plural = _("职业规划")

    def __str__(self) -> str:
        return self.goal
