"""A restore killed (a power cut, ``kill -9``) before it put the backup in place leaves the
database as it was and nothing beside it once a program opens it again."""

from __future__ import annotations

import json
import os
import sys
import textwrap
from pathlib import Path

import pytest
from cli_main_support import run_main
from kill_support import kill_when_there

ROOT = Path(__file__).resolve().parents[3]
DEMO = {"ESERVICE_DEMO": "1"}


#: ``backup restore`` in a process of its own that says ``there`` and waits once the backup is
#: copied in beside the database, before its switch, until it is killed.
RESTORER = textwrap.dedent(
    """
    import sys, time
    from eservice_desktop.services import restore_guard
    from eservice_desktop.cli.main import main

    def mark_copy(*args, **kwargs):
        print("there", flush=True)
        time.sleep(600)

    restore_guard.mark_copy = mark_copy
    sys.exit(main(sys.argv[1:]))
    """
)


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL")
def test_a_restore_killed_before_its_switch_leaves_no_copy_beside_the_database(
    tmp_path: Path,
) -> None:
    """The backup copied in (``eservice.sqlite3.restoring``, the database's size) stayed in the
    data directory for ever unless IT ran another restore; the database was not replaced."""
    data = tmp_path / "office"
    seed = ["--data-dir", str(data), "demo", "seed", "--cases", "3"]
    assert run_main(seed, DEMO)[0] == 0
    code, out, err = run_main(["--data-dir", str(data), "backup", "now", "--json"], DEMO)
    assert code == 0, err
    taken = json.loads(out)["file"]
    assert run_main(seed, DEMO)[0] == 0  # work after the backup, which stays
    restore = ["--data-dir", str(data), "backup", "restore", "--no-recover", taken]
    kill_when_there(
        [sys.executable, "-c", RESTORER, *restore],
        {**os.environ, **DEMO, "PYTHONPATH": str(ROOT), "PYTHONUNBUFFERED": "1"},
        ROOT,
    )
    assert (data / "eservice.sqlite3.restoring").exists()

    code, out, err = run_main(["--data-dir", str(data), "case", "search", "H01", "--json"], DEMO)
    assert code == 0 and json.loads(out)["total"] == 6, (out, err)  # not replaced
    assert list(data.glob("eservice.sqlite3.restoring*")) == []
