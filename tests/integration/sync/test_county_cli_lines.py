"""The county server's command line answers as the office's does: argparse's refusals in one
line in the chosen language (zh-TW, or English with ``--lang en``), exit 2 (they were an
English usage block); output piped into a reader
that stops early (``| head``) is no error (it was "Cannot access  (Broken pipe)", exit 2); and
``targets list`` reads its filters, each checked as ``targets set`` checks it (a mistyped month
listed every target, exit 0)."""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from sync_helpers import PY, ROOT, county_env

from eservice_desktop.county import cli as county_cli

#: CJK ideographs and the full-width punctuation Chinese text uses.
HAN = re.compile(r"[\u3001-\u303f\u3400-\u9fff\uff01-\uff1f]")


def _run(monkeypatch: pytest.MonkeyPatch, *args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    monkeypatch.setattr("sys.stdout", out)
    monkeypatch.setattr("sys.stderr", err)
    try:
        code = county_cli.main(list(args))
    except SystemExit as e:  # argparse's refusals exit from the parser
        code = int(e.code or 0)
    return code, out.getvalue(), err.getvalue()


@pytest.mark.parametrize(
    ("args", "zh", "en"),
    [
        (["targets"], "缺少必要的參數", "the following arguments are required"),
        (["bogus"], "無效的選項", "invalid choice"),
        (["stats", "--bogus"], "無法辨識的參數", "unrecognized arguments"),
        (["serve", "--port", "99999"], "參數 --port：須介於 0 到 65535", "must be between"),
        (["serve", "--client-timeout", "0"], "須為 0.5 到 3600 秒：0", "0.5 to 3600 seconds"),
    ],
)
def test_argparse_refusals_are_one_line_in_the_chosen_language(
    monkeypatch: pytest.MonkeyPatch, args: list[str], zh: str, en: str
) -> None:
    monkeypatch.delenv("ESERVICE_LANG", raising=False)
    code, out, err = _run(monkeypatch, *args)
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and "usage:" not in err, err
    assert zh in err and en not in err, err
    code, out, err = _run(monkeypatch, "--lang", "en", *args)
    assert code == 2 and out == "" and err.count("\n") == 1, err
    assert en in err and not HAN.search(err), err


def test_output_into_a_closed_pipe_is_no_error(
    sqlite_county_db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    read_end, write_end = os.pipe()
    os.close(read_end)  # the reader has gone, as `| head` goes after its lines
    pipe = os.fdopen(write_end, "w", buffering=1)
    err = io.StringIO()
    monkeypatch.setattr(sys, "stdout", pipe)
    monkeypatch.setattr(sys, "stderr", err)
    try:
        code = county_cli.main(["stats", "--json", "--db", sqlite_county_db])
    finally:
        pipe.close()
    assert code == 0 and err.getvalue() == ""


@pytest.mark.parametrize("unbuffered", ["", "1"], ids=["buffered", "unbuffered"])
def test_an_answer_that_cannot_be_written_is_one_line_in_a_real_process(
    sqlite_county_db: str, unbuffered: str
) -> None:
    """As cron runs it (block-buffered) and as a unit with ``PYTHONUNBUFFERED=1`` does: into a
    reader gone, exit 0 and nothing said; into a full disk, exit 2 and one line saying the
    code was issued all the same. Buffered, both exited 120 with Python's two English lines
    (``Exception ignored in: <_io.TextIOWrapper name='<stdout>'…>``) after the code was made."""
    env = {k: v for k, v in county_env().items() if not k.startswith("PYTHONUNBUF")}
    env["ESERVICE_LANG"] = ""
    if unbuffered:
        env["PYTHONUNBUFFERED"] = unbuffered
    argv = [PY, "-m", "eservice_desktop.county.cli", "enrol-code", "--office", "H01", "--json",
            "--db", sqlite_county_db]  # fmt: skip

    def run(stdout: int) -> tuple[int, str]:
        p = subprocess.run(argv, stdin=subprocess.DEVNULL, stdout=stdout, stderr=subprocess.PIPE,
                           env=env, cwd=ROOT, timeout=120)  # fmt: skip
        return p.returncode, p.stderr.decode("utf-8")

    read_end, write_end = os.pipe()
    os.close(read_end)  # the reader has gone, as `| head -1` goes after its line
    try:
        assert run(write_end) == (0, "")
    finally:
        os.close(write_end)
    if Path("/dev/full").exists():
        with open("/dev/full", "wb") as full:
            code, err = run(full.fileno())
        assert code == 2 and err.count("\n") == 1, err
        assert "磁碟空間已滿" in err and "已執行完成" in err and "Exception" not in err, err


def test_targets_list_reads_and_checks_its_filters(
    sqlite_county_db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = ["--db", sqlite_county_db]
    for office, month, metric in (("H01", "2026-12", "cases"), ("H02", "2026-11", "online")):
        code, _, err = _run(
            monkeypatch, "targets", "set", "--office", office, "--department", "household",
            "--month", month, "--metric", metric, "--value", "40", *db,
        )  # fmt: skip
        assert code == 0, err
    listed = {
        f: _run(monkeypatch, "targets", "list", *f.split(), *db)[1].splitlines()
        for f in ("", "--office H01", "--month 2026-11", "--metric online")
    }
    assert len(listed[""]) == 2
    assert listed["--office H01"] == ["H01 2026-12 household cases 40"]
    assert (
        listed["--month 2026-11"]
        == listed["--metric online"]
        == ["H02 2026-11 household online 40"]
    )
    for bad in ("--month 2026-13", "--month abc", "--office H99", "--department 戶政"):
        code, out, err = _run(monkeypatch, "targets", "list", *bad.split(), *db)
        assert code == 2 and out == "", bad
        assert err.count("\n") == 1 and HAN.search(err) and " / " not in err, err


def test_targets_set_says_what_it_set_in_the_command_language(
    sqlite_county_db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``targets set`` printed ``{"published": {"H01": 25}}`` without --json: a feed number,
    in no language, where ``targets list`` answers in words. --json keeps that document."""
    import json

    one = ["targets", "set", "--office", "H01", "--department", "household", "--month"]
    db = ["--db", sqlite_county_db]
    code, out, _ = _run(monkeypatch, *one, "2026-12", "--value", "40", *db)
    assert code == 0
    assert out == "已設定目標 H01 2026-12 household cases 40；已發布至 H01，於下次同步送達\n"
    code, out, _ = _run(monkeypatch, "--lang", "en", *one, "2026-11", "--value", "7", *db)
    assert out.startswith("target set: H01 2026-11 household cases 7; published to H01")
    code, out, _ = _run(monkeypatch, *one, "2026-10", "--value", "7", "--json", *db)
    assert code == 0 and set(json.loads(out)["published"]) == {"H01"}


def test_channel_list_gives_times_with_their_zone(
    sqlite_county_db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    import json

    assert (
        _run(monkeypatch, "channel", "create", "web1", "--kind", "web", "--db", sqlite_county_db)[0]
        == 0
    )
    out = _run(monkeypatch, "channel", "list", "--db", sqlite_county_db)[1]
    (channel,) = json.loads(out)["channels"]
    assert channel["created_at"].endswith("+00:00"), channel


def test_a_missing_or_unusable_secret_is_said_in_either_language(
    sqlite_county_db: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The zh-TW line named what was missing in English ("：no passphrase or key file")."""
    monkeypatch.delenv("ESERVICE_COUNTY_PASSPHRASE", raising=False)
    monkeypatch.delenv("ESERVICE_COUNTY_KEY_FILE", raising=False)
    monkeypatch.delenv("ESERVICE_LANG", raising=False)
    empty = tmp_path / "empty.key"
    empty.write_bytes(b"")
    for extra in ([], ["--key-file", str(tmp_path / "none.key")], ["--key-file", str(empty)]):
        command = ("keys", "rotate", "--db", sqlite_county_db, *extra)
        code, _, en = _run(monkeypatch, "--lang", "en", *command)
        assert code == 2 and en.count("\n") == 1 and not HAN.search(en), en
        code, _, zh = _run(monkeypatch, *command)
        assert code == 2 and zh.count("\n") == 1, zh
        assert not re.search(r"[A-Za-z]{3,} [a-z]{3,}", zh.replace("--key-file", "")), zh


@pytest.mark.parametrize(
    "url",
    [
        "sqlite://",
        "sqlite:///",
        "sqlite:///:memory:",
        "sqlite+pysqlite:///:memory:",
        "sqlite:///file::memory:?cache=shared",
        "sqlite:///file:county?mode=memory&uri=true",
    ],
)
def test_an_sqlite_database_in_memory_is_refused(
    url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``--db sqlite://`` (a slash short, or none) is SQLite's database in memory:
    ``enrol-code`` printed a code stored nowhere (the office's enrolment then failed), ``db
    upgrade`` said it upgraded, and ``serve`` would run a county whose devices, events and
    signing keys were gone at its next start. (No passphrase: a build that let the URL
    through stops at the secret for ``serve``, not in a running server.)"""
    monkeypatch.delenv("ESERVICE_COUNTY_PASSPHRASE", raising=False)
    monkeypatch.delenv("ESERVICE_COUNTY_KEY_FILE", raising=False)
    monkeypatch.delenv("ESERVICE_LANG", raising=False)
    monkeypatch.chdir(tmp_path)
    for command in (
        ["enrol-code", "--office", "H01"],
        ["db", "upgrade"],
        ["serve", "--port", "0"],
        ["devices"],
    ):
        code, out, err = _run(monkeypatch, *command, "--db", url)
        assert code == 2 and out == "" and err.count("\n") == 1, (command, out, err)
        assert "只存在記憶體中" in err and "sqlite:////" in err, err
        code, out, err = _run(monkeypatch, "--lang", "en", *command, "--db", url)
        assert code == 2 and out == "", (command, out, err)
        assert "in memory only" in err and not HAN.search(err), err
    monkeypatch.setenv("ESERVICE_COUNTY_DB", url)  # the environment's URL likewise
    code, out, err = _run(monkeypatch, "enrol-code", "--office", "H01")
    assert code == 2 and out == "" and "只存在記憶體中" in err
    assert list(tmp_path.iterdir()) == []  # nothing written anywhere


def test_an_sqlite_file_is_still_taken(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ESERVICE_LANG", raising=False)
    db = tmp_path / "county.sqlite3"
    code, out, err = _run(monkeypatch, "enrol-code", "--office", "H01", "--db", f"sqlite:///{db}")
    assert code == 0 and re.fullmatch(r"[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}\n", out), (out, err)
    assert db.exists()
