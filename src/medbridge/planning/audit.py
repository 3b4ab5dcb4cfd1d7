"""Planning records followed by the audit trail."""

from auditlog.registry import auditlog


def register() -> None:
    from medbridge.planning import models

    for model in (
        models.MatchingRound,
        models.RoundDepartment,
        models.Application,
        models.ApplicationChoice,
        models.DepartmentRanking,
        models.HostDemand,
        models.SchedulePlan,
        models.PlannedSession,
    ):
        auditlog.register(model, exclude_fields=["created_at", "updated_at"])
