"""Posting records followed by the audit trail."""

from auditlog.registry import auditlog


def register() -> None:
    from medbridge.postings import models

    for model in (
        models.PostingBatch,
        models.Posting,
        models.WorkLog,
        models.Technique,
        models.EvaluationCriterion,
        models.Evaluation,
        models.EvaluationScore,
        models.CareerGoal,
    ):
        auditlog.register(model, exclude_fields=["created_at", "updated_at"])
