"""Activity and hometown-network records followed by the audit trail."""

from auditlog.registry import auditlog


def register() -> None:
    from medbridge.activities import models

    # Which programmes an activity belongs to and which institutions a tour day
    # visits are many-to-many: registered so that changes to them are logged too.
    auditlog.register(models.Activity, exclude_fields=["created_at", "updated_at"], m2m_fields={"programmes"})
    auditlog.register(models.ItineraryDay, m2m_fields={"institutions"})
    for model in (
        models.ActivityHost,
        models.Participant,
        models.Attachment,
        models.CourseSession,
        models.Enrolment,
        models.SessionAttendance,
        models.Willingness,
        models.ContactRecord,
        models.Pledge,
        models.FollowUp,
    ):
        auditlog.register(model, exclude_fields=["created_at", "updated_at"])
