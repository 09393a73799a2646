"""A channel's application as the county stores it (docs/channels.md): the values the checks
passed, nothing else."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from eservice_desktop.county import channels
from eservice_desktop.county.store import CountyEventRow, DeviceRow, utcnow
from eservice_desktop.domain import events as ev

CountyStore = tuple[sessionmaker[Session], DeviceRow]


def test_field_values_are_stored_as_checked_without_surrounding_spaces(
    county_store: CountyStore,
) -> None:
    sessions, _dev = county_store
    now = utcnow()
    app = channels.Application(
        service_code="HR-HOUSEHOLD-BOOK",
        applicant_id="A123456789",
        applicant_name="王小明",
        fields={"registered_address": " 桃園市桃園區中正路1號\n", "reason": "補發 "},
    )
    with sessions() as s, s.begin():
        web = s.get(channels.ChannelRow, "web") or channels.ChannelRow(
            name="web", kind="web", credential_hash="0" * 64, created_at=now
        )
        answer = channels.submit(s, web, app, now)
    with sessions() as s:
        payload = s.scalar(
            select(CountyEventRow.payload).where(
                CountyEventRow.case_id == answer["case_id"], CountyEventRow.type == ev.RECEIVED
            )
        )
    assert payload["fields"] == {"registered_address": "桃園市桃園區中正路1號", "reason": "補發"}
