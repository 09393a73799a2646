"""A plain database becomes an encrypted one in place, and no personal datum is left readable
anywhere in the data directory."""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from eservice_desktop.cli.main import main
from eservice_desktop.config import Settings
from eservice_desktop.domain.operators import COUNTER_ROLES, Operator
from eservice_desktop.services import cases, operators_demo
from eservice_desktop.services.core import open_app
from eservice_desktop.storage import cipher, dbkey
from eservice_desktop.storage.db import HEAD_REVISION

ROOT = Path(__file__).resolve().parents[3]
# the newest kept database that still needs an upgrade (so a pre-upgrade backup is taken)
FIXTURE = [
    p
    for p in sorted((ROOT / "tests" / "data" / "migrations").glob("*.sqlite3"))
    if p.stem != HEAD_REVISION
][-1]
ROWS = 40_000

CONVERTER = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from eservice_desktop.config import Settings
    from eservice_desktop.storage import db
    settings = Settings(data_dir=Path(sys.argv[1]))
    print("go", flush=True)
    db.open_office_engine(settings)[0].dispose()
    print("done", flush=True)
    """
)


_BUILT: dict[str, bytes] = {}


def _plain_office(data: Path) -> None:
    """An office database from a build before encryption, with some bulk so that converting
    it takes long enough to be interrupted anywhere."""
    data.mkdir(parents=True, exist_ok=True)
    for p in data.glob("eservice.sqlite3*"):
        p.unlink()
    if "db" in _BUILT:
        (data / "eservice.sqlite3").write_bytes(_BUILT["db"])
        return
    shutil.copy(FIXTURE, data / "eservice.sqlite3")
    with sqlite3.connect(data / "eservice.sqlite3") as conn:
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("CREATE TABLE bulk (n INTEGER PRIMARY KEY, nid TEXT, name TEXT)")
        conn.executemany(
            "INSERT INTO bulk VALUES (?, ?, ?)",
            ((i, f"A1{i:08d}", f"王小明{i}") for i in range(ROWS)),
        )
        conn.execute("INSERT INTO bulk VALUES (?, ?, ?)", (ROWS, "A100000000", "林美玲"))
        # the suite runs the CLI in demo mode (tests/conftest.py), which opens a demo database
        # only: the fixture's office (it has an admin) is marked one, as the template is
        conn.execute(
            "INSERT INTO sync_state (name, value, updated_at) VALUES (?, '1', ?)",
            (operators_demo.DEMO_DATABASE, "2026-01-05 01:00:00.000000"),
        )
    conn.close()
    _BUILT["db"] = (data / "eservice.sqlite3").read_bytes()


def _state(data: Path) -> str:
    """'plain' or 'encrypted', after checking that the database opens whole."""
    path = data / "eservice.sqlite3"
    if cipher.is_plain(path):
        conn = sqlite3.connect(path)
        kind = "plain"
    else:
        key = dbkey.read_key(Settings(data_dir=data))
        assert key is not None, "encrypted database without its key"
        conn = cipher.connect(path, key)
        kind = "encrypted"
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("SELECT count(*) FROM bulk").fetchone()[0] == ROWS + 1
        assert conn.execute("SELECT count(*) FROM cases").fetchone()[0] == 2
    finally:
        conn.close()
    return kind


def _convert(
    data: Path, kill_after: float | None, kill_when: Callable[[], bool] | None = None
) -> float:
    """Runs the conversion in a process (killed ``kill_after`` s after it starts converting,
    or as soon as ``kill_when`` holds); returns how long it ran."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    with subprocess.Popen(
        [sys.executable, "-c", CONVERTER, str(data)], stdout=subprocess.PIPE, text=True, env=env
    ) as proc:
        assert proc.stdout is not None
        try:
            assert proc.stdout.readline().strip() == "go"
            started = time.perf_counter()
            if kill_when is not None:
                while proc.poll() is None and not kill_when():
                    time.sleep(0.001)
                os.kill(proc.pid, signal.SIGKILL)
            elif kill_after is not None:
                time.sleep(kill_after)
                os.kill(proc.pid, signal.SIGKILL)
            else:
                assert proc.stdout.readline().strip() == "done"
            return time.perf_counter() - started
        finally:
            proc.kill()
            proc.wait(60)


@pytest.mark.timeout(600)
def test_kill_9_at_random_moments_of_the_conversion(tmp_path: Path) -> None:
    data = tmp_path / "office"
    _plain_office(data)
    duration = _convert(data, None)
    assert _state(data) == "encrypted"
    # Two kills at moments the files show, whatever the machine's speed (a duration measured
    # once is no clock for the runs after it on a loaded machine): while the encrypted copy is
    # being written, the plain database is the one; once it has taken the plain one's place,
    # the encrypted one is.
    database = data / "eservice.sqlite3"
    _plain_office(data)
    _convert(data, None, kill_when=database.with_name(database.name + ".encrypting").exists)
    assert _state(data) == "plain"
    _convert(data, None, kill_when=lambda: not cipher.is_plain(database))
    assert _state(data) == "encrypted"
    # and at random moments in between, before and after
    rng = random.Random(14)
    seen: list[str] = ["encrypted"]
    for _ in range(10):
        if seen[-1] == "encrypted":
            _plain_office(data)  # start again from a plain database (the key stays)
        _convert(data, rng.uniform(0, duration * 1.2))
        seen.append(_state(data))  # never neither: one of the two opens, with every row
    _convert(data, None)
    assert _state(data) == "encrypted"
    assert not list(data.glob("*.encrypting*"))


PEOPLE = [  # (national ID, name, mobile): valid numbers, used nowhere else in the suite
    ("F229384752", "鄭雅婷", "0933518274"),
    ("Q120486135", "賴冠霖", "0958207316"),
    ("R273654197", "蔡佩蓉", "0972640185"),
]


def _needles() -> list[bytes]:
    out = []
    for nid, name, phone in PEOPLE:
        out += [nid.encode(), name.encode("utf-8"), name.encode("utf-16-le"), phone.encode()]
        out.append(f"{phone[:4]}-{phone[4:7]}-{phone[7:]}".encode())
    return out


def _grep(data: Path, running: bool) -> list[str]:
    found = []
    files = [p for p in data.rglob("*") if p.is_file()]
    if running:
        assert any(p.name.endswith("-wal") for p in files), "the WAL must be part of the check"
    for p in files:
        raw = p.read_bytes()
        found += [f"{p.relative_to(data)}: {n!r}" for n in _needles() if n in raw]
    return found


HR = [
    "--service",
    "HR-TRANSCRIPT",
    "--field",
    "registered_address=桃園市桃園區中正路1號",
    "--field",
    "transcript_kind=現戶",
    "--field",
    "record_detail=省略記事",
]


def test_no_personal_datum_in_any_file_of_the_data_directory(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from eservice_desktop.services.drafts import DraftStore

    data = tmp_path / "office"
    _plain_office(data)  # an upgraded office: its plain database and pre-upgrade backup
    for nid, name, phone in PEOPLE[:2]:
        code = main(
            [
                "--data-dir",
                str(data),
                "case",
                "intake",
                *HR,
                "--applicant-id",
                nid,
                "--applicant-name",
                name,
                "--phone",
                phone,
                "--json",
            ]
        )
        assert code == 0, capsys.readouterr()
        json.loads(capsys.readouterr().out)
    assert list((data / "backups").glob("*.sqlite3")), "the upgrade backup is part of the check"
    assert (data / "logs").is_dir()
    app = open_app(Settings(data_dir=data))
    app.operator = Operator("tester", "tester", COUNTER_ROLES)
    try:
        nid, name, phone = PEOPLE[2]
        from eservice_desktop.services.intake import IntakeRequest, intake

        fields = {
            "registered_address": "桃園市桃園區中正路1號",
            "transcript_kind": "現戶",
            "record_detail": "省略記事",
        }
        number = intake(
            app, IntakeRequest("HR-TRANSCRIPT", nid, name, phone=phone, fields=fields)
        ).case_number
        assert app.sealer is not None
        DraftStore(data / "drafts" / "intake.json.sealed", app.sealer).save(
            {"applicant_id": nid, "applicant_name": name, "phone": phone}
        )
        assert name in {r.applicant_name for r in cases.queue(app, "all")}
        assert number
        # while the program runs (WAL not folded in) and after it closed
        assert _grep(data, running=True) == []
    finally:
        app.close()
    assert _grep(data, running=False) == []
