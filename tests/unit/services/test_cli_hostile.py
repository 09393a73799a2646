"""Issue 11: every CLI command answers bad input and environmental failures with exit 2 and one
line in the user's language, and stores nothing or everything. Driven in-process (main([...]))."""

from __future__ import annotations

import io
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from eservice_desktop.cli.main import main
from eservice_desktop.config import Settings
from eservice_desktop.storage import db, dbkey

FIELDS = [
    "--field", "registered_address=桃園市桃園區中正路1號",
    "--field", "transcript_kind=現戶",
    "--field", "record_detail=省略記事",
]  # fmt: skip


KEY_DIR: list[Path] = []


@pytest.fixture
def data(tmp_path: Path, template_db: Path, db_key_dir: Path) -> Path:
    KEY_DIR[:] = [db_key_dir]
    d = tmp_path / "data"
    d.mkdir()
    shutil.copy(template_db, d / "eservice.sqlite3")
    (d / "keys").mkdir()  # the database's key, where an installed counter keeps it
    shutil.copy(db_key_dir / dbkey.KEY_FILE, d / "keys" / dbkey.KEY_FILE)
    return d


@pytest.fixture
def run(data: Path, capsys: pytest.CaptureFixture[str]) -> Callable[..., tuple[int, str, str]]:
    def call(*argv: str, lang: str = "en") -> tuple[int, str, str]:
        try:
            rc = main(
                ["--data-dir", str(data), "--office", "H01", "--device", "01", "--lang", lang,
                 *argv]
            )  # fmt: skip
        except SystemExit as e:  # argparse refusals
            rc = int(e.code or 0)
        out = capsys.readouterr()
        return rc, out.out, out.err

    return call


def _connect(data: Path, read_only: bool = True) -> Any:
    """The office database through its own (possibly encrypted) connection."""
    return db.raw_connect(
        Settings(data_dir=data, office_code="H01", device_id="01", db_key_dir=str(KEY_DIR[0])),
        read_only=read_only,
    )


def events(data: Path) -> int:
    c = _connect(data)
    try:
        return int(c.execute("SELECT count(*) FROM events").fetchone()[0])
    finally:
        c.close()


def intake(*extra: str, name: str = "王小明") -> list[str]:
    return ["case", "intake", "--service", "HR-TRANSCRIPT", "--applicant-id", "A123456789",
            "--applicant-name", name, *FIELDS, *extra]  # fmt: skip


def one_line_refusal(result: tuple[int, str, str]) -> str:
    rc, _out, err = result
    assert rc == 2, result
    assert err.count("\n") == 1 and "Traceback" not in err, err
    return err


@pytest.mark.parametrize(
    "argv",
    [
        ["--clerk", "someone", *intake()],  # free-text clerk names are gone
        intake(name="王\x00明"),
        intake(name="王\udcff明"),  # an undecodable byte (surrogateescape)
        ["case", "show", "\ud800"],
        ["pickup", "verify", "\ud800"],
        intake(name="王\x1b[31m明"),
        intake(name="王\u202e明"),
        intake(name="王\uffff"),
        intake("--email", "a\x00@b.tw"),
        intake("--email", "x" * 300 + "@b.tw"),
        intake("--received", "2100-01-02T10:00"),
        intake("--received", "0001-01-01T00:00:00+14:00"),
        intake("--received", "9999-12-31T23:59:59-12:00"),
        intake("--field", "no_such_key=1"),
        intake("--copies", "1000"),
        ["case", "search", "王", "--limit", "-1"],
        ["case", "search", "王", "--limit", "10000000000"],
        ["pickup", "ready", "--limit", "-1"],
        ["payment", "record", "H01-01-115-000001-9", "--method", "cash", "--amount", "100",
         "--tendered", str(10**30)],
        ["calendar", "due", "--received", "2026-03-02T09:00", "--working-days", str(10**7)],
        ["calendar", "due", "--received", "0001-01-01T00:00:00+14:00", "--working-days", "3"],
        ["report", "closing", "--date", "0001-01-01", "--out", "x.pdf"],
        ["demo", "seed", "--cases", "-5"],
    ],
)  # fmt: skip
def test_garbage_is_refused_with_one_line_and_nothing_stored(
    run: Callable[..., tuple[int, str, str]], data: Path, argv: list[str]
) -> None:
    before = events(data)
    one_line_refusal(run(*argv))
    assert events(data) == before


def test_messages_are_in_the_users_language(run: Callable[..., tuple[int, str, str]]) -> None:
    err = one_line_refusal(run(*intake("--received", "2100-01-02T10:00"), lang="zh_TW"))
    assert "範圍" in err or "不可" in err


def test_closing_to_an_unwritable_path(run: Callable[..., tuple[int, str, str]]) -> None:
    err = one_line_refusal(
        run("report", "closing", "--date", "2026-03-02", "--out", "/proc/no/closing.pdf")
    )
    assert "/proc/no" in err


def test_cli_refuses_a_pin_the_gui_would_refuse(
    run: Callable[..., tuple[int, str, str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("1" * 300 + "\n"))
    err = one_line_refusal(run("card", "verify", "--pin-stdin"))
    assert "PIN" in err and "1" * 20 not in err


def _full_disk(monkeypatch: pytest.MonkeyPatch, data: Path, spare_pages: int) -> None:
    """SQLite's max_page_count on every connection: the database cannot grow past it."""
    c = _connect(data)
    try:
        pages = int(c.execute("PRAGMA page_count").fetchone()[0])
    finally:
        c.close()
    original = db._sqlite_pragmas

    def pragmas(dbapi_conn: Any, record: Any) -> None:
        original(dbapi_conn, record)
        dbapi_conn.execute(f"PRAGMA max_page_count = {pages + spare_pages}")

    monkeypatch.setattr(db, "_sqlite_pragmas", pragmas)


def test_a_full_disk_is_one_line_and_the_demo_seed_leaves_no_half(
    run: Callable[..., tuple[int, str, str]], data: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _full_disk(monkeypatch, data, spare_pages=40)
    err = one_line_refusal(run("demo", "seed", "--cases", "3000", "--seed", "1"))
    assert "full" in err
    assert events(data) == 0  # all or nothing
    c = _connect(data)
    try:
        assert c.execute("SELECT count(*) FROM cases").fetchone()[0] == 0
        assert c.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        c.close()


def test_a_full_disk_during_intake_is_one_line(
    run: Callable[..., tuple[int, str, str]], data: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _full_disk(monkeypatch, data, spare_pages=0)
    for _ in range(300):  # the free pages fill up after some cases
        before = events(data)
        result = run(*intake())
        if result[0] != 0:
            assert "full" in one_line_refusal(result)
            assert events(data) == before  # the failed intake stored nothing
            return
    pytest.fail("the database never filled up")


def test_a_locked_database_is_one_line(
    run: Callable[..., tuple[int, str, str]], data: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    original = db._sqlite_pragmas

    def pragmas(dbapi_conn: Any, record: Any) -> None:
        original(dbapi_conn, record)
        dbapi_conn.execute("PRAGMA busy_timeout = 100")

    monkeypatch.setattr(db, "_sqlite_pragmas", pragmas)
    holder = _connect(data, read_only=False)
    holder.isolation_level = None
    holder.execute("BEGIN EXCLUSIVE")
    try:
        err = one_line_refusal(run(*intake()))
        assert "in use" in err or "locked" in err or "database" in err
    finally:
        holder.execute("ROLLBACK")
        holder.close()


ARG_TEXT = st.one_of(
    st.text(max_size=40),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.sampled_from(["0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-12:00", "2100-01-01",
                     "nan", "inf", "-1", "", "H01-01-115-000001-9", "\ud800", "\u202e"]),
)  # fmt: skip
COMMANDS = [
    lambda a, b: intake("--received", a, "--email", b),
    lambda a, b: intake("--copies", a, "--phone", b),
    lambda a, b: intake("--field", f"{a}={b}"),
    lambda a, b: ["--clerk", a, *intake(name=b)],
    lambda a, b: ["case", "search", a, "--limit", b],
    lambda a, b: ["case", "show", a],
    lambda a, b: ["case", "close", a, "--note", b],
    lambda a, b: ["case", "reject", a, "--reason", b],
    lambda a, b: ["payment", "record", a, "--method", "cash", "--amount", b],
    lambda a, b: ["payment", "assess", a, "--reduction", b],
    lambda a, b: ["payment", "refund", a, "--amount", b, "--reason", "x"],
    lambda a, b: ["calendar", "due", "--received", a, "--working-days", b],
    lambda a, b: ["report", "closing", "--date", a, "--out", "r.csv"],
    lambda a, b: ["report", "reconciliation", "--from", a, "--to", b, "--out", "r.csv"],
    lambda a, b: ["pickup", "verify", a],
    lambda a, b: ["pickup", "ready", "--limit", a],
    lambda a, b: ["receipt", "check", a, b],
    lambda a, b: ["receipt", "void", a, "--reason", b],
    lambda a, b: ["demo", "seed", "--cases", a, "--days", b],
]


@settings(
    max_examples=120,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(st.sampled_from(range(len(COMMANDS))), ARG_TEXT, ARG_TEXT)
def test_fuzzed_arguments_never_give_a_traceback(
    run: Callable[..., tuple[int, str, str]], command: int, a: str, b: str
) -> None:
    argv = COMMANDS[command](a, b)
    if argv[:2] == ["demo", "seed"]:
        argv = ["demo", "seed", "--cases", str(min(abs(int(a)), 30)) if a.lstrip("-").isdigit()
                else a, "--days", b]  # fmt: skip
    rc, _out, err = run(*argv)
    assert rc in (0, 2, 3), (argv, rc, err)
    assert "Traceback" not in err
    if rc == 2:
        assert err.count("\n") == 1, err


def test_a_department_desk_set_up_by_cli_refuses_a_household_service_with_exit_2(
    data: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    base = ["--data-dir", str(data), "--lang", "zh_TW"]
    assert main([*base, "setup", "--office", "D01"]) == 0
    capsys.readouterr()
    before = events(data)
    assert main([*base, *intake()]) == 2
    err = capsys.readouterr().err
    assert "不由本機關（桃園市政府社會局）受理" in err and "戶政事務所" in err, err
    assert events(data) == before
    ok = ["case", "intake", "--service", "SA-EMERGENCY-AID", "--applicant-id", "A123456789",
          "--applicant-name", "王小明", "--pickup", "mail",
          "--field", "child_count=2", "--field", "hardship=重大傷病", "--json"]  # fmt: skip
    assert main([*base, *ok]) == 0
    assert '"D01-01-' in capsys.readouterr().out
