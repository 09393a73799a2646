"""An SQLite county began every transaction ``BEGIN IMMEDIATE``, reads too: an office's
authentication, its pull, the keys, its operators waited for the write lock, i.e. behind another
office's push of thousands of events (seconds; up to the 30 s busy timeout). A transaction that
only reads now begins deferred and reads its snapshot while the writer works."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path
from typing import Any

import pytest
from sync_helpers import County, CountyServer

from eservice_desktop.county import reports
from eservice_desktop.county import service as county_service
from eservice_desktop.county.cli import main as county_main


def test_reads_do_not_wait_behind_a_writer(sqlite_county: CountyServer) -> None:
    county = County(sqlite_county)
    county.enrol("H01")
    ask = county.session.get
    assert county.pull("H01").status_code == 200  # seen now: the next pulls only read
    writer = sqlite3.connect(sqlite_county.db_url.removeprefix("sqlite:///"), isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")  # an office's push at work
    try:
        for route in ("/v1/status", "/v1/keys", "/v1/changes?since=0", "/v1/operators"):
            started = time.monotonic()
            answer = ask(county.url + route, headers=county.h("H01"), timeout=5)
            assert answer.status_code == 200, (route, answer.text)
            assert time.monotonic() - started < 2, route
    finally:
        writer.execute("ROLLBACK")
        writer.close()


@pytest.mark.parametrize(
    ("module", "name", "argv"),
    [
        (reports, "compute", ["report", "usage", "--from", "2026-01-01", "--to", "2026-01-31"]),
        (county_service, "stats", ["stats"]),
    ],
)
def test_a_report_at_the_county_holds_no_push_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, module: Any, name: str, argv: list[str]
) -> None:
    """``report`` and ``stats`` held the write lock while they counted (a year of every
    office: every push waited, up to the 30 s busy timeout); a push takes it meanwhile now."""
    db = tmp_path / "county.sqlite3"
    assert county_main(["db", "upgrade", "--db", f"sqlite:///{db}"]) == 0
    pushed: list[bool] = []
    real = getattr(module, name)

    def counting(*args: Any, **kwargs: Any) -> Any:
        answer = real(*args, **kwargs)  # its transaction is open: a push comes meanwhile
        push = sqlite3.connect(db, timeout=0.2, isolation_level=None)
        try:
            push.execute("BEGIN IMMEDIATE")
            push.execute("ROLLBACK")
            pushed.append(True)
        except sqlite3.OperationalError:  # database is locked
            pushed.append(False)
        finally:
            push.close()
        return answer

    monkeypatch.setattr(module, name, counting)
    assert county_main([*argv, "--db", f"sqlite:///{db}"]) == 0
    assert pushed == [True]
