"""Which day and which counter a daily closing may be asked for: a closing is a drawer's legal
statement, so a day to come, a day before any record or a counter the office never had gets a
refusal instead of an empty statement ready to be signed (``services/daily_closing.py``)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from eservice_desktop.domain import values
from eservice_desktop.domain.errors import DomainError
from eservice_desktop.domain.rocdate import format_roc
from eservice_desktop.services.calendar import today as office_today
from eservice_desktop.services.core import App
from eservice_desktop.services.sync.office_devices import office_devices
from eservice_desktop.storage.models import EventRow
from eservice_desktop.storage.models_payments import ReceiptRow


def check_day(app: App, day: date) -> None:
    """A day still to come (a mistyped year), or before any time recorded (the window took
    26/12/04, 民國26年), has no closing: its statement was an empty one, ready to be signed."""
    today = office_today(app)
    if day < values.EARLIEST.date():
        shown = format_roc(day, "short")
        raise DomainError(
            "date.range",
            f"營業日 {shown}（{day.isoformat()}）早於 {values.EARLIEST.year} 年，沒有日結",
            f"The business day {shown} ({day}) is before {values.EARLIEST.year}: no closing",
            "date",
        )
    if day > today:
        shown, now = format_roc(day, "short"), format_roc(today, "short")
        raise DomainError(
            "closing.future_day",
            f"營業日 {shown}（{day.isoformat()}）尚未到來（今天是 {now}），不能日結",
            f"The business day {shown} ({day.isoformat()}) has not come yet (today is {now}); "
            "it has no closing",
            "date",
        )


def check_counter(app: App, device: str) -> None:
    """A counter named must be one of this office's that the database knows (this one, or one
    that issued a receipt or recorded an event here, or one the county named as enrolled:
    services/sync/office_devices.py): a mistyped ``--counter 99`` gave an empty closing,
    ready to be signed as that drawer's legal statement. A real counter with no payment that
    day still has its (empty) closing, and one whose events have not come yet its closing
    that says so (services/closing_behind.py) instead of a refusal that it does not exist."""
    office = app.settings.office_code
    if device == app.settings.device_id:
        return
    with app.reading() as s:
        of_receipts = select(ReceiptRow.number).where(
            ReceiptRow.office == office, ReceiptRow.device == device
        )  # ix_receipts_series: a counter that took money is found in the index
        of_events = select(EventRow.seq).where(EventRow.office == office, EventRow.device == device)
        if s.scalar(of_receipts.limit(1)) or s.scalar(of_events.limit(1)):
            return
        enrolled = office_devices(s)
        named = {d.device for d in enrolled.devices} if enrolled is not None else set()
        if device in named:
            return
        seen = s.scalars(select(EventRow.device).where(EventRow.office == office).distinct())
        # counters only: the county's settlements are events of its device CTY, which no
        # closing can be asked for (--counter CTY is refused as no counter number)
        counters = {d for d in (*seen, *named) if values.COUNTER_RE.fullmatch(d)}
        known = "、".join(sorted({app.settings.device_id, *counters}))
    raise DomainError(
        "closing.unknown_counter",
        f"本所（{office}）沒有櫃檯 {device}：已知的櫃檯為 {known}",
        f"Office {office} has no counter {device}; the counters it knows are "
        f"{known.replace('、', ', ')}",
        "counter",
    )
