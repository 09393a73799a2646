"""Issue 11: every CLI command answers bad input and environmental failures with exit 2 and one
line in the user's language, and stores nothing or everything. Driven in-process (main([...]))."""

from __future__ import annotations

import io
import json
import os
import resource
import shutil
import stat
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from eservice_desktop.cli.main import main
from eservice_desktop.config import Settings
from eservice_desktop.devices.crl import MAX_CRL_BYTES
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
        ["doctor", "--timeout", "nan"],  # ValueError from the socket
        ["doctor", "--timeout", "inf"],  # OverflowError: timestamp out of range
        ["doctor", "--timeout", "-1"],
        ["doctor", "--timeout", "1e400"],
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
    # the option as typed and what it got, not "received 超出合理範圍" (a bare English name)
    assert err.startswith("--received 超出合理範圍") and "「2100-01-02T10:00」" in err, err
    err = one_line_refusal(run(*intake("--received", "1999-01-02T10:00"), lang="en"))
    assert err.startswith("--received must be within 2000..2099 (got '1999-01-02T10:00')"), err


def test_closing_to_an_unwritable_path(run: Callable[..., tuple[int, str, str]]) -> None:
    err = one_line_refusal(
        run("report", "closing", "--date", "2026-03-02", "--out", "/proc/no/closing.pdf")
    )
    assert "/proc/no" in err


def test_an_export_into_a_folder_that_takes_no_file_names_the_export(
    run: Callable[..., tuple[int, str, str]],
) -> None:
    """/proc exists but takes no new file: the refusal named the temporary file the export is
    written through (``/proc/.usage.pdf-x1y2z3.part``), a name the operator never gave."""
    period = ["--from", "2026-03-01", "--to", "2026-03-31"]
    for argv in (
        ["report", "usage", *period, "--pdf", "/proc/usage.pdf"],
        ["report", "reconciliation", *period, "--out", "/proc/recon.csv"],
    ):
        err = one_line_refusal(run(*argv))
        assert argv[-1] in err and ".part" not in err, err


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
        number = a.isascii() and a.lstrip("-").isdecimal()  # "²" is a digit, not a number
        argv = ["demo", "seed", "--cases", str(min(abs(int(a)), 30)) if number
                else a, "--days", b]  # fmt: skip
    rc, _out, err = run(*argv)
    assert rc in (0, 2, 3), (argv, rc, err)
    assert "Traceback" not in err
    if rc == 2:
        assert err.count("\n") == 1, err


@pytest.mark.parametrize("command", range(len(COMMANDS)))
def test_a_line_break_in_any_argument_is_refused_on_one_line(
    run: Callable[..., tuple[int, str, str]], command: int
) -> None:
    """A value echoed back in a refusal is shown escaped: a pasted line break (or tab, or escape)
    would otherwise split the one line other tools read (found by the fuzz above: ``--limit``
    given a line break)."""
    argv = COMMANDS[command]("1\n2\x1b[2J", "\n\t\r")
    if argv[:2] == ["demo", "seed"]:
        argv = ["demo", "seed", "--cases", "1\n", "--days", "\n"]
    rc, _out, err = run(*argv)
    assert rc in (2, 3), (argv, rc, err)  # 3: a pickup code that is no case's
    assert err.count("\n") == (rc == 2) and "\x1b" not in err and "\r" not in err, err


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


def _case_number(run: Callable[..., tuple[int, str, str]]) -> str:
    rc, out, err = run(*intake("--json"))
    assert rc == 0, err
    return str(json.loads(out)["case_number"])


@pytest.mark.parametrize(
    "argv",
    [
        lambda case, tmp: ["case", "attach", case, str(tmp / "scan\n\x1b[2J.png")],
        lambda case, tmp: ["calendar", "import", str(tmp / "115\r\n年.csv")],
        lambda case, tmp: intake("--document", "戶口名簿\n影本"),
        lambda case, tmp: ["backup", "verify", str(tmp / "copy\n.bak")],
    ],
)
def test_a_line_break_in_a_file_name_or_text_is_not_echoed_raw(
    run: Callable[..., tuple[int, str, str]],
    tmp_path: Path,
    argv: Callable[[str, Path], list[str]],
) -> None:
    """Values the services put into their messages (a file's name, a document's name) are
    shown escaped like the CLI's own: one line, no terminal control."""
    err = one_line_refusal(run(*argv(_case_number(run), tmp_path)))
    assert "\x1b" not in err and "\r" not in err, err


def test_a_calendar_file_in_no_known_encoding_is_one_line(
    run: Callable[..., tuple[int, str, str]], tmp_path: Path
) -> None:
    f = tmp_path / "calendar.csv"
    f.write_bytes("西元日期,星期,是否放假,備註\n".encode() + b"\x80\xff\xfe\x81\x00\n")
    err = one_line_refusal(run("calendar", "import", str(f)))
    assert "calendar.csv" in err


def test_a_database_key_file_that_is_not_text_is_one_line(
    run: Callable[..., tuple[int, str, str]], tmp_path: Path
) -> None:
    f = tmp_path / "db.key"
    f.write_bytes(b"\xff\xfe" + b"\x00" * 62)
    one_line_refusal(run("db", "key", "import", str(f)))


@pytest.mark.parametrize(
    "argv",
    [
        ["login", "demo01", "--password-stdin"],
        ["operator", "add", "clerk9", "--name", "王小華", "--roles", "clerk", "--password-stdin"],
    ],
)
def test_undecodable_bytes_on_standard_input_are_one_line(
    run: Callable[..., tuple[int, str, str]], monkeypatch: pytest.MonkeyPatch, argv: list[str]
) -> None:
    """A password piped from a file in another encoding arrives as lone surrogates (Python
    reads standard input with surrogateescape): refused like such an argument."""
    monkeypatch.setattr("sys.stdin", io.StringIO("passw\udcffrd1234\n"))
    err = one_line_refusal(run(*argv))
    assert "undecodable" in err


def test_an_approvers_undecodable_password_is_one_line(
    run: Callable[..., tuple[int, str, str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    case = _case_number(run)
    monkeypatch.setattr("sys.stdin", io.StringIO("passw\udcffrd1234\n"))
    argv = ["payment", "assess", case, "--exempt", "--reason", "低收入戶",
            "--approver", "sup01", "--approver-password-stdin"]  # fmt: skip
    assert "undecodable" in one_line_refusal(run(*argv))


@pytest.mark.parametrize(
    "content",
    [b'{"office_code": "H01", \xff', b"[1, 2]", b'{"idle_lock_min": "ten"}', b"{"],
)
def test_a_damaged_settings_file_is_one_line(
    run: Callable[..., tuple[int, str, str]], data: Path, content: bytes
) -> None:
    (data / "settings.json").write_bytes(content)
    err = one_line_refusal(run("case", "search", "王"))
    assert "settings.json" in err


def test_a_bad_setting_in_the_environment_is_one_line(
    run: Callable[..., tuple[int, str, str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ESERVICE_IDLE_LOCK_MIN", "ten")
    err = one_line_refusal(run("case", "search", "王"))
    assert "ESERVICE_IDLE_LOCK_MIN" in err


@pytest.mark.parametrize("where", ["not-a-dir", "/dev/full"])
def test_a_data_dir_that_is_a_file_is_one_line(tmp_path: Path, where: str) -> None:
    """Before the log is set up (its folder cannot be made): a real process, so nothing but the
    one line reaches stderr (Python's last-resort handler printed the log's warning too)."""
    f = tmp_path / where
    f.write_text("x") if where == "not-a-dir" else None
    out = subprocess.run(
        [sys.executable, "-m", "eservice_desktop.cli.main", "--data-dir", str(f), "--lang", "en",
         "case", "search", "王"],
        capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL,
    )  # fmt: skip
    assert out.returncode == 2, out
    assert out.stderr.count("\n") == 1 and "Cannot access" in out.stderr, out.stderr


def test_an_export_never_replaces_what_is_not_a_file(
    run: Callable[..., tuple[int, str, str]], tmp_path: Path
) -> None:
    """``--csv /dev/stdout`` (run as root) replaced the device's link with a file: an export
    only ever replaces a regular file; a folder is named as such, no temporary file left."""
    fifo = tmp_path / "usage.csv"
    os.mkfifo(fifo)
    folder = tmp_path / "folder.csv"
    folder.mkdir()
    period = ["--from", "2026-01-01", "--to", "2026-12-31"]
    for target in (fifo, folder):
        err = one_line_refusal(run("report", "usage", *period, "--csv", str(target)))
        assert target.name in err and ".part" not in err, err
    assert stat.S_ISFIFO(fifo.lstat().st_mode)
    assert folder.is_dir() and not list(folder.iterdir())
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data", "folder.csv", "usage.csv"]


@pytest.mark.parametrize(
    ("server", "code"),
    [
        ("http://[::1", "ABCD-EFGH-JKLM"),  # urlsplit: "Invalid IPv6 URL"
        ("http://127.0.0.1:9", "X"),  # shorter than any code: the wire schema's error
        ("http://127.0.0.1:9", "A" * 65),
    ],
)
def test_enrolment_with_a_malformed_url_or_code_is_one_line(
    run: Callable[..., tuple[int, str, str]], server: str, code: str
) -> None:
    rc, _out, err = run("sync", "enrol", "--server", server, "--code", code)
    assert rc in (1, 2), (rc, err)  # 1: the sync settings are wrong, as for any county URL
    assert err.count("\n") == 1 and "Traceback" not in err, err


def _run_with_memory_cap(data: Path, *argv: str) -> subprocess.CompletedProcess[str]:
    """The CLI in a process of its own whose address space is capped at 2 GB: a file read
    whole that never ends (/dev/zero) fails there with MemoryError instead of taking the
    machine's memory."""

    def cap() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))

    return subprocess.run(
        [sys.executable, "-m", "eservice_desktop.cli.main", "--data-dir", str(data),
         "--lang", "en", *argv],
        capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL, preexec_fn=cap,
        env={**os.environ, "ESERVICE_DB_KEY_DIR": str(data / "keys")},
    )  # fmt: skip


@pytest.mark.parametrize(
    "argv", [["calendar", "import", "/dev/zero"], ["db", "key", "import", "/dev/zero"]]
)
def test_an_input_file_that_never_ends_is_refused_without_reading_it_all(
    data: Path, argv: list[str]
) -> None:
    out = _run_with_memory_cap(data, *argv)
    assert out.returncode == 2, out
    assert out.stderr.count("\n") == 1 and "Traceback" not in out.stderr, out.stderr


def test_a_stored_database_key_that_is_not_text_is_one_line(
    run: Callable[..., tuple[int, str, str]], data: Path
) -> None:
    (data / "keys" / dbkey.KEY_FILE).write_bytes(b"\xff\xfe" * 32)
    rc, _out, err = run("case", "search", "王")
    assert rc in (2, 3) and err.count("\n") == 1 and "Traceback" not in err, (rc, err)


#: JSON nested deeper than Python's parser goes: it raised RecursionError, a traceback.
DEEP_JSON = b"[" * 100_000 + b"]" * 100_000


@pytest.mark.parametrize(
    "content",
    [b"\xff\xfe{}", b"not json", b"[1, 2]", b'"keys"', DEEP_JSON],
    ids=["utf16", "text", "list", "string", "deep"],
)
def test_a_key_file_that_is_no_key_document_is_one_line(
    run: Callable[..., tuple[int, str, str]], tmp_path: Path, content: bytes
) -> None:
    f = tmp_path / "keys.json"
    f.write_bytes(content)
    one_line_refusal(run("pickup", "import-keys", str(f)))


def test_an_endless_key_file_or_revocation_list_is_refused_unread(
    data: Path, tmp_path: Path
) -> None:
    out = _run_with_memory_cap(data, "pickup", "import-keys", "/dev/zero")
    assert out.returncode == 2 and out.stderr.count("\n") == 1, out
    huge = tmp_path / "huge.crl"  # sparse: past the limit without taking the disk
    with huge.open("wb") as f:
        f.truncate(MAX_CRL_BYTES + 1)
    out = _run_with_memory_cap(data, "crl", "update", "--file", str(huge))
    assert out.returncode == 3 and "too_large" in out.stdout and "Traceback" not in out.stderr, out


@pytest.mark.parametrize("interval", ["0", "-5", "nan", "inf"])
def test_the_sync_service_refuses_an_interval_without_a_pause(data: Path, interval: str) -> None:
    """``sync run --interval 0`` (or less) asked a healthy county again at once, round after
    round; NaN failed in the wait. A process of its own: without the refusal it runs on."""
    out = subprocess.run(
        [sys.executable, "-m", "eservice_desktop.cli.main", "--data-dir", str(data),
         "--lang", "en", "sync", "run", "--interval", interval],
        capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL,
    )  # fmt: skip
    assert out.returncode == 2, out
    assert out.stderr.count("\n") == 1 and "--interval" in out.stderr, out.stderr


IMPORTS = [
    ["calendar", "import"],
    # a backup named by a pipe or a device was 「找不到備份檔 /dev/zero」: a file that was there
    ["backup", "restore"],
    ["backup", "verify"],
    ["payment", "settle-import"],
    ["pickup", "import-keys"],
    ["db", "key", "import"],
    ["crl", "update", "--file"],
]


@pytest.mark.parametrize("command", IMPORTS, ids=" ".join)
@pytest.mark.parametrize("kind", ["fifo", "/dev/zero"])
def test_an_import_of_a_pipe_or_a_device_is_refused_unopened(
    data: Path, tmp_path: Path, command: list[str], kind: str
) -> None:
    """A named pipe with no writer held the command for good (open() waits for one), and
    /dev/zero was read up to the file's limit and called too large or malformed: anything that
    is not a regular file is refused before it is read, in one line, with exit 2."""
    target = "/dev/zero"
    if kind == "fifo":
        target = str(tmp_path / "import.csv")
        os.mkfifo(target)
    for lang, why in (
        ("zh_TW", "是裝置或管道，不是一般檔案"),
        ("en", "a device or a pipe, not a regular file"),
    ):
        out = subprocess.run(
            [sys.executable, "-m", "eservice_desktop.cli.main", "--data-dir", str(data),
             "--lang", lang, *command, target],
            capture_output=True, text=True, timeout=30, stdin=subprocess.DEVNULL,
            env={**os.environ, "ESERVICE_DB_KEY_DIR": str(data / "keys")},
        )  # fmt: skip
        assert out.returncode == 2 and out.stderr.count("\n") == 1, out
        assert why in out.stderr and "Traceback" not in out.stderr, out


@pytest.mark.parametrize(
    "argv",
    [
        ["login", "clerk01", "--password-stdin"],
        ["operator", "passwd", "clerk01", "--own", "--password-stdin"],
        ["card", "verify", "--pin-stdin"],
    ],
    ids=["login", "passwd", "pin"],
)
def test_a_secret_on_standard_input_that_never_ends_is_refused_unread(
    data: Path, argv: list[str]
) -> None:
    """``--password-stdin < /dev/zero`` (or a file with no line end) read one line until the
    memory was gone: MemoryError's traceback under a 2 GB cap. One line of 4,096 characters
    at most is read: a longer one is refused, exit 2."""

    def cap() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))

    command = [sys.executable, "-m", "eservice_desktop.cli.main", "--data-dir", str(data),
               "--lang", "en", *argv]  # fmt: skip
    env = {**os.environ, "ESERVICE_DB_KEY_DIR": str(data / "keys")}
    with open("/dev/zero", "rb") as zeros:
        out = subprocess.run(command, capture_output=True, text=True, timeout=120, stdin=zeros,
                             preexec_fn=cap, env=env)  # fmt: skip
    assert out.returncode == 2, out
    assert out.stderr.count("\n") == 1 and "Traceback" not in out.stderr, out.stderr
    long_line = subprocess.run(command, capture_output=True, text=True, timeout=120,
                               input="a" * 10_000 + "\n", preexec_fn=cap, env=env)  # fmt: skip
    assert long_line.returncode == 2, long_line
    assert "too long (4096 characters at most)" in long_line.stderr, long_line.stderr
