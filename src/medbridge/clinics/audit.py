"""Clinic records followed by the audit trail. Patients' phones are masked in the
log and their lookup hashes left out, as for professionals."""

from auditlog.registry import auditlog


def register() -> None:
    from medbridge.clinics import models

    auditlog.register(models.SessionSeries, exclude_fields=["created_at", "updated_at"])
    # The counters change with every booking; the bookings themselves are logged.
    auditlog.register(
        models.ClinicSession,
        exclude_fields=["created_at", "updated_at", "booked", "waitlisted", "checked_in", "no_shows"],
    )
    auditlog.register(
        models.Booking,
        exclude_fields=["phone_hash", "created_at", "updated_at"],
        mask_fields=["phone"],
        mask_callable="medbridge.pii.mask_phone",
    )
