"""The office-wide closing of the day a counter was stolen (its device revoked at the county:
enrol.device_revoked) says the stolen counter's receipts after its last sync are missing, for
good: the county left revoked counters out of the office's counters, so the closing named none
and read as the whole office's day. A counter asks for the revoked ones apart
(``revoked=true``, ``PullResponse.revoked``): one of an older build, whose wire refuses a field
it does not know, never asks and is answered as before."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any

import factories
from cli_main_support import run_main
from sqlalchemy import create_engine, text
from sync_helpers import CountyServer, enrol, sync_now

from eservice_desktop.domain.office_zone import TAIPEI
from eservice_desktop.printing.closing import closing_csv
from eservice_desktop.services import daily_closing, payments
from eservice_desktop.services.core import App

DAY = date(2026, 3, 10)


def _county_sql(county: CountyServer, sql: str, **params: object) -> None:
    engine = create_engine(county.db_url)
    try:
        with engine.begin() as c:
            c.execute(text(sql), params)
    finally:
        engine.dispose()


def test_the_closing_of_the_day_a_counter_was_stolen_says_its_receipts_are_missing(
    office: Callable[..., App], sqlite_county: CountyServer, clock: Any, tmp_path: Path
) -> None:
    clock.set(datetime(2026, 3, 10, 9, 0, tzinfo=TAIPEI))
    d1, d2 = office("H01", "01", sqlite_county.url), office("H01", "02", sqlite_county.url)
    enrol(d1, sqlite_county)
    enrol(d2, sqlite_county)
    ours = payments.record_payment(d1, factories.new_case(d1), "cash", 15).receipt_number
    clock.set(datetime(2026, 3, 10, 11, 0, tzinfo=TAIPEI))
    # counter 02 takes NT$300 offline, and is stolen before it syncs again
    payments.record_payment(d2, factories.new_case(d2, copies=20), "cash", 300)
    _county_sql(
        sqlite_county,
        "UPDATE county_devices SET synced_at = :synced, revoked_at = :revoked"
        " WHERE device_key = :key",
        synced=datetime(2026, 3, 10, 1, 0),  # 09:00 Taipei, as UTC
        revoked=datetime(2026, 3, 10, 4, 0),  # 12:00 Taipei
        key="H01-02",
    )
    clock.set(datetime(2026, 3, 10, 17, 30, tzinfo=TAIPEI))
    sync_now(d1)

    office_wide = daily_closing.closing(d1, DAY, None)
    assert [r.number for r in office_wide.receipts] == [ours]  # 02's never came
    (stolen,) = office_wide.behind or ()
    assert stolen.device == "02" and stolen.revoked_at is not None
    said = office_wide.to_json()["counters_behind"]
    assert said == [
        {
            "counter": "02",
            "synced_at": "2026-03-10T01:00:00+00:00",
            "last_seen_at": said[0]["last_seen_at"],  # type: ignore[index]
            "revoked_at": "2026-03-10T04:00:00+00:00",
        }
    ]
    note = closing_csv(office_wide).decode("utf-8-sig")
    assert (
        "櫃檯 02 已於 115/03/10 12:00 由縣府撤銷（失竊或停用），最後同步於 115/03/10 09:00" in note
    )
    assert "其後開立之收據不會送達縣府，未列入本表" in note
    assert "請待該櫃檯同步後重新產出" not in note  # no sync will bring them
    # this counter's own closing is its drawer alone: no word of 02
    assert daily_closing.closing(d1, DAY).behind == ()
    # the day before its last sync lost nothing; the day after its revocation took nothing
    assert daily_closing.closing(d1, date(2026, 3, 9), None).behind == ()
    clock.set(datetime(2026, 3, 11, 17, 30, tzinfo=TAIPEI))
    sync_now(d1)
    assert daily_closing.closing(d1, date(2026, 3, 11), None).behind == ()
    # the command line warns with a code of its own, not "wait for it to sync"
    data_dir = str(d1.settings.data_dir)
    d1.close()
    argv = ["report", "closing", "--date", DAY.isoformat(), "--office-wide"]
    argv += ["--out", str(tmp_path / "closing.pdf"), "--json"]
    env = {k: v for k, v in os.environ.items() if k.startswith("ESERVICE_")}  # the demo's sign-in
    env.update(ESERVICE_DATA_DIR=data_dir, ESERVICE_OFFICE="H01", ESERVICE_DEVICE="01")
    code, out, err = run_main(argv, env)
    assert code == 0, err
    assert json.loads(out)["warnings"] == ["receipts.unprinted", "closing.counters_revoked"]
    assert "closing.counters_revoked" in err and "由縣府撤銷" in err and "同步後重新產出" not in err
    code, _out, err = run_main([*argv[:-1], "--lang", "en"], env)
    assert code == 0 and "counter 02 was revoked by the county" in err
