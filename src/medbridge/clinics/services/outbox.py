"""The outbox: messages are written with the change they report and delivered
afterwards, so a slow or failing gateway never holds up or undoes a booking."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from medbridge.clinics.models import Booking, OutboxMessage, OutboxStatus
from medbridge.clinics.notify import Channel, configured_channel

MAX_ATTEMPTS = 5


def outbox_enqueue(booking: Booking, text: str) -> OutboxMessage | None:
    """Queue a message to the booking's phone; call inside the writing transaction."""
    if not booking.phone:
        return None
    return OutboxMessage.objects.create(booking=booking, phone=booking.phone, text=text)


@dataclass(frozen=True)
class DeliveryReport:
    sent: int
    failed: int


def outbox_deliver(*, limit: int = 500, channel: Channel | None = None) -> DeliveryReport:
    """Send pending messages, oldest first. Each message is claimed under a row lock
    that other deliverers skip, so two runs at once never send a message twice."""
    channel = channel or configured_channel()
    sent = failed = 0
    for pk in _pending_ids(limit):
        with transaction.atomic():
            message = OutboxMessage.objects.select_for_update(skip_locked=True).filter(pk=pk).first()
            if message is None or message.status != OutboxStatus.PENDING:
                continue
            ok = _send(channel, message)
        sent, failed = sent + ok, failed + (not ok)
    return DeliveryReport(sent, failed)


def _pending_ids(limit: int) -> list[int]:
    pending = OutboxMessage.objects.filter(status=OutboxStatus.PENDING).order_by("created_at", "pk")
    return list(pending.values_list("pk", flat=True)[:limit])


def _send(channel: Channel, message: OutboxMessage) -> bool:
    try:
        channel.send(phone=message.phone, text=message.text)
    except Exception as error:
        attempts = message.attempts + 1
        status = OutboxStatus.FAILED if attempts >= MAX_ATTEMPTS else OutboxStatus.PENDING
        OutboxMessage.objects.filter(pk=message.pk).update(
            attempts=F("attempts") + 1, status=status, last_error=str(error)[:300]
        )
        return False
    OutboxMessage.objects.filter(pk=message.pk).update(
        attempts=F("attempts") + 1, status=OutboxStatus.SENT, sent_at=timezone.now()
    )
    return True
