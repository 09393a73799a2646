"""An SQLite county began every transaction ``BEGIN IMMEDIATE``, reads too: an office's
authentication, its pull, the keys, its operators waited for the write lock, i.e. behind another
office's push of thousands of events (seconds; up to the 30 s busy timeout). A transaction that
only reads now begins deferred and reads its snapshot while the writer works."""

from __future__ import annotations

import sqlite3
import time

from sync_helpers import County, CountyServer


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
