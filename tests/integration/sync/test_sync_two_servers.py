"""Two county server processes on one PostgreSQL: concurrent pushes (the same batches sent to
both at once) and a device pulling from both alternately. Nothing lost, nothing applied twice,
cursors and change sequence numbers only move forward."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable

import pytest
from sync_helpers import CountyServer, _fresh_pg_db, enrol

from eservice_desktop.county_link.client import CountyClient
from eservice_desktop.county_link.protocol import WireEvent, seq_of
from eservice_desktop.demo.seeding import seed_demo
from eservice_desktop.services import sync
from eservice_desktop.services.core import App

pytestmark = pytest.mark.postgres


def test_two_server_processes_one_postgres(
    pg_url: str, server_factory: Callable[[str], CountyServer], office: Callable[..., App]
) -> None:
    db = _fresh_pg_db(pg_url)
    a = server_factory(db).start()
    b = server_factory(db).start()
    writers = [office("H01", f"0{i}") for i in (1, 2, 3)]
    reader = office("H01", "09")
    for i, app in enumerate([*writers, reader]):
        enrol(app, a if i % 2 else b)
    for i, app in enumerate(writers):
        seed_demo(app, 60, seed=i)
    batches: list[tuple[App, list[WireEvent]]] = []
    for app in writers:
        with app.reading() as s:
            evs = [WireEvent.of(e) for e in sync.outbox(s, 10_000)]
        batches += [(app, evs[i : i + 50]) for i in range(0, len(evs), 50)]
    all_ids = [e.event_id for _, b_ in batches for e in b_]

    answers: Counter[str] = Counter()
    errors: list[BaseException] = []
    lock = threading.Lock()

    def push_everything(server: CountyServer, order: int) -> None:
        try:
            seq = batches if order == 0 else list(reversed(batches))
            clients = {id(app): CountyClient(server.url, sync.credential(app)) for app in writers}
            for app, batch in seq:
                resp = clients[id(app)].push(batch)
                with lock:
                    answers.update(r.status for r in resp.results)
            for c in clients.values():
                c.close()
        except BaseException as e:  # reported below
            errors.append(e)

    pulled: list[int] = []
    cursors: list[int] = []
    stop = threading.Event()

    def pull_alternately() -> None:
        try:
            clients = [CountyClient(s.url, sync.credential(reader)) for s in (a, b)]
            cursor, i = "", 0
            while True:
                done = stop.is_set()
                page = clients[i % 2].pull(cursor, 200)
                pulled.extend(c.seq for c in page.changes if c.kind == "event")
                cursors.append(seq_of(page.cursor))
                cursor, i = page.cursor, i + 1
                if done and not page.more:
                    break
            for c in clients:
                c.close()
        except BaseException as e:
            errors.append(e)

    threads = [
        threading.Thread(target=push_everything, args=(a, 0)),
        threading.Thread(target=push_everything, args=(b, 1)),
        threading.Thread(target=pull_alternately),
    ]
    for t in threads:
        t.start()
    for t in threads[:2]:
        t.join(120)
    stop.set()
    threads[2].join(120)
    assert not errors
    on_county = a.event_ids()
    assert len(on_county) == len(set(on_county))
    conflicts = a.conflicts()
    # every event answered twice (once per server): accepted or conflict once, duplicate once
    assert answers["accepted"] + conflicts == len(all_ids)
    assert answers["duplicate"] == len(all_ids) - conflicts
    assert answers["conflict"] == 2 * conflicts
    assert set(all_ids) <= set(on_county) | _conflict_ids(db)
    # the reader saw every H01 event exactly once, in increasing seq, with monotonic cursors
    assert cursors == sorted(cursors)
    assert pulled == sorted(pulled) and len(pulled) == len(set(pulled))
    assert len(pulled) == len(on_county)


def _conflict_ids(db: str) -> set[str]:
    from sqlalchemy import create_engine, select

    from eservice_desktop.county.store import ConflictRow

    engine = create_engine(db)
    with engine.connect() as c:
        out = set(c.scalars(select(ConflictRow.event_id)))
    engine.dispose()
    return out
