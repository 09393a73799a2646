"""Sync figures over loopback: push 10,000 events, pull 10,000 on another device, the same rows
inserted straight into the county database (ratio sync/raw), and an idle round's latency.

The county server runs in this process (uvicorn on a thread, SQLite) so the figure measures
the protocol, the server's checks and both databases, not process start-up.
"""

from __future__ import annotations

import shutil
import statistics
import tempfile
import threading
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

N_EVENTS = 10_000


def _memory_keyring() -> None:
    import keyring
    from keyring.backend import KeyringBackend

    class Memory(KeyringBackend):
        priority = 1  # type: ignore[assignment]

        def __init__(self) -> None:
            super().__init__()
            self.store: dict[tuple[str, str], str] = {}

        def get_password(self, service: str, username: str) -> str | None:
            return self.store.get((service, username))

        def set_password(self, service: str, username: str, password: str) -> None:
            self.store[(service, username)] = password

        def delete_password(self, service: str, username: str) -> None:
            self.store.pop((service, username), None)

    keyring.set_keyring(Memory())


def _events(n: int) -> list[Any]:
    """n events: received + supplement requested per case, device H01-01, linked into the
    device's hash chain as ingest links them (so the push measures the county's check)."""
    from eservice_desktop.domain import events as ev
    from eservice_desktop.domain.case_number import CaseNumber
    from eservice_desktop.domain.events import Actor

    actor = Actor("H01", "01", "bench")
    t0 = datetime(2026, 3, 10, 1, 0, tzinfo=UTC)
    out = []
    for i in range(n // 2):
        case_id = str(uuid.uuid4())
        at = t0 + timedelta(seconds=i)
        out.append(
            actor.event(
                case_id,
                ev.RECEIVED,
                at,
                {
                    "case_number": str(CaseNumber("H01", "01", 115, i + 1)),
                    "service_code": "HR-TRANSCRIPT",
                    "time_limit_working_days": 1,
                    "applicant": {
                        "kind": "person",
                        "id_type": "national_id",
                        "id": "A123456789",
                        "name": "王小明",
                    },
                    "pickup": {"method": "counter", "office": "H01"},
                },
            )
        )
        out.append(
            actor.event(
                case_id,
                ev.SUPPLEMENT_REQUESTED,
                at + timedelta(minutes=5),
                {"reason": "缺少委託書", "items": []},
            )
        )
    from eservice_desktop.domain import chain

    prev, linked = chain.GENESIS, []
    for e in out:
        e = chain.link(e, prev)  # noqa: PLW2901
        linked.append(e)
        prev = e.hash
    return linked


def run() -> list[tuple[str, str]]:
    """SQLite county always; PostgreSQL too when ESERVICE_BENCH_PG_URL (or the test suite's
    ESERVICE_TEST_PG_URL) names a server (a fresh database is created for the run)."""
    import os

    rows = _measure("sqlite", None)
    pg = os.environ.get("ESERVICE_BENCH_PG_URL") or os.environ.get("ESERVICE_TEST_PG_URL")
    if pg:
        db = _fresh_pg(pg)
        try:
            rows += _measure("postgresql", db)
        finally:
            _drop_pg(db)
            _drop_pg(db + "_raw")
    return rows


def _drop_pg(url: str) -> None:
    import psycopg

    base, name = url.rsplit("/", 1)
    with psycopg.connect(
        base.replace("postgresql+psycopg://", "postgresql://") + "/postgres", autocommit=True
    ) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _fresh_pg(url: str, name: str = "") -> str:
    import psycopg

    name = name or f"bench_sync_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(
        url.replace("postgresql+psycopg://", "postgresql://"), autocommit=True
    ) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return url.rsplit("/", 1)[0] + "/" + name


def _measure(label: str, county_url: str | None) -> list[tuple[str, str]]:
    import uvicorn
    from sqlalchemy import insert
    from sqlalchemy.orm import Session

    from eservice_desktop.config import Settings
    from eservice_desktop.county import service as county_service
    from eservice_desktop.county.asgi import create_app
    from eservice_desktop.county.store import (
        CountyEventRow,
        FeedRow,
        create_schema,
        make_engine,
        utcnow,
    )
    from eservice_desktop.services import sync
    from eservice_desktop.services.core import open_app
    from eservice_desktop.storage import repo

    _memory_keyring()
    tmp = Path(tempfile.mkdtemp(prefix="bench-sync-"))
    rows: list[tuple[str, str]] = []
    try:
        county_db = county_url or f"sqlite:///{tmp / 'county.sqlite3'}"
        app_c = create_app(county_db, secret=b"benchmark county passphrase", dispatch=False)
        server = uvicorn.Server(
            uvicorn.Config(app_c, host="127.0.0.1", port=0, log_level="warning")
        )
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        while not server.started:
            time.sleep(0.02)
        port = server.servers[0].sockets[0].getsockname()[1]
        url = f"http://127.0.0.1:{port}"

        def office(device: str) -> Any:
            app = open_app(
                Settings(
                    data_dir=tmp / f"office-{device}",
                    office_code="H01",
                    device_id=device,
                    county_url=url,
                )
            )
            with app_c.state.sessions() as s, s.begin():
                code = county_service.new_enrol_code(s, "H01", utcnow())
            sync.enrol(app, url, code)
            return app

        pusher, puller = office("01"), office("02")
        evs = _events(N_EVENTS)
        now = datetime.now(UTC)
        with pusher.transaction() as s:
            for e in evs:
                repo.insert_event(s, e, now)
        client = sync.make_client(pusher)
        t = time.perf_counter()
        r = sync.sync_round(pusher, client)
        push_s = time.perf_counter() - t
        client.close()
        assert r.pushed == N_EVENTS, r
        rows.append((f"[{label}] push {N_EVENTS:,} events over loopback", f"{push_s:.2f} s"))
        rows.append((f"[{label}] push throughput", f"{N_EVENTS / push_s:,.0f} events/s"))

        client = sync.make_client(puller)
        t = time.perf_counter()
        r = sync.sync_round(puller, client)
        pull_s = time.perf_counter() - t
        assert r.pulled == N_EVENTS, r
        rows.append(
            (f"[{label}] pull {N_EVENTS:,} events (applied to the office DB)", f"{pull_s:.2f} s")
        )
        rows.append((f"[{label}] pull throughput", f"{N_EVENTS / pull_s:,.0f} events/s"))

        lat = []
        for _ in range(30):
            t = time.perf_counter()
            sync.sync_round(puller, client)
            lat.append((time.perf_counter() - t) * 1000)
        client.close()
        rows.append(
            (
                f"[{label}] idle sync round latency (median / p95)",
                f"{statistics.median(lat):.1f} / {sorted(lat)[int(len(lat) * 0.95) - 1]:.1f} ms",
            )
        )

        raw_engine = make_engine(
            _fresh_pg(county_url, county_url.rsplit("/", 1)[1] + "_raw")
            if county_url
            else f"sqlite:///{tmp / 'raw.sqlite3'}"
        )
        create_schema(raw_engine)
        t = time.perf_counter()
        with Session(raw_engine) as s, s.begin():
            s.execute(
                insert(CountyEventRow),
                [
                    {
                        "event_id": e.event_id,
                        "case_id": e.case_id,
                        "type": e.type,
                        "office": e.office,
                        "device": e.device,
                        "clerk": e.clerk,
                        "at": e.at,
                        "received_at": now,
                        "payload": e.payload,
                    }
                    for e in evs
                ],
            )
            s.execute(
                insert(FeedRow),
                [
                    {
                        "office": "H01",
                        "kind": "event",
                        "case_id": e.case_id,
                        "source": "H01-01",
                        "data": e.to_dict(),
                        "created_at": now,
                    }
                    for e in evs
                ],
            )
        raw_s = time.perf_counter() - t
        raw_engine.dispose()
        rows.append(
            (
                f"[{label}] raw insert of the same {N_EVENTS:,} rows into the county DB",
                f"{raw_s:.2f} s",
            )
        )
        rows.append((f"[{label}] ratio push / raw insert", f"{push_s / raw_s:.1f}×"))
        rows.append(
            (f"[{label}] ratio push+pull / raw insert", f"{(push_s + pull_s) / raw_s:.1f}×")
        )
        server.should_exit = True
        thread.join(10)
        app_c.state.engine.dispose()
        pusher.close()
        puller.close()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return rows


if __name__ == "__main__":
    for name, value in run():
        print(f"{name}: {value}")
