"""A rotation another process prevents: Windows does not rename a file open elsewhere (the
window keeps ``eservice.log`` open all day while IT's commands write to it too). The rotation
raised PermissionError, the handler was left without its file, and every later record of that
process was lost; now it writes on and tries the rotation again later."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from eservice_desktop import logs


def _file_handler() -> logging.handlers.RotatingFileHandler:
    [handler] = [
        h
        for h in logging.getLogger("eservice").handlers
        if isinstance(h, logging.handlers.RotatingFileHandler)
    ]
    return handler


def test_records_go_on_while_the_file_cannot_be_renamed_and_it_rotates_later(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    logs.setup_logging(tmp_path)
    handler = _file_handler()
    handler.maxBytes = 400
    log = logging.getLogger("eservice.test")

    def open_elsewhere(source: str, dest: str) -> None:
        raise PermissionError(32, "The process cannot access the file", source)

    monkeypatch.setattr(handler, "rotate", open_elsewhere)
    try:
        for n in range(40):
            log.info("record %d of the day", n)
        written = (tmp_path / "eservice.log").read_text(encoding="utf-8")
        assert all(f"record {n} of the day" in written for n in range(40))
        assert capsys.readouterr().err == ""  # nothing lost, nothing to say

        monkeypatch.undo()  # the other process let go of the file ...
        handler._rotation_held_until = 0.0  # type: ignore[attr-defined]  # ... a minute later
        log.info("after the wait")
        assert (tmp_path / "eservice.log.1").exists()
        assert "after the wait" in (tmp_path / "eservice.log").read_text(encoding="utf-8")
    finally:
        logs.setup_logging(None)


def test_a_log_folder_removed_under_a_running_process_is_made_again(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """IT frees a full disk with ``rm -r logs`` while the window or the sync service runs: the
    process wrote on into the deleted file (its space never given back) and, from its next
    rotation on, lost every record until it was restarted."""
    import shutil
    import stat

    folder = tmp_path / "logs"
    logs.setup_logging(folder)
    handler = _file_handler()
    handler.maxBytes = 400
    log = logging.getLogger("eservice.test")
    try:
        log.info("before the cleanup")
        shutil.rmtree(folder)
        log.info("right after the cleanup")
        for n in range(20):
            log.info("record %d of the day", n)
        written = "".join(
            f.read_text(encoding="utf-8") for f in sorted(folder.glob("eservice.log*"))
        )
        assert "right after the cleanup" in written
        assert "record 19 of the day" in (folder / "eservice.log").read_text(encoding="utf-8")
        assert "before the cleanup" not in written  # that file is gone, as IT wanted
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700  # private, as at start-up
        assert capsys.readouterr().err == ""
    finally:
        logs.setup_logging(None)
