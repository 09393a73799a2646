"""The treasury's settlement file imported at the county (``eservice-county-server
settle-import``): the county appends case.payment_settled, the office takes it in by its next
pull (the one ingest path) and its reconciliation shows the deposit columns; idempotent; a
malformed file stores nothing (real county server on loopback, SQLite)."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, select
from sync_helpers import TEST_SECRET, CountyServer, enrol, new_case, sync_now

from eservice_desktop.county.cli import main as county_main
from eservice_desktop.county.store import CountyEventRow, FeedRow
from eservice_desktop.services import cases, reports
from eservice_desktop.services import payments as pay
from eservice_desktop.services.core import App

DAY = date(2026, 3, 10)
HEAD = "編號,交易電子案號,授權時間,付費工具,入庫日期,應繳金額,已入庫,未入庫,機關核銷編號,規費單號"


def county(
    srv: CountyServer, *argv: str, capsys: pytest.CaptureFixture[str]
) -> tuple[int, str, str]:
    capsys.readouterr()
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("ESERVICE_COUNTY_PASSPHRASE", TEST_SECRET.decode())
        rc = county_main(["settle-import", "--db", srv.db_url, *argv])
    out = capsys.readouterr()
    return rc, out.out, out.err


def test_county_import_reaches_the_office_reconciliation_once(
    office: Callable[..., App],
    sqlite_county: CountyServer,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    h01 = office("H01", "01", sqlite_county.url)
    enrol(h01, sqlite_county)
    number = new_case(h01)
    with h01.transaction() as s:
        pay.record_online_payment(
            h01,
            s,
            cases.resolve_case_id(s, number),
            # as a kiosk or web payment arrives: its own id, the channel's transaction id as
            # the reference (交易電子案號, docs/channels.md)
            payment_id="c3a1f0d2-online-1",
            reference="30096955600",
            amount=15,
            payment_tool="金融帳戶轉帳",
            authorised_at=datetime(2026, 3, 10, 2, 40, 20, tzinfo=UTC),
        )
    sync_now(h01)
    assert reports.reconciliation(h01, DAY, DAY).rows[0].deposit_date == ""
    f = tmp_path / "treasury.csv"
    f.write_bytes(
        (
            f"{HEAD}\r\n"
            "1,30096955600,2026/03/10 10:40:20,金融帳戶 轉帳,2026/03/10,15,15,,AU08001000123,\r\n"
            "2,30096955699,2026/03/10 10:51:32,信用卡,2026/03/12,20,,20,,\r\n"
        ).encode("cp950")
    )
    rc, out, _err = county(sqlite_county, str(f), "--json", capsys=capsys)
    assert rc == 0
    result = json.loads(out)
    assert result["settled"] == 1
    assert result["not_applied"] == [
        {"line": 3, "transaction_id": "30096955699", "status": "unknown"}
    ]
    events = sqlite_county.count(CountyEventRow)
    feed = _event_feed(sqlite_county)
    sync_now(h01)
    row = reports.reconciliation(h01, DAY, DAY).table()[0]
    assert row[1] == "30096955600"
    assert row[4:9] == ["2026/03/10", "15", "15", "", "AU08001000123"]
    state = cases.load_case(h01, number)
    assert state.payments[0].settlement_number == "AU08001000123"
    # a second import changes nothing at the county
    rc, out, _err = county(sqlite_county, str(f), "--json", capsys=capsys)
    assert rc == 0 and json.loads(out)["unchanged"] == 1 and json.loads(out)["settled"] == 0
    assert (sqlite_county.count(CountyEventRow), _event_feed(sqlite_county)) == (events, feed)
    # a malformed file: exit 2, the line named, nothing stored
    bad = tmp_path / "bad.csv"
    bad.write_text(
        f"{HEAD}\n1,30096955600,2026/03/10 10:40:20,信用卡,2026/03/11,15,15,,AU2,\n2,x y,,,,,,,,\n",
        "utf-8",
    )
    rc, out, err = county(sqlite_county, str(bad), capsys=capsys)
    assert rc == 2 and "第 3 行" in err and "line 3" not in err
    rc, out, err = county(sqlite_county, str(bad), "--lang", "en", capsys=capsys)
    assert rc == 2 and "line 3" in err and "第 3 行" not in err
    assert sqlite_county.count(CountyEventRow) == events


def _event_feed(county: CountyServer) -> int:
    """The feed's event rows (the notifier adds its outcomes to the feed on its own time: a
    notice of the intake may land while the test runs)."""
    engine = create_engine(county.db_url)
    try:
        with engine.connect() as c:
            q = select(func.count()).select_from(FeedRow).where(FeedRow.kind == "event")
            return int(c.scalar(q) or 0)
    finally:
        engine.dispose()
