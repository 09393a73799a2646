"""A county restored from an older backup, as the offices meet it (docs/protocol.md, "A county
restored"): what it lost of the feed is pulled by every office again, and what an office had
pushed after the backup is pushed again, without a conflict blamed on the office."""

from __future__ import annotations

import json
import shutil
import time
import uuid
from collections.abc import Callable
from pathlib import Path

from approvals_support import add_accounts
from sync_helpers import CountyServer, enrol, new_case, sync_now

from eservice_desktop.services import cases
from eservice_desktop.services.core import App
from eservice_desktop.services.sync.rewound import REQUEUED, REWOUND
from eservice_desktop.services.sync.state import get_state


def _numbers(app: App) -> set[str]:
    return {r.case_number for r in cases.queue(app, "all")}


class Backup:
    """One backup of the county's database, taken and restored with the server stopped, as
    the county's IT does: a copy of the SQLite file; on PostgreSQL, a database made from it
    as a template (what ``pg_dump`` and ``pg_restore`` of the whole database amount to)."""

    def __init__(self, county: CountyServer, tmp_path: Path) -> None:
        self.county, self.url = county, county.db_url
        self.file = tmp_path / "county-backup.sqlite3"
        self.pg_name = f"backup_{uuid.uuid4().hex[:12]}"

    def take(self) -> None:
        self.county.stop()
        if self.url.startswith("sqlite"):
            shutil.copy(self.url.removeprefix("sqlite:///"), self.file)
        else:
            self._pg(f'CREATE DATABASE "{self.pg_name}" TEMPLATE "{self._name}"')
        self.county.start_in_thread()

    def restore(self) -> None:
        self.county.stop()
        if self.url.startswith("sqlite"):
            db = Path(self.url.removeprefix("sqlite:///"))
            for leftover in db.parent.glob(db.name + "-*"):  # the restored file's own state
                leftover.unlink()
            shutil.copy(self.file, db)
        else:
            self._pg(f'DROP DATABASE "{self._name}" WITH (FORCE)')
            self._pg(f'CREATE DATABASE "{self._name}" TEMPLATE "{self.pg_name}"')
        self.county.start_in_thread()

    @property
    def _name(self) -> str:
        return self.url.rsplit("/", 1)[1]

    def _pg(self, sql: str) -> None:
        import psycopg

        base = self.url.rsplit("/", 1)[0].replace("postgresql+psycopg://", "postgresql://")
        with psycopg.connect(base + "/postgres", autocommit=True) as conn:
            conn.execute(sql)


def test_an_office_pulls_what_a_restored_county_wrote_since(
    county: CountyServer, office: Callable[..., App], tmp_path: Path
) -> None:
    """Counter 01 had pulled up to a seq the restored county's feed no longer reached: every
    change the county wrote after the restore took a seq counter 01 had passed, and a case
    counter 03 took then never reached counter 01 (nor would any later one until the feed grew
    past its cursor). The county answers from the last row both hold; 01 pulls it."""
    backup = Backup(county, tmp_path)
    one, two, three = (office(device=d, url=county.url) for d in ("01", "02", "03"))
    for app in (one, two, three):
        enrol(app, county)
        sync_now(app)
    before = new_case(two)
    sync_now(two)
    sync_now(one)
    backup.take()  # the night's backup
    lost = new_case(two)
    sync_now(two)
    sync_now(one)
    assert {before, lost} <= _numbers(one)
    backup.restore()  # the disk failed: restored from the backup

    after = new_case(three)
    sync_now(three)
    sync_now(one)
    assert after in _numbers(one)
    with one.reading() as s:
        said = json.loads(get_state(s, REWOUND) or "{}")
    assert said and int(said["to"]) < int(said["from"])
    sync_now(one)  # and on from there: the next round is an idle one
    with one.reading() as s:
        assert json.loads(get_state(s, REWOUND) or "{}") == said


def test_an_office_pushes_again_what_a_restored_county_lost(
    sqlite_county: CountyServer, office: Callable[..., App], tmp_path: Path
) -> None:
    """Counter 02 had pushed a case after the county's backup; the county restored from it
    had lost the case, and counter 02's next event followed on from a link the county did not
    hold: the county took it as chain.broken, a conflict blamed on the counter, and the lost
    case never reached the county again. The county says how far it holds the chain; the
    counter sends the rest again, and the other counters get the case."""
    backup = Backup(sqlite_county, tmp_path)
    one, two = (office(device=d, url=sqlite_county.url) for d in ("01", "02"))
    for app in (one, two):
        enrol(app, sqlite_county)
        sync_now(app)
    before = new_case(two)
    sync_now(two)
    backup.take()
    lost = new_case(two)
    sync_now(two)
    backup.restore()
    assert set(sqlite_county.event_ids()).isdisjoint(_event_ids(two, lost))

    later = new_case(two)  # follows on from the lost case's last event
    pushed = sync_now(two)
    assert pushed.conflicts == 0 and pushed.pending == 0
    county_has = set(sqlite_county.event_ids())
    assert set(_event_ids(two, lost)) | set(_event_ids(two, later)) <= county_has
    with two.reading() as s:
        assert json.loads(get_state(s, REQUEUED) or "{}")["events"] == len(_event_ids(two, lost))
    sync_now(one)
    assert {before, lost, later} <= _numbers(one)
    assert not sync_now(two).conflicts  # and on as ever


def test_an_office_with_nothing_to_push_sends_again_what_a_restored_county_lost(
    sqlite_county: CountyServer, office: Callable[..., App], tmp_path: Path
) -> None:
    """Counter 02 pushed a case after the backup and took nothing since: its outbox stayed
    empty, and the restored county would never have the case. Its pull finds the county
    rewound; the round then asks the county about its last event and sends the rest."""
    backup = Backup(sqlite_county, tmp_path)
    one, two = (office(device=d, url=sqlite_county.url) for d in ("01", "02"))
    for app in (one, two):
        enrol(app, sqlite_county)
        sync_now(app)
    new_case(one)
    sync_now(one)
    sync_now(two)
    backup.take()
    lost = new_case(two)
    sync_now(two)
    sync_now(one)
    sync_now(two)  # its cursor past the county's feed after the restore
    backup.restore()

    result = sync_now(two)
    assert result.conflicts == 0 and result.pending == 0
    assert set(_event_ids(two, lost)) <= set(sqlite_county.event_ids())


def _told(county: CountyServer, number: str, word: str) -> int:
    """How many notices of the case saying ``word`` went out (the gateway's file is no part
    of the database: a restore leaves it as it was)."""
    path = county.workdir / "outbox.jsonl"
    lines = path.read_text("utf-8").splitlines() if path.exists() else []
    return sum(number in x["body"] and word in x["body"] for x in map(json.loads, lines))


def _told_once(county: CountyServer, number: str, word: str) -> None:
    deadline = time.monotonic() + 20
    while not _told(county, number, word):
        assert time.monotonic() < deadline, f"{number} never told {word}"
        time.sleep(0.1)
    time.sleep(1.5)  # the dispatcher's round is 1 s: one too many would show by now
    assert _told(county, number, word) == 1


def test_a_restored_county_tells_the_citizen_nothing_twice(
    sqlite_county: CountyServer, office: Callable[..., App], tmp_path: Path
) -> None:
    """The events counter 02 sends again to a restored county had their notices sent before
    the restore: each was queued again, and the citizen got a second 已收件 of the same case.
    What the counter takes after the restore is told as ever."""
    backup = Backup(sqlite_county, tmp_path)
    two = office(device="02", url=sqlite_county.url)
    enrol(two, sqlite_county)
    sync_now(two)
    backup.take()
    lost = new_case(two)
    sync_now(two)
    _told_once(sqlite_county, lost, "已收件")
    backup.restore()

    later = new_case(two)  # pushed with the lost case, after it
    assert sync_now(two).conflicts == 0
    _told_once(sqlite_county, later, "已收件")
    assert _told(sqlite_county, lost, "已收件") == 1
    assert set(_event_ids(two, lost)) <= set(sqlite_county.event_ids())


def test_the_one_event_a_restored_county_lost_is_not_told_again(
    sqlite_county: CountyServer, office: Callable[..., App], tmp_path: Path
) -> None:
    """Counter 02's only event after the backup, a withdrawal, follows on from the county's
    last link of the counter: no chain.behind, and the counter's probe sent it as a new one."""
    backup = Backup(sqlite_county, tmp_path)
    two = office(device="02", url=sqlite_county.url)
    add_accounts(two)
    enrol(two, sqlite_county)
    number = new_case(two)
    sync_now(two)
    backup.take()
    cases.cancel_case(two, number, "民眾來電撤回")
    sync_now(two)
    _told_once(sqlite_county, number, "已撤件")
    sync_now(two)  # its cursor past the county's feed after the restore
    backup.restore()

    result = sync_now(two)
    assert result.conflicts == 0 and result.pending == 0
    assert set(_event_ids(two, number)) <= set(sqlite_county.event_ids())
    time.sleep(1.5)
    assert _told(sqlite_county, number, "已撤件") == 1


def _event_ids(app: App, number: str) -> list[str]:
    return [e["event_id"] for e in cases.show_case(app, number).events]
