"""Referral and consultation records followed by the audit trail. Patient fields and
clinical text are kept out of the log: the log is read by auditors, who are not
among those allowed to see patients. The log still shows who moved which record
to which status, and when."""

from auditlog.registry import auditlog

PATIENT = ["patient_initials", "patient_sex", "patient_age_band", "patient_record_no", "patient_record_hash"]


def register() -> None:
    from medbridge.referrals import models

    timestamps = ["created_at", "updated_at"]
    auditlog.register(
        models.Referral, exclude_fields=[*timestamps, *PATIENT, "reason", "diagnosis_code", "closing_note"]
    )
    auditlog.register(models.Consultation, exclude_fields=[*timestamps, *PATIENT, "question", "opinion"])
    auditlog.register(models.ReferralEvent, exclude_fields=["note"])
    auditlog.register(models.ConsultationEvent, exclude_fields=["note"])
    auditlog.register(models.ConsultationAttachment, exclude_fields=["title"])
