"""Large demo seeds build their batches in a forked process (``demo.bulk_process``): the same
cases as built beside the writer, failures on either side end both and undo the seed."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from eservice_desktop.config import Settings
from eservice_desktop.demo import bulk_process
from eservice_desktop.demo.bulk import seed_demo_bulk
from eservice_desktop.services.core import App
from eservice_desktop.storage import repo

pytestmark = pytest.mark.skipif(
    not bulk_process.available(10**6, 1), reason="this system does not fork"
)


def test_a_seed_built_in_a_process_builds_the_same_cases(
    make_app: Callable[[Settings], App], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The process draws from the seed's generators in the order the loop's thread does: the
    same seed gives the same cases, numbers, applicants, fees, times and outcomes."""
    seeded = []
    for elsewhere in (False, True):
        monkeypatch.setattr(bulk_process, "MIN_CASES", 0 if elsewhere else 10**9)
        app = make_app(
            Settings(data_dir=tmp_path / str(elsewhere), office_code="H01", device_id="01")
        )
        seed_demo_bulk(app, 150, seed=9, days=20, batch=40)
        with app.reading() as s:
            seeded.append(
                list(
                    s.execute(
                        text(
                            "SELECT case_number, service_code, applicant_id, applicant_name,"
                            " status, received_at, due_date, closed_at, fees_due, paid, state"
                            " FROM cases ORDER BY case_number"
                        )
                    )
                )
            )
    assert len(seeded[0]) == 150 and seeded[0] == seeded[1]


def test_a_failure_in_the_builders_process_is_raised_and_the_seed_undone(
    app: App, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A batch the process cannot build fails the seed here, with its error, after the
    batches already written, and the seed is undone; no process is left behind."""
    import multiprocessing

    from eservice_desktop.demo import bulk
    from eservice_desktop.demo.seeding import seed_demo

    monkeypatch.setattr(bulk_process, "MIN_CASES", 0)
    real, made = bulk.SeedNumbers.cases, []

    def numbers(self: bulk.SeedNumbers, received: list[Any]) -> list[str]:
        made.append(len(received))  # in the process: counts its own batches
        if len(made) == 3:
            raise ValueError("no counter was read for ROC year 99")
        return real(self, received)

    monkeypatch.setattr(bulk.SeedNumbers, "cases", numbers)
    with pytest.raises(ValueError, match="ROC year 99"):
        seed_demo(app, 150, seed=2, batch=40)
    assert made == []  # built in the other process only
    assert multiprocessing.active_children() == []
    with app.reading() as s:
        assert repo.count_cases(s) == 0


def test_a_batch_that_fails_to_be_written_ends_the_builders_process(
    app: App, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A batch the writer cannot store (a full disk) fails the seed, which is undone, and the
    process building the next batches is ended with it."""
    import multiprocessing

    from eservice_desktop.demo import bulk
    from eservice_desktop.demo.seeding import seed_demo

    monkeypatch.setattr(bulk_process, "MIN_CASES", 0)
    real, written = bulk.ingest_many, []

    def ingest_many(*args: Any, **kwargs: Any) -> Any:
        written.append(len(args[2]))
        if len(written) == 2:
            raise OSError("disk full")
        return real(*args, **kwargs)

    monkeypatch.setattr(bulk, "ingest_many", ingest_many)
    with pytest.raises(OSError, match="disk full"):
        seed_demo(app, 200, seed=2, batch=40)
    assert len(written) == 2 and multiprocessing.active_children() == []
    with app.reading() as s:
        assert repo.count_cases(s) == 0


_INTERRUPTED = """
import sys, tempfile
from pathlib import Path
from eservice_desktop.config import Settings
from eservice_desktop.demo import bulk_process
from eservice_desktop.demo.seeding import seed_demo
from eservice_desktop.services.core import open_app
bulk_process.MIN_CASES = 0
app = open_app(Settings(data_dir=Path(sys.argv[1]), office_code="H01", device_id="01", demo=True))
print("seeding", flush=True)
try:
    seed_demo(app, 40000, 1, batch=2000)
except KeyboardInterrupt:
    print("interrupted", flush=True)
"""


def test_ctrl_c_during_a_seed_says_nothing_more_from_the_builders_process(tmp_path: Path) -> None:
    """Ctrl-C reaches the builder's process too (the terminal's process group): the seed is
    interrupted and undone, with no traceback of that process beside it (it printed one)."""
    seed = subprocess.Popen(
        [sys.executable, "-c", _INTERRUPTED, str(tmp_path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,  # a process group of its own, as a terminal's command
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),  # noqa: PLW1509
        env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)},
    )
    assert seed.stdout is not None
    assert seed.stdout.readline() == "seeding\n"
    try:
        seed.wait(timeout=4)  # the builder's process is building meanwhile
    except subprocess.TimeoutExpired:
        os.killpg(seed.pid, signal.SIGINT)
    out, _ = seed.communicate(timeout=120)
    assert out == "interrupted\n"
