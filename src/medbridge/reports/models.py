from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from medbridge.programmes.models import Programme


class ReportJob(models.Model):
    """One request by a user for a programme's annual report in one format: how far
    the build has got, and when it has finished the file itself (kept so the user
    can download it again), or why it failed. The figures inside are those the
    requesting user was allowed to see when the report was built."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("排队中")
        RUNNING = "running", _("生成中")
        SUCCEEDED = "succeeded", _("已完成")
        FAILED = "failed", _("失败")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="report_jobs", verbose_name=_("申请人")
    )
    programme = models.ForeignKey(Programme, models.CASCADE, related_name="report_jobs", verbose_name=_("项目"))
    year = models.PositiveSmallIntegerField(_("年度"))
    format = models.CharField(_("格式"), max_length=8)
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.QUEUED)
    steps_done = models.PositiveSmallIntegerField(_("已完成步骤"), default=0)
    steps_total = models.PositiveSmallIntegerField(_("总步骤"), default=5)
    file_name = models.CharField(_("文件名"), max_length=120, blank=True)
    content = models.BinaryField(_("文件"), blank=True, default=b"")
    error = models.CharField(_("错误"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("提交时间"), auto_now_add=True)
    finished_at = models.DateTimeField(_("结束时间"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("报告任务")
        verbose_name_plural = _("报告任务")

    def __str__(self) -> str:
        return f"{self.programme} {self.year} {self.format}"

    @property
    def percent(self) -> int:
        return round(100 * self.steps_done / self.steps_total) if self.steps_total else 0
