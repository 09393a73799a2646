"""A script's standard output that the answer cannot reach: a reader gone (``| head``) or a file
on a full disk (``> log``). The real program in a process, block-buffered as cron and the Task
Scheduler run it, and unbuffered as a systemd unit with ``PYTHONUNBUFFERED=1`` runs it: the
same exit status and one line in the chosen language either way (the buffered one exited 120
with Python's ``Exception ignored in: <_io.TextIOWrapper name='<stdout>'…>`` lines), and a
case taken in is not said to be unstored."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from db_support import connect_db
from test_cli_cases import HR

FULL = Path("/dev/full")
BUFFERING = pytest.mark.parametrize("unbuffered", ["", "1"], ids=["buffered", "unbuffered"])


def _run(data_dir: Path, unbuffered: str, stdout: int, *args: str) -> tuple[int, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ESERVICE_", "PYTHONUNBUF"))}
    env["ESERVICE_DEMO"] = "1"
    if unbuffered:
        env["PYTHONUNBUFFERED"] = unbuffered
    argv = [sys.executable, "-m", "eservice_desktop", "--data-dir", str(data_dir), *args]
    p = subprocess.run(
        argv, stdin=subprocess.DEVNULL, stdout=stdout, stderr=subprocess.PIPE, env=env, timeout=120
    )
    return p.returncode, p.stderr.decode("utf-8")


def _cases(data_dir: Path) -> int:
    with connect_db(data_dir) as conn:
        return int(conn.execute("select count(*) from cases").fetchone()[0])


@BUFFERING
def test_an_intake_whose_answer_cannot_be_written_says_it_was_taken_in(
    tmp_path: Path, unbuffered: str
) -> None:
    if not FULL.exists():
        pytest.skip("no /dev/full here")
    data = tmp_path / "資料 目錄"
    name = ("--applicant-id", "A123456789", "--applicant-name", "王小明")
    for n, lang in enumerate(([], ["--lang", "en"]), start=1):
        with FULL.open("wb") as full:
            code, err = _run(data, unbuffered, full.fileno(), *lang, "case", "intake", *HR,
                             *name, "--json")  # fmt: skip
        assert code == 2, err
        assert "Traceback" not in err and "Exception ignored" not in err, err
        assert len(err.strip().splitlines()) == 1, err
        if lang:
            assert "could not be written to standard output" in err, err
            assert "carried out" in err and "nothing of this was stored" not in err, err
        else:
            assert "磁碟空間已滿" in err and "已執行完成" in err, err
            assert "沒有儲存" not in err, err
        assert "王小明" not in err and _cases(data) == n  # taken in, as the line says


@BUFFERING
def test_a_reader_gone_is_no_error_and_keeps_the_commands_status(
    tmp_path: Path, unbuffered: str
) -> None:
    data = tmp_path / "office"
    seeded, err = _run(data, "", subprocess.DEVNULL, "demo", "seed", "--cases", "3")
    assert seeded == 0, err
    runs = (
        (["case", "search", "王", "--json"], 0),
        (["doctor", "--no-network"], 1),
        (["--help"], 0),  # the help page, parsed before any command ran
    )
    for args, status in runs:
        read_end, write_end = os.pipe()
        os.close(read_end)  # the reader has gone, as `| head -1` goes after its line
        try:
            code, err = _run(data, unbuffered, write_end, *args)
        finally:
            os.close(write_end)
        assert (code, err) == (status, ""), (args, err)
