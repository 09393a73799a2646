"""A process killed at any moment loses no committed case and leaves a sound database."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

from db_support import connect_db

WRITER = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from eservice_desktop.config import Settings
    from eservice_desktop.domain.operators import COUNTER_ROLES, Operator
    from eservice_desktop.services.core import open_app
    from eservice_desktop.services.intake import IntakeRequest, intake

    app = open_app(Settings(data_dir=Path(sys.argv[1]), office_code="H01", device_id="01"))
    app.operator = Operator("tester", "tester", COUNTER_ROLES)
    fields = {"registered_address": "桃園市桃園區中正路1號", "transcript_kind": "現戶",
              "record_detail": "省略記事"}
    while True:
        view = intake(app, IntakeRequest("HR-TRANSCRIPT", "A123456789", "王小明", fields=fields))
        print(view.case_number, flush=True)
    """
)


def test_kill_9_during_intake_loses_no_committed_case(tmp_path: Path) -> None:
    committed: list[str] = []
    for round_ in range(3):
        proc = subprocess.Popen(
            [sys.executable, "-c", WRITER, str(tmp_path)],
            stdout=subprocess.PIPE,
            text=True,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
        assert proc.stdout is not None
        # The budget runs from the writer's first case: its start (seconds on a loaded
        # machine, 30 and more at load 8) is no part of it.
        deadline: float | None = None
        seen = 0
        while seen < 20 + 7 * round_ and (deadline is None or time.monotonic() < deadline):
            line = proc.stdout.readline()
            if not line:
                break  # the writer ended: what it said is all there is
            committed.append(line.strip())
            seen += 1
            deadline = deadline or time.monotonic() + 30
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        committed.extend(x.strip() for x in proc.stdout.read().splitlines() if x.strip())
        proc.stdout.close()
    assert len(committed) >= 20
    with connect_db(tmp_path) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        stored = {r[0] for r in conn.execute("select case_number from cases")}
        events = conn.execute(
            "select count(*) from events where type = 'case.received'"
        ).fetchone()[0]
        assessed = conn.execute(
            "select count(*) from events where type = 'case.fee_assessed'"
        ).fetchone()[0]
    missing = [n for n in committed if n not in stored]
    assert missing == []
    assert events == len(stored)  # projection and events were written together
    assert assessed == len(stored)  # and the fee, assessed in the same intake transaction
    # Numbers continue without reuse across the kills.
    seqs = sorted(int(n.split("-")[3]) for n in stored)
    assert seqs == list(range(1, len(seqs) + 1))
