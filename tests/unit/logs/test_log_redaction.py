"""Redaction of the fully formatted record, private log files, crashes written to the log."""

from __future__ import annotations

import json
import logging
import stat
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from eservice_desktop import logs
from eservice_desktop.services.core import App

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


def test_a_database_error_carries_no_personal_data_into_the_log(
    app: App, tmp_path: Path, expect_error_logs: list[str]
) -> None:
    """A failing write (here a trigger on the real database refuses the case row) raises an
    error whose text used to hold every bound value: the applicant's name, ID number, phone
    and address. The background task runner and the sync service log such an error with its
    traceback, and the redaction knows ID and phone patterns, not names or addresses."""
    from factories import FIELDS, request

    from eservice_desktop.services.intake import intake

    with app.engine.begin() as c:
        c.exec_driver_sql(
            "CREATE TRIGGER refuse_cases BEFORE INSERT ON cases "
            "BEGIN SELECT RAISE(ABORT, 'disk I/O trouble'); END"
        )
    personal = ("林美華", "A123456789", "0912345678", FIELDS["registered_address"])
    req = request(applicant_name=personal[0], applicant_id=personal[1], phone=personal[2])
    logs.setup_logging(tmp_path / "logs")
    try:
        intake(app, req)
    except Exception as e:
        error = e
        logging.getLogger("eservice.tasks").error("background task failed", exc_info=e)
    else:
        raise AssertionError("the trigger did not refuse the case")
    for h in logging.getLogger("eservice").handlers:
        h.flush()
    text = (tmp_path / "logs" / "eservice.log").read_text(encoding="utf-8")
    logs.setup_logging(None)
    assert "disk I/O trouble" in text and "INSERT INTO cases" in text  # still says what failed
    for raw in personal:
        assert raw not in text, raw
        assert raw not in str(error), raw  # what the window shows of a failed task


def test_an_id_number_is_redacted_however_it_was_typed_and_whatever_is_next_to_it() -> None:
    """Next to Chinese text ``\\b`` saw no boundary (CJK characters are word characters), so
    "身分證A123456789已存在" went to the log whole; a clerk's lower case or full-width
    typing did too."""
    for raw, kept in (
        ("身分證A123456789已存在", "身分證A1********已存在"),
        ("統一證號：a823456789。", "統一證號：a8********。"),
        ("ＦＣ１２３４５６７８", "ＦＣ********"),
        ("(B234567890)", "(B2********)"),
    ):
        assert logs.redact(raw) == kept, raw
    for left in ("H01-01-115-000042-6", "A1234567890", "0193a1b2-a123-7456-8abc-a12345678901"):
        assert logs.redact(left) == left  # a case number, eleven digits, a UUID: no ID there


def test_a_file_names_time_stamp_is_kept_and_every_other_8_digit_run_masked() -> None:
    """ "backup taken: eservice-H01-01-closing-********T083015Z.sqlite3": the backup's own
    stamp read as a business number (統一編號); only that exact shape with a real day and
    time is kept."""
    name = "eservice-H01-01-closing-20261203T083015Z.sqlite3"
    assert logs.redact(f"backup taken: {name} (4096 bytes)") == f"backup taken: {name} (4096 bytes)"
    for raw in (
        "統編20261203",  # a business number shaped as a day
        "re-20261203-a1b2c3",
        "20261203T0830Z",  # no seconds
        "20261303T083015Z",  # no 13th month
        "12345678T083015Z",
        "20261203T083015Zx",
        "２０２６１２０３T083015Z",
    ):
        assert "1203" not in logs.redact(raw) and "5678" not in logs.redact(raw), raw


def test_a_mobile_number_is_redacted_with_spaces_or_in_full_width_digits() -> None:
    typed = ("0912 345 678", "+886 912 345 678", "０９１２３４５６７８", "０９１２　３４５　６７８")
    for raw in typed:
        assert logs.redact(f"電話{raw}號") == "電話09********號", raw


def test_an_e_mail_address_keeps_only_its_domain() -> None:
    assert logs.redact("550 <wang.xm+1@mail.example.tw> refused") == (
        "550 <***@mail.example.tw> refused"
    )
    assert logs.redact("to=citizen@example.com,") == "to=***@example.com,"


def test_the_county_server_redacts_uvicorn_s_records_too() -> None:
    """uvicorn's loggers had handlers of their own, so a 500's traceback ("Exception in ASGI
    application") reached the county's journal unredacted; the county CLI's handler takes
    them now."""
    script = textwrap.dedent(
        """
        import logging
        from eservice_desktop.county.cli import setup_logging
        from eservice_desktop.county.http_server import server_config

        setup_logging()
        server_config(object(), "127.0.0.1", 0)  # uvicorn configures its logging here
        try:
            raise ValueError("no case for A123456789, 0912 345 678, lin@example.tw")
        except ValueError:
            logging.getLogger("uvicorn.error").exception("Exception in ASGI application")
        """
    )
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, check=True
    )
    assert "Exception in ASGI application" in out.stderr and "Traceback" in out.stderr
    assert "A1********" in out.stderr and "***@example.tw" in out.stderr, out.stderr
    for raw in ("A123456789", "0912 345 678", "lin@"):
        assert raw not in out.stderr, out.stderr


class _FullDisk:
    """A log file's stream on a full disk."""

    def write(self, _text: str) -> int:
        raise OSError(28, "No space left on device")

    def flush(self) -> None:
        raise OSError(28, "No space left on device")

    def seek(self, _offset: int, _whence: int = 0) -> int:
        return 0

    def tell(self) -> int:
        return 0


def test_a_log_that_cannot_be_written_is_said_in_one_line_without_the_record(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], expect_error_logs: list[str]
) -> None:
    logs.setup_logging(tmp_path / "logs", stderr=True)
    handlers = [h for h in logging.getLogger("eservice").handlers if hasattr(h, "stream")]
    streams = [h.stream for h in handlers]  # type: ignore[attr-defined]
    for h in handlers:
        h.stream = _FullDisk()  # type: ignore[attr-defined]
    log = logging.getLogger("eservice.test")
    try:
        try:
            _raise_with_personal_data("F229384752", "0933-518-274")
        except ValueError:
            log.exception("intake of %s failed", "Q120486135")
        log.warning("and again for %s", "Q120486135")
    finally:
        for h, stream in zip(handlers, streams, strict=True):
            h.stream = stream  # type: ignore[attr-defined]
        logs.setup_logging(None)
    err = capsys.readouterr().err
    assert err.splitlines() == [
        "無法寫入紀錄 / the log could not be written (OSError: [Errno 28] No space left on device)"
    ] * len(handlers)
    assert len(handlers) == 2


def test_every_logger_of_the_package_is_under_the_one_that_writes_the_log() -> None:
    """The demo seed's logger was named after its module: its warnings reached no log file
    and Python printed them on stderr, unredacted."""
    import re

    named = re.compile(r"getLogger\(([^)]*)\)")
    outside = [
        f"{path.relative_to(ROOT)}: {name}"
        for path in (ROOT / "eservice_desktop").rglob("*.py")
        for name in named.findall(path.read_text(encoding="utf-8"))
        if name and not name.startswith(('"eservice"', '"eservice.'))
    ]
    assert outside == []
