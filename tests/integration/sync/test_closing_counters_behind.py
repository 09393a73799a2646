"""The office-wide closing names the counters that may not have sent their day yet (two devices
of one office against a real county server): another counter's receipts reach this one only by
sync, and a closing taken while that counter had not synced listed less than was taken, and
said nothing of it (services/closing_behind.py, county/feed.py ``office_devices``)."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import factories
import pytest
from cli_main_support import run_main
from sqlalchemy import create_engine, text
from sync_helpers import CountyServer, enrol, sync_now

from eservice_desktop.county.store import utcnow
from eservice_desktop.county_link.client import CountyClient
from eservice_desktop.printing.closing import closing_csv
from eservice_desktop.services import cases, daily_closing, payments, sync
from eservice_desktop.services.core import App


def _county_sql(county: CountyServer, sql: str, **params: object) -> list[tuple[object, ...]]:
    engine = create_engine(county.db_url)
    try:
        with engine.begin() as c:
            result = c.execute(text(sql), params)
            return list(result) if result.returns_rows else []
    finally:
        engine.dispose()


def _synced_at(county: CountyServer, device: str) -> object:
    rows = _county_sql(
        county, "SELECT synced_at FROM county_devices WHERE device_key = :k", k=f"H01-{device}"
    )
    return rows[0][0]


def _age(county: CountyServer, device: str, hours: int) -> None:
    """``device`` last synced and was last seen ``hours`` ago, as the county holds it (the
    time that passed since it went offline)."""
    then = utcnow() - timedelta(hours=hours)
    _county_sql(
        county,
        "UPDATE county_devices SET synced_at = :t, last_seen_at = :t WHERE device_key = :k",
        t=then,
        k=f"H01-{device}",
    )


@pytest.fixture(autouse=True)
def _county_time(clock: Any) -> None:
    """The counters' clock at the county's (the real one): the closing's day is today."""
    clock.set(utcnow())


def _two_counters(county: CountyServer, office: Callable[..., App]) -> tuple[App, App]:
    d1, d2 = office("H01", "01", county.url), office("H01", "02", county.url)
    enrol(d1, county)
    enrol(d2, county)
    sync_now(d2)
    sync_now(d1)
    return d1, d2


def test_a_counter_offline_since_before_its_payment_is_named_until_it_syncs(
    county: CountyServer, office: Callable[..., App]
) -> None:
    d1, d2 = _two_counters(county, office)
    day = cases.today(d1)
    assert daily_closing.closing(d1, day, None).behind == ()  # both synced a moment ago
    number = factories.new_case(d2, copies=20, phone="0912345678")
    receipt = payments.record_payment(d2, number, "cash", 300, tendered=300).receipt_number
    _age(county, "02", hours=3)  # 02 went offline three hours ago, and took the money since
    sync_now(d1)
    office_wide = daily_closing.closing(d1, day, None)
    assert [r.number for r in office_wide.receipts] == []  # the money is not here
    assert [(c.device, c.synced_at is not None) for c in office_wide.behind or ()] == [("02", True)]
    shown = office_wide.to_json()["counters_behind"]
    assert isinstance(shown, list) and shown[0]["counter"] == "02" and shown[0]["synced_at"]
    # the counter's own closing of 02 taken on 01 says it too; 01's own closing does not
    assert [c.device for c in daily_closing.closing(d1, day, "02").behind or ()] == ["02"]
    assert daily_closing.closing(d1, day, "").behind == ()
    # 02 comes back: its push, then its pull saying nothing waits, and 01 learns it
    sync_now(d2)
    sync_now(d1)
    office_wide = daily_closing.closing(d1, day, None)
    assert office_wide.behind == ()
    assert [r.number for r in office_wide.receipts] == [receipt]


def test_the_cli_warns_and_the_json_names_the_counter(
    county: CountyServer, office: Callable[..., App], tmp_path: Path
) -> None:
    d1, _d2 = _two_counters(county, office)
    _age(county, "02", hours=5)
    sync_now(d1)
    data_dir, day = str(d1.settings.data_dir), cases.today(d1).isoformat()
    d1.close()
    out = str(tmp_path / "closing.pdf")
    argv = ["report", "closing", "--date", day, "--office-wide", "--out", out]
    env = {k: v for k, v in os.environ.items() if k.startswith("ESERVICE_")}  # the demo's sign-in
    env.update(ESERVICE_DATA_DIR=data_dir, ESERVICE_OFFICE="H01", ESERVICE_DEVICE="01")
    code, text_out, err = run_main([*argv, "--json"], env)
    assert code == 0, err
    data = json.loads(text_out)
    assert data["warnings"] == ["closing.counters_behind"]
    assert [c["counter"] for c in data["counters_behind"]] == ["02"]
    assert "closing.counters_behind" in err and "櫃檯 02 最後同步於" in err
    printed = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", out, "-"], capture_output=True, text=True, check=True
    ).stdout.replace(" ", "")
    assert "櫃檯02最後同步於" in printed and "其後收費可能未列入本表" in printed  # on the paper
    code, _text, err = run_main([*argv, "--lang", "en"], env)
    assert code == 0 and "counter 02 last synced" in err


def test_a_pull_saying_events_wait_leaves_the_counter_unsynced(
    county: CountyServer, office: Callable[..., App]
) -> None:
    """Only a counter with nothing left to push is synced: one whose push is stuck (a county
    that cannot read an event, a refused batch) still pulls, and must stay named."""
    _d1, d2 = _two_counters(county, office)
    _age(county, "02", hours=2)
    before = _synced_at(county, "02")
    client = CountyClient(county.url, credential=sync.credential(d2))
    try:
        page = client.pull("", pending=4)
        assert page.devices is not None and [d.device for d in page.devices] == ["01", "02"]
        assert _synced_at(county, "02") == before
        client.pull("", pending=0)
        assert _synced_at(county, "02") != before
        assert client.pull("").devices is None  # not asked: the page is as it always was
    finally:
        client.close()


def test_a_county_that_never_said_leaves_the_closing_silent(
    office: Callable[..., App],
) -> None:
    """No sync yet (or a county before it): the closing cannot tell, and says null."""
    d1 = office("H01", "01")
    report = daily_closing.closing(d1, cases.today(d1), None)
    assert report.behind is None and report.to_json()["counters_behind"] is None


def test_a_counter_offline_since_the_day_before_names_the_counters_it_heard_nothing_of(
    county: CountyServer, office: Callable[..., App], clock: Any
) -> None:
    """01's link went down after its last round (it works offline), and the day after, 01 takes
    that day's office-wide closing: the county's last word said 02 had synced a moment before
    it went down, and 02's whole day since is missing here. Judged by that word's time the
    closing named no counter; a word older than the day the closing covers names them all."""
    d1, _d2 = _two_counters(county, office)
    day = cases.today(d1) + timedelta(days=1)
    clock.set(utcnow() + timedelta(days=2))  # 01 has not reached the county since
    office_wide = daily_closing.closing(d1, day, None)
    assert [c.device for c in office_wide.behind or ()] == ["02"]
    assert daily_closing.closing(d1, day, "").behind == ()  # its own closing: nothing to wait for
    clock.set(utcnow())
    sync_now(d1)  # back online: the closing of today judges by the county's fresh word again
    assert daily_closing.closing(d1, cases.today(d1), None).behind == ()


def test_the_csv_closing_says_it_too(county: CountyServer, office: Callable[..., App]) -> None:
    """The closing saved as CSV (the file a supervisor keeps or sends on) names the counter not
    synced where the paper does, under 收據號碼區間."""
    d1, _d2 = _two_counters(county, office)
    _age(county, "02", hours=4)
    sync_now(d1)
    rows = list(
        csv.reader(
            io.StringIO(closing_csv(daily_closing.closing(d1, cases.today(d1), None)).decode())
        )
    )
    at = rows.index(["收據號碼區間"])
    note = next(r for r in rows[at:] if r and "其後收費可能未列入本表" in r[0])
    assert note[0].startswith("櫃檯 02 最後同步於") and rows.index(note) < rows.index(
        ["規費項目小計"]
    )
