"""Redaction of the fully formatted record, private log files, crashes written to the log."""

from __future__ import annotations

import json
import logging
import stat
import subprocess
import sys
import textwrap
from pathlib import Path

from eservice_desktop import logs

ROOT = Path(__file__).resolve().parents[3]


def _raise_with_personal_data(nid: str, phone: str) -> None:
    applicant_id = nid  # a local in the traceback's frame text too  # noqa: F841
    raise ValueError(f"lookup failed for {nid} ({phone})")


def _log_and_read(tmp_path: Path, json_lines: bool) -> str:
    log_dir = tmp_path / "logs"
    logs.setup_logging(log_dir, json_lines=json_lines)
    log = logging.getLogger("eservice.test")
    try:
        _raise_with_personal_data("F229384752", "0933-518-274")
    except ValueError:
        log.exception("intake of %s failed, phone %s", "Q120486135", "0958207316")
    log.warning("stack", stack_info=True)
    for h in logging.getLogger("eservice").handlers:
        h.flush()
    text = (log_dir / "eservice.log").read_text(encoding="utf-8")
    logs.setup_logging(None)
    return text


def test_message_arguments_exception_and_traceback_are_redacted(
    tmp_path: Path, expect_error_logs: list[str]
) -> None:
    for json_lines in (False, True):
        text = _log_and_read(tmp_path / str(json_lines), json_lines)
        assert "lookup failed for F2********" in text  # exception text, in the traceback
        assert "Q1********" in text and "09********" in text
        assert "Traceback" in text and "_raise_with_personal_data" in text
        for raw in ("F229384752", "Q120486135", "0958207316", "0933-518-274", "0933518274"):
            assert raw not in text, (json_lines, raw)
        if json_lines:
            records = [json.loads(line) for line in text.splitlines()]
            assert any("exc" in r for r in records)


def test_log_files_are_the_owners_only(tmp_path: Path, expect_error_logs: list[str]) -> None:
    _log_and_read(tmp_path, False)
    assert stat.S_IMODE((tmp_path / "logs").stat().st_mode) == 0o700
    assert stat.S_IMODE((tmp_path / "logs" / "eservice.log").stat().st_mode) == 0o600


def test_uncaught_exception_and_fatal_signal_reach_the_log_directory(tmp_path: Path) -> None:
    script = textwrap.dedent(
        """
        import sys
        from pathlib import Path
        from eservice_desktop import logs
        log_dir = Path(sys.argv[1])
        logs.setup_logging(log_dir)
        logs.install_crash_handlers(log_dir)
        if sys.argv[2] == "raise":
            raise RuntimeError("card of R273654197 rejected")
        import faulthandler
        faulthandler._sigsegv()
        """
    )
    env = {"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"}
    for mode in ("raise", "segv"):
        done = subprocess.run(
            [sys.executable, "-c", script, str(tmp_path), mode],
            capture_output=True,
            text=True,
            env=env,
            timeout=60,
        )
        assert done.returncode != 0
    text = (tmp_path / "eservice.log").read_text(encoding="utf-8")
    assert "uncaught exception" in text and "RuntimeError: card of R2********" in text
    assert "R273654197" not in text
    crash = (tmp_path / logs.CRASH_FILE).read_text(encoding="utf-8")
    assert "Fatal Python error" in crash
    assert stat.S_IMODE((tmp_path / logs.CRASH_FILE).stat().st_mode) == 0o600
