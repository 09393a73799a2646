"""The window's first start over an older database (a new version installed): the backup and
the upgrade take minutes for a large one, and the window sat silent through them, on the login
screen or the queue, until it was closed as hung in the middle of its upgrade."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from probe_support import probe_env, run_probe

MIGRATIONS = Path(__file__).parents[1] / "data" / "migrations"

#: Starts the window (signed out: the login screen) and notes every status-bar line until the
#: core is open, then what the bar says once it is.
UPGRADING = """
import json, sys, time
from PySide6.QtWidgets import QApplication
from eservice_desktop.cli.main import build_parser
from eservice_desktop.gui import launcher

args = build_parser(("cmd_gui",)).parse_args(["--data-dir", sys.argv[1], "gui"])
started = launcher.start(args)
window, ctx = started.window, started.ctx
said = []
window.statusBar().messageChanged.connect(said.append)
ctx.core_later()  # the opening queued now, as a sign-in or the first list would
deadline = time.monotonic() + 120
while not ctx.core_open and time.monotonic() < deadline:
    QApplication.processEvents()
    ctx.tasks.wait_idle(20)
end = time.monotonic() + 10  # the line is cleared by a queued call: a loaded machine runs it late
while window.statusBar().currentMessage() and time.monotonic() < end:
    QApplication.processEvents()
    time.sleep(0.01)
print(json.dumps({"said": said, "after": window.statusBar().currentMessage()}))
"""


@pytest.mark.parametrize(
    ("lang", "first"),
    [("zh_TW", "資料庫升級中（先備份）"), ("en", "Upgrading the database (after a backup)")],
)
def test_the_window_says_it_upgrades_until_the_database_is_open(
    tmp_path: Path, lang: str, first: str
) -> None:
    shutil.copy(MIGRATIONS / "0018.sqlite3", tmp_path / "eservice.sqlite3")
    seen = run_probe(UPGRADING, str(tmp_path), env=probe_env(signed_out=True, ESERVICE_LANG=lang))
    assert seen["said"] and seen["said"][0].startswith(first), seen
    assert seen["after"] == ""  # cleared once the core is open


def test_a_current_database_opens_without_the_line(tmp_path: Path) -> None:
    shutil.copy(MIGRATIONS / "0018.sqlite3", tmp_path / "eservice.sqlite3")
    env = probe_env(signed_out=True)
    run_probe(UPGRADING, str(tmp_path), env=env)  # upgraded now
    assert run_probe(UPGRADING, str(tmp_path), env=env)["said"] == []
