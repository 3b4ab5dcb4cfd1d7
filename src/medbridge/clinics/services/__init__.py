"""Writes for clinics. Pages, the API, the demo and the commands all call these, so
capacity, the waiting list, phone limits and scope each live in one place."""

from medbridge.clinics.services.bookings import (
    BookingData,
    booking_cancel,
    booking_check_in,
    booking_create,
    booking_find,
    booking_mark_no_show,
    bookings_anonymise,
)
from medbridge.clinics.services.outbox import DeliveryReport, outbox_deliver
from medbridge.clinics.services.ratelimit import TooManyRequests, client_address
from medbridge.clinics.services.sessions import (
    Scope,
    SeriesData,
    SessionData,
    SessionOutcome,
    series_create,
    session_cancel,
    session_close,
    session_create,
    session_record,
    session_update,
    walk_ins_set,
)

__all__ = [
    "BookingData",
    "DeliveryReport",
    "Scope",
    "SeriesData",
    "SessionData",
    "SessionOutcome",
    "TooManyRequests",
    "booking_cancel",
    "booking_check_in",
    "booking_create",
    "booking_find",
    "booking_mark_no_show",
    "bookings_anonymise",
    "client_address",
    "outbox_deliver",
    "series_create",
    "session_cancel",
    "session_close",
    "session_create",
    "session_record",
    "session_update",
    "walk_ins_set",
]
