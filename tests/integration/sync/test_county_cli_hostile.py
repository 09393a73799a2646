"""The county's own command line (IT's ``eservice-county-server``) answers files that are no
input (endless, not text, not JSON, a folder) and unwritable outputs with exit 2 and one line
on stderr in zh-TW (the language by default), never a traceback, and reads no further than an
input can be long."""

from __future__ import annotations

import os
import re
import resource
import subprocess
from pathlib import Path

import pytest
from sync_helpers import PY, ROOT, county_env

#: CJK ideographs and the full-width punctuation Chinese text uses.
HAN = re.compile(r"[\u3001-\u303f\u3400-\u9fff\uff01-\uff1f]")


def county(tmp_path: Path, *argv: str) -> subprocess.CompletedProcess[str]:
    """One county command over a SQLite database, its address space capped at 2 GB (a file
    read whole that never ends fails with MemoryError there, not in the machine)."""

    def cap() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))

    return subprocess.run(
        [PY, "-m", "eservice_desktop.county.cli", *argv,
         "--db", f"sqlite:///{tmp_path / 'county.sqlite3'}"],
        capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL,
        preexec_fn=cap, cwd=ROOT, env={**county_env(), "ESERVICE_LANG": ""},
    )  # fmt: skip


@pytest.mark.parametrize(
    "argv",
    [
        ["publish", "catalogue", "/dev/zero"],
        ["publish", "catalogue", "{tmp}/latin1.json"],
        ["publish", "catalogue", "{tmp}/not.json"],
        ["publish", "calendar", "{tmp}/not.json"],  # no year: the name is no year either
        ["publish", "calendar", "/dev/zero", "--year", "2026"],
        ["publish", "calendar", "{tmp}/not.json", "--year", "2026"],  # no DGPA calendar
        ["publish", "calendar", "{tmp}/2027.csv", "--year", "2026"],  # another year's
        ["publish", "calendar", "{tmp}/header.csv", "--year", "2026"],  # no day at all
        ["publish", "crl", "/dev/zero"],
        ["publish", "crl", "{tmp}"],
        ["registry", "import", "/dev/zero"],
        ["report", "usage", "--from", "2026-01-01", "--to", "2026-12-31", "--html", "{tmp}"],
        ["channel", "create", "web\nportal", "--kind", "web"],
        ["revoke", "H01-99"],
    ],
)
def test_county_commands_refuse_in_one_line(tmp_path: Path, argv: list[str]) -> None:
    (tmp_path / "latin1.json").write_bytes(b'{"services": "\xe9"}')
    (tmp_path / "not.json").write_text("services", encoding="utf-8")
    header = "西元日期,星期,是否放假,備註\n"
    (tmp_path / "header.csv").write_text(header, encoding="utf-8")
    (tmp_path / "2027.csv").write_text(header + "20270101,五,2,開國紀念日\n", encoding="utf-8")
    out = county(tmp_path, *(a.replace("{tmp}", str(tmp_path)) for a in argv))
    assert out.returncode == 2, out
    assert out.stderr.count("\n") == 1 and "Traceback" not in out.stderr, out.stderr
    assert HAN.search(out.stderr) and not re.search(r"[a-z]+ [a-z]+ [a-z]+", out.stderr), out


def _county_db(db: str, *argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [PY, "-m", "eservice_desktop.county.cli", *argv, "--db", db],
        capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL,
        cwd=ROOT, env={**county_env(), "ESERVICE_LANG": ""},
    )  # fmt: skip


@pytest.mark.parametrize(
    ("db", "argv"),
    [
        ("not a url", ["stats"]),
        ("not a url", ["serve", "--port", "0"]),
        ("postgresql+psycopg://county:s3cret-pw@127.0.0.1:1/county", ["serve", "--port", "0"]),
        ("sqlite:////nonexistent-folder/county.sqlite3", ["stats"]),
        ("{sqlite}", ["serve", "--port", "0", "--tls-cert", "/nonexistent/cert.pem"]),
        # another database, or a driver not installed: ModuleNotFoundError's traceback
        ("mysql://county:s3cret-pw@127.0.0.1/county", ["stats"]),
        ("oracle://county:s3cret-pw@127.0.0.1/county", ["db", "current"]),
        ("postgresql+asyncpg://county:s3cret-pw@127.0.0.1/county", ["serve", "--port", "0"]),
        ("nosuchdb://county", ["stats"]),  # NoSuchModuleError's
    ],
)
def test_a_bad_database_url_or_tls_file_is_one_line(
    tmp_path: Path, db: str, argv: list[str]
) -> None:
    """--db that is no URL or does not connect, and a --tls-cert that is not there, were
    tracebacks (ArgumentError, OperationalError, an OSError naming no file)."""
    db = db.replace("{sqlite}", f"sqlite:///{tmp_path / 'county.sqlite3'}")
    out = _county_db(db, *argv)
    assert out.returncode == 2, out
    assert out.stderr.count("\n") == 1 and "Traceback" not in out.stderr, out.stderr
    assert HAN.search(out.stderr) and "s3cret-pw" not in out.stderr, out.stderr
    assert not re.search(r"[a-z]+ [a-z]+ [a-z]+", out.stderr), out.stderr  # no English half
    if "--tls-cert" in argv:
        assert "/nonexistent/cert.pem" in out.stderr
    if db.startswith(("mysql", "oracle", "postgresql+asyncpg", "nosuchdb")):
        assert "僅支援 SQLite 或 PostgreSQL" in out.stderr, out.stderr


@pytest.mark.parametrize("port", ["99999", "-1", "http"])
def test_a_port_outside_0_to_65535_is_refused(tmp_path: Path, port: str) -> None:
    out = _county_db(f"sqlite:///{tmp_path / 'county.sqlite3'}", "serve", "--port", port)
    assert out.returncode == 2 and "Traceback" not in out.stderr, out.stderr
    assert "0 到 65535" in out.stderr


@pytest.mark.parametrize("target", ["{tmp}/pipe.html", "/dev/full"])
def test_a_report_page_into_a_pipe_or_a_device_is_refused_unwritten(
    tmp_path: Path, target: str
) -> None:
    """``report --html`` into a named pipe waited for a reader for good; into /dev/full it
    said 「無法存取 （磁碟空間已滿）」, naming no file. Refused as the office's exports refuse
    such a target."""
    os.mkfifo(tmp_path / "pipe.html")
    target = target.replace("{tmp}", str(tmp_path))
    argv = ["report", "usage", "--from", "2026-01-01", "--to", "2026-12-31", "--html", target]
    out = county(tmp_path, *argv)
    assert out.returncode == 2 and out.stdout == "", out
    assert out.stderr.count("\n") == 1 and target in out.stderr, out.stderr
    assert "不是檔案（資料夾、裝置或管道）" in out.stderr, out.stderr


@pytest.mark.parametrize(
    ("option", "name"),
    [
        ("--out", "county-\n2026-12-05.sqlite3"),
        ("--out", "county-\x1b[31m.sqlite3"),
        ("--html", "report\u202elmth.exe"),
        ("--html", "usage\r.html"),
    ],
)
def test_an_output_name_with_a_control_character_is_refused_unwritten(
    tmp_path: Path, option: str, name: str
) -> None:
    """``backup --out`` and ``report --html`` wrote a file whose name held a line end, a
    terminal's escape or a right-to-left override (``ls`` and the scripts rotating backups
    read one file as two lines; ``report<RLO>lmth.exe`` showed as ``reportexe.html``):
    refused as the office's exports refuse one, nothing written."""
    target = str(tmp_path / "out" / name)
    (tmp_path / "out").mkdir()
    if option == "--out":
        argv = ["backup", "--out", target]
    else:
        argv = ["report", "usage", "--from", "2026-01-01", "--to", "2026-12-31", "--html", target]
    out = county(tmp_path, *argv)
    assert out.returncode == 2 and out.stdout == "", out
    assert out.stderr.count("\n") == 1 and "Traceback" not in out.stderr, out.stderr
    assert f"{option} 的檔名含有不允許的字元" in out.stderr, out.stderr
    assert list((tmp_path / "out").iterdir()) == []


@pytest.mark.parametrize(
    "argv",
    [
        ["keys", "rotate", "--key-file", "/dev/zero"],
        ["secret", "change", "--new-key-file", "/dev/zero"],
    ],
    ids=["key-file", "new-key-file"],
)
def test_an_endless_key_file_is_refused_unread(tmp_path: Path, argv: list[str]) -> None:
    """The key file was read whole: /dev/zero took the machine's memory (here, capped at 2 GB,
    MemoryError's traceback). Read no further than a key file can be long."""
    out = county(tmp_path, *argv)
    assert out.returncode == 2, out
    assert out.stderr.count("\n") == 1 and "Traceback" not in out.stderr, out.stderr
    assert "/dev/zero 過大（上限 64 KB）" in out.stderr, out.stderr


@pytest.mark.parametrize("action", ["add", "password"])
def test_a_password_on_standard_input_that_never_ends_is_refused_unread(
    tmp_path: Path, action: str
) -> None:
    """``operator add|password --password-stdin < /dev/zero`` read one line until the memory was
    gone (MemoryError's traceback under a 2 GB cap); a line past 4,096 characters is refused."""

    def cap() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))

    argv = ["operator", action, "clerk07", "--office", "H01", "--password-stdin"]
    if action == "add":
        argv += ["--name", "王小華", "--role", "clerk"]
    with open("/dev/zero", "rb") as zeros:
        out = subprocess.run(
            [PY, "-m", "eservice_desktop.county.cli", *argv,
             "--db", f"sqlite:///{tmp_path / 'county.sqlite3'}"],
            capture_output=True, text=True, timeout=120, stdin=zeros, preexec_fn=cap,
            cwd=ROOT, env={**county_env(), "ESERVICE_LANG": ""},
        )  # fmt: skip
    assert out.returncode == 2, out
    assert out.stderr.count("\n") == 1 and "Traceback" not in out.stderr, out.stderr
    assert "標準輸入的第一行過長（上限 4096 字）" in out.stderr, out.stderr
