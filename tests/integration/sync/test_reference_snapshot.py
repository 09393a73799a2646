"""Reference data (catalogue, calendar, county clock offset) is one immutable snapshot: a sync
round on its own thread swaps in a new one, a reader holding the old one sees it unchanged."""

from __future__ import annotations

import dataclasses
import json
import threading
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from sync_helpers import CountyServer, county_cli, enrol, sync_now

from eservice_desktop.services import sync
from eservice_desktop.services.core import App, Reference
from eservice_desktop.storage import resources


def _publish(county: CountyServer, tmp_path: Path) -> str:
    """A renamed first service and a 2028 calendar with 3 January off; the service's code."""
    doc = resources.read_json("catalogue", "services.json")
    first = doc["services"][0]
    first["name"] = first["name"] + "（縣府更新）"
    catalogue_file = tmp_path / "services.json"
    catalogue_file.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    county_cli("publish", "--db", county.db_url, "catalogue", str(catalogue_file))
    csv = tmp_path / "2028.csv"
    csv.write_text(
        "西元日期,星期,是否放假,備註\n20280103,一,2,測試補假\n20280104,二,0,\n", encoding="utf-8"
    )
    county_cli("publish", "--db", county.db_url, "calendar", str(csv))
    return str(first["code"])


def test_a_round_swaps_a_new_snapshot_and_a_held_one_stays_unchanged(
    sqlite_county: CountyServer, office: Callable[..., App], tmp_path: Path
) -> None:
    app = office()
    enrol(app, sqlite_county)
    sync.start(app)  # app.now() follows the county clock: the offset is in the snapshot
    code = _publish(sqlite_county, tmp_path)
    held = app.reference
    name, offset = held.catalogue.service(code).name, held.clock_offset_s
    assert held.calendar.is_working_day(date(2028, 1, 3))  # a Monday, working as shipped
    with pytest.raises(dataclasses.FrozenInstanceError):
        held.catalogue = held.catalogue  # type: ignore[misc]

    seen: list[Reference] = []
    changed: list[str] = []
    stop = threading.Event()
    looked = threading.Event()

    def reader() -> None:  # another thread reads while the round runs
        while not stop.is_set():
            now = app.reference
            if not seen or seen[-1] is not now:
                seen.append(now)
                looked.set()
            if held.catalogue.service(code).name != name or held.clock_offset_s != offset:
                changed.append("the held snapshot changed")

    watcher = threading.Thread(target=reader)
    watcher.start()
    try:
        # the reader has seen the snapshot before the round (a busy machine may run a new
        # thread late, after the round swapped it)
        assert looked.wait(10)
        round_thread = threading.Thread(target=sync_now, args=(app,), name="sync-loop")
        round_thread.start()
        round_thread.join(60)
    finally:
        stop.set()
        watcher.join(10)

    assert not round_thread.is_alive() and not changed
    fresh = app.reference
    assert fresh is not held
    assert fresh.catalogue.service(code).name.endswith("（縣府更新）")
    assert not fresh.calendar.is_working_day(date(2028, 1, 3))
    assert fresh.clock_offset_s != 0.0  # the test clock is fixed in 2026: far from the county's
    assert app.catalogue is fresh.catalogue and app.calendar is fresh.calendar
    # the one held before the round is exactly as it was
    assert held.catalogue.service(code).name == name and held.clock_offset_s == offset
    assert held.calendar.is_working_day(date(2028, 1, 3))
    assert seen[0] is held and seen[-1] is fresh
