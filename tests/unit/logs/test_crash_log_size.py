"""crash.log was only ever appended to: each fatal error (a segfault in Qt or a card driver)
added every thread's stack, and a counter whose sync service crashed at each restart grew it
without end. A program starting finds it past 1 MB and sets it aside as crash.log.1."""

from __future__ import annotations

import stat
import subprocess
import sys
import textwrap
from pathlib import Path

from eservice_desktop import logs

ROOT = Path(__file__).resolve().parents[3]

_SEGV = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from eservice_desktop import logs
    logs.install_crash_handlers(Path(sys.argv[1]))
    import faulthandler
    faulthandler._sigsegv()
    """
)


def _crash(log_dir: Path) -> None:
    env = {"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"}
    done = subprocess.run(
        [sys.executable, "-c", _SEGV, str(log_dir)], capture_output=True, env=env, timeout=60
    )
    assert done.returncode != 0


def test_a_large_crash_log_is_set_aside_at_start(tmp_path: Path) -> None:
    crash = tmp_path / logs.CRASH_FILE
    aside = tmp_path / (logs.CRASH_FILE + ".1")
    _crash(tmp_path)
    first = crash.read_text(encoding="utf-8")
    assert "Fatal Python error" in first and not aside.exists()
    _crash(tmp_path)  # small: appended to, as before
    assert crash.read_text(encoding="utf-8").count("Fatal Python error") == 2
    with crash.open("a", encoding="utf-8") as f:  # a month of crashes at every restart
        f.write("old crash\n" * 120_000)
    assert crash.stat().st_size > logs.CRASH_MAX_BYTES
    _crash(tmp_path)
    assert crash.stat().st_size < 100_000
    assert crash.read_text(encoding="utf-8").count("Fatal Python error") == 1
    assert "old crash" in aside.read_text(encoding="utf-8")
    assert stat.S_IMODE(crash.stat().st_mode) == 0o600
    # the next time it is too large, the one set aside before goes
    with crash.open("a", encoding="utf-8") as f:
        f.write("newer crash\n" * 120_000)
    _crash(tmp_path)
    assert "newer crash" in aside.read_text(encoding="utf-8")
    assert "old crash" not in aside.read_text(encoding="utf-8")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["crash.log", "crash.log.1"]
