"""A pulled page with events this office cannot apply: each is kept aside, the rest applied."""

from __future__ import annotations

import json
import uuid

import pytest
from sqlalchemy import select

from eservice_desktop.cli.main import main
from eservice_desktop.config import Settings
from eservice_desktop.county_link.protocol import Change, WireEvent
from eservice_desktop.domain import events as ev
from eservice_desktop.domain.case_number import check_digit
from eservice_desktop.domain.events import Actor
from eservice_desktop.services.core import App
from eservice_desktop.services.sync.inbox import apply_page
from eservice_desktop.storage.models import EventRow
from eservice_desktop.storage.models_payments import ReceiptRow
from eservice_desktop.storage.models_sync import SyncReferenceRow
from tests.unit.services.test_ingest import _case, _received

COUNTY = Actor("H01", "02", "clerk02")


def _change(seq: int, e: object) -> Change:
    return Change(seq=seq, kind="event", data=WireEvent.of(e).model_dump(mode="json"))  # type: ignore[arg-type]


def _page_with_bad_events(app: App) -> tuple[object, object, object, Change, object]:
    _, taken = _case(app)
    head = taken.split("-")
    head[1] = "02"  # the other device's own series

    def number(n: int) -> str:
        body = "-".join([*head[:3], f"{n:0{len(head[3])}d}"])
        return f"{body}-{check_digit(body.replace('-', ''))}"

    negative = _received(app, COUNTY, number(1))
    negative.payload["time_limit_working_days"] = -3
    clash = _received(app, COUNTY, taken)
    good = _received(app, COUNTY, number(2))
    unreadable = Change(seq=4, kind="event", data={"event_id": str(uuid.uuid4()), "type": 7})
    changes = [_change(1, negative), _change(2, clash), unreadable, _change(5, good)]
    return negative, clash, unreadable, good, changes  # type: ignore[return-value]


def test_bad_pulled_events_are_kept_aside_and_the_good_one_applies(app: App) -> None:
    negative, clash, _, good, changes = _page_with_bad_events(app)  # type: ignore[misc]
    with app.transaction() as s:
        out = apply_page(app, s, changes)
    assert [e.event_id for e in out.report.applied] == [good.event_id]
    with app.reading() as s:
        ids = set(s.scalars(select(EventRow.event_id).where(EventRow.type == ev.RECEIVED)))
        parked = set(
            s.scalars(select(SyncReferenceRow.name).where(SyncReferenceRow.name.like("parked:%")))
        )
    assert good.event_id in ids and negative.event_id not in ids and clash.event_id not in ids
    assert len(parked) == 3


def test_status_and_conflicts_show_the_events_set_aside(
    app: App, settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    negative, clash, unreadable, _, changes = _page_with_bad_events(app)  # type: ignore[misc]
    with app.transaction() as s:
        apply_page(app, s, changes)
    base = ["--data-dir", str(settings.data_dir)]
    capsys.readouterr()
    assert main([*base, "sync", "status", "--json"]) == 0
    status = json.loads(capsys.readouterr().out)
    assert status["quarantined"] == 3
    assert status["conflicts"] == 0 and "pending" in status and "cursor" in status
    assert main([*base, "--lang", "en", "sync", "conflicts", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert {r["kind"] for r in rows} == {"quarantined"}
    by_id = {r["event_id"]: r for r in rows}
    neg = by_id[negative.event_id]
    assert neg["reason_code"] == "value.range"
    assert neg["reason_zh"] and neg["reason_en"] and neg["reason"] == neg["reason_en"]
    assert neg["event_type"] == ev.RECEIVED and neg["case_id"] == negative.case_id
    assert by_id[clash.event_id]["reason_code"] == "case.number_taken"
    assert "already used" in by_id[clash.event_id]["reason_en"]
    assert "已由本所其他案件使用" in by_id[clash.event_id]["reason_zh"]
    assert by_id[unreadable.data["event_id"]]["reason_code"] == "event.unreadable"
    assert all(set(r) >= {"conflict_id", "case_number", "event_type", "reason"} for r in rows)


@pytest.mark.parametrize(
    ("lang", "said"),
    [("zh_TW", "（無同步衝突，也無擱置的事件）"), ("en", "(no sync conflict, no event set aside)")],
)
def test_conflicts_say_when_there_is_none(
    app: App, settings: Settings, capsys: pytest.CaptureFixture[str], lang: str, said: str
) -> None:
    """Nothing to resolve is said in words: ``sync conflicts`` printed an empty line."""
    capsys.readouterr()
    assert main(["--data-dir", str(settings.data_dir), "--lang", lang, "sync", "conflicts"]) == 0
    assert capsys.readouterr().out == said + "\n"
    assert main(["--data-dir", str(settings.data_dir), "sync", "conflicts", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == []


def test_pulled_payments_with_another_ways_values_still_apply(app: App) -> None:
    """A new payment here refuses a reference with cash and cash tendered with a card
    (``payments.check_method_values``); a payment another office recorded before that rule
    is not set aside on pull for it: its receipts come in as they were."""
    case_id, number = _case(app)

    def paid(n: int, method: str, **extra: object) -> object:
        receipt = f"H01-02-115-R{n:06d}"
        payload = {"payment_id": receipt, "case_number": number, "method": method,
                   "amount": 5, "receipt_number": receipt, "verification": "ABCDEFGHIJ",
                   "key_id": "k", **extra}  # fmt: skip
        return COUNTY.event(case_id, ev.PAYMENT_RECORDED, app.now(), payload)

    cash = paid(1, "cash", tendered=5, change=0, reference="T-1")
    card = paid(2, "card", tendered=100, reference="T-2")
    with app.transaction() as s:
        out = apply_page(app, s, [_change(1, cash), _change(2, card)])
    assert out.report.refused == [] and len(out.report.applied) == 2
    with app.reading() as s:
        stored = dict(s.execute(select(ReceiptRow.number, ReceiptRow.reference)).all())
    assert stored == {"H01-02-115-R000001": "T-1", "H01-02-115-R000002": "T-2"}
