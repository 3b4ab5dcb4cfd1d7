"""Channels that carry text messages to patients.

A channel is any class with ``send(*, phone, text)``; ``settings.NOTIFY_CHANNEL``
names the one in use. The log channel ships and is the default: it writes each
message (phone masked) to the ``medbridge.notify`` logger. An SMS gateway is a
class implementing :class:`Channel` against the provider's API; none is reachable
from here, so none ships.
"""

from __future__ import annotations

import logging
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string

from medbridge.pii import mask_phone

logger = logging.getLogger("medbridge.notify")


class Channel(Protocol):
    """Sends one text message. Raises any exception on failure; the outbox records
    it and tries again on the next delivery run."""

    def send(self, *, phone: str, text: str) -> None: ...


class LogChannel:
    def send(self, *, phone: str, text: str) -> None:
        logger.info("SMS to %s: %s", mask_phone(phone), text)


def configured_channel() -> Channel:
    channel: Channel = import_string(settings.NOTIFY_CHANNEL)()
    return channel
