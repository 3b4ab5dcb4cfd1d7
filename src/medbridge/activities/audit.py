"""Activity and hometown-network records followed by the audit trail."""

from auditlog.registry import auditlog


def register() -> None:
    from medbridge.activities import models

    for model in (
        models.Activity,
        models.ActivityHost,
        models.Participant,
        models.Attachment,
        models.ItineraryDay,
        models.CourseSession,
        models.Enrolment,
        models.SessionAttendance,
        models.Willingness,
        models.ContactRecord,
        models.Pledge,
        models.FollowUp,
    ):
        auditlog.register(model, exclude_fields=["created_at", "updated_at"])
