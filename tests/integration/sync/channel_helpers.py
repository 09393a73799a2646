"""What the channel and notice tests share: a web application of the household transcript, a
channel's bearer token made at the county, the county's catalogue with the transcript as an MMS
pickup service, and the lines the ``file:`` notice gateway writes."""

from __future__ import annotations

import json
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session
from sync_helpers import CountyServer, county_cli

from eservice_desktop.county import channels
from eservice_desktop.county.store import make_engine
from eservice_desktop.domain.calendar import WorkingCalendar
from eservice_desktop.storage import resources

APPLICATION: dict[str, Any] = {
    "service_code": "HR-TRANSCRIPT",
    "applicant_id": "A123456789",
    "applicant_name": "王小明",
    "phone": "0912345678",
    "office": "H02",
    "fields": {
        "registered_address": "桃園市桃園區縣府路1號",
        "transcript_kind": "全戶",
        "record_detail": "省略記事",
    },
}


def working_day_10am(days_ahead: int = 2) -> datetime:
    """10:00 Taipei on the first working day ``days_ahead`` days from now or later (the
    county refuses a reservation on a weekend or a holiday)."""
    calendar = WorkingCalendar.from_dgpa_csv(
        *(path.read_text("utf-8-sig") for path in resources.shipped_calendar_files())
    )
    day = calendar.working_day_on_or_after(datetime.now(UTC).date() + timedelta(days=days_ahead))
    return datetime(day.year, day.month, day.day, 2, 0, tzinfo=UTC)


def channel_token(county: CountyServer, name: str, kind: str) -> str:
    """A new channel's bearer token, made at the county (what `channel create` prints)."""
    engine = make_engine(county.db_url)
    try:
        with Session(engine) as s, s.begin():
            return channels.create_channel(s, name, kind, datetime.now(UTC))
    finally:
        engine.dispose()


def publish_transcript_as_mms(county: CountyServer, tmp_path: Path) -> None:
    """The county publishes a catalogue in which the household transcript is an MMS pickup
    service (the shipped seed flags only two county services)."""
    doc = resources.read_json("catalogue", "services.json")
    for service in doc["services"]:
        if service["code"] == "HR-TRANSCRIPT":
            service["mms_pickup"] = True
    path = tmp_path / "services-mms.json"
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    county_cli("publish", "catalogue", str(path), "--db", county.db_url)


def outbox_lines(county: CountyServer, count: int, seconds: float = 30.0) -> list[dict[str, Any]]:
    """The ``file:`` gateway's lines, once there are at least ``count`` of them."""
    outbox = county.workdir / "outbox.jsonl"
    deadline = time.monotonic() + seconds
    lines: list[dict[str, Any]] = []
    while time.monotonic() < deadline:
        if outbox.exists():
            lines = [json.loads(x) for x in outbox.read_text(encoding="utf-8").splitlines()]
            if len(lines) >= count:
                return lines
        threading.Event().wait(0.2)
    raise AssertionError(f"only {len(lines)} notices in the outbox: {lines}")
