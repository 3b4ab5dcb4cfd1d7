from auditlog.registry import auditlog


def register() -> None:
    from medbridge.reports.models import ReportJob

    # The file's bytes are not worth a copy in the audit log.
    auditlog.register(ReportJob, exclude_fields=["content", "steps_done"])
