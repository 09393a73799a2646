"""An export killed while written (a power cut, ``kill -9``, the window ended) leaves its
hidden temporary twin beside the file; the next export of that file removes it."""

from __future__ import annotations

import os
import sys
import textwrap
import time
from datetime import datetime
from pathlib import Path

import pytest
from cli_main_support import run_main
from kill_support import kill_when_there

from eservice_desktop.domain.office_zone import TAIPEI

ROOT = Path(__file__).resolve().parents[3]
DEMO = {"ESERVICE_DEMO": "1"}

#: The command line in a process of its own that says ``there`` and waits once its export is
#: written in full beside the target, before it takes the target's name, until it is killed.
EXPORTER = textwrap.dedent(
    """
    import os, sys, time
    from eservice_desktop.cli.main import main

    real = os.replace

    def replace(src, dst, *args, **kwargs):
        if str(src).endswith(".part"):
            print("there", flush=True)
            time.sleep(600)
        return real(src, dst, *args, **kwargs)

    os.replace = replace
    sys.exit(main(sys.argv[1:]))
    """
)


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL")
def test_a_closing_killed_while_written_leaves_no_copy_in_clear_for_ever(tmp_path: Path) -> None:
    """The day's closing (clerks' accounts, void and refund reasons) stayed in clear as
    ``.closing.pdf-XXXXXXXX.part`` beside the closing: hidden, so the operator, told to delete
    the export when done, deleted the one they saw; every later export of it left it there."""
    data, desk = tmp_path / "office", tmp_path / "desk"
    code, _, err = run_main(["--data-dir", str(data), "demo", "seed", "--cases", "5"], DEMO)
    assert code == 0, err
    out = desk / "closing.pdf"
    today = datetime.now(TAIPEI).date().isoformat()
    closing = ["--data-dir", str(data), "report", "closing", "--date", today]
    kill_when_there(
        [sys.executable, "-c", EXPORTER, *closing, "--out", str(out)],
        {**os.environ, **DEMO, "PYTHONPATH": str(ROOT), "PYTHONUNBUFFERED": "1"},
        ROOT,
    )
    (left,) = desk.glob(".closing.pdf-*.part")
    assert left.read_bytes().startswith(b"%PDF") and not out.exists()
    an_hour_ago = time.time() - 3700  # the next closing, printed later that day
    os.utime(left, (an_hour_ago, an_hour_ago))
    fresh = desk / ".closing.pdf-underway.part"  # another program's write of it, under way
    fresh.write_bytes(b"%PDF")

    code, _, err = run_main([*closing, "--out", str(out)], DEMO)
    assert code == 0, err
    assert sorted(p.name for p in desk.iterdir()) == [fresh.name, "closing.pdf"]
