"""GUI memory: peak RSS of the counter window after a scripted hour at 1,000,000 cases.

A fresh process opens the real window (``gui.launcher.start``, demo operator signed in, offscreen)
over the cold-start benchmark's database (``bench_gui.million_db``) and works an hour of a busy
counter through the window's own pages and the services behind them: 2,000 searches typed into
the queue page (worker query, display rows, model), 200 intakes through the intake form (until
the row is in the queue model), 200 payments with their receipts (``payments.record_payment``,
the roll receipt PDF rendered, the print confirmed) and 200 pickups of the cases paid (closed,
a pickup code issued, scanned at the pickup desk, then ``pickup.handover``). It prints its
peak RSS (``VmHWM``) at the end; goal ≤ 200 MiB. Baseline, measured in the same run the
same way: the bare PySide6 window of the cold-start benchmark. ``ESERVICE_BENCH_HOUR_SCALE``
(default 1) scales the counts, for a quick try.
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import time
from typing import Any

from benchmarks.bench_gui import BARE_WINDOW, CASES, ROOT, fill_intake, million_db, wait_for
from benchmarks.fixtures import compiled_env, load_average

SCALE = float(os.environ.get("ESERVICE_BENCH_HOUR_SCALE", "1"))
HOUR = {
    k: max(1, round(v * SCALE))
    for k, v in {"searches": 2000, "intakes": 200, "payments": 200, "pickups": 200}.items()
}
GOAL_MIB = 200


def _peak_mib() -> float:
    """This process's own peak RSS: ``VmHWM`` (KiB) of /proc/self/status, the high-water mark of
    its own memory. Not ``ru_maxrss``: Linux carries that over the exec from the process that
    started this one, and a run that had just built the million-case fixture (1 GiB resident)
    read 1,075 MiB for every figure, the bare window's included."""
    return high_water_kib() / 1024


def high_water_kib() -> int:
    with open("/proc/self/status", encoding="ascii") as status:
        line = next(x for x in status if x.startswith("VmHWM:"))
    return int(line.split()[1])


def _searches(window: Any, rng: random.Random, count: int) -> None:
    from eservice_desktop.gui.main_window import QUEUE_PAGE

    page = window.pages[QUEUE_PAGE]
    with window.ctx.app.reading() as s:
        from sqlalchemy import text

        names = [r[0] for r in s.execute(text("SELECT applicant_name FROM cases LIMIT 400"))]
        numbers = [r[0] for r in s.execute(text("SELECT case_number FROM cases LIMIT 400"))]
    for i in range(count):
        value = rng.choice(numbers).replace("-", "")[: rng.randrange(4, 12)]
        if i % 2:
            value = rng.choice(names)[: rng.randrange(1, 3)]
        page.search_box.blockSignals(True)
        page.search_box.setText(value)
        page.search_box.blockSignals(False)
        page.search_now()
        wait_for(lambda: page._pending is None, "a search never finished")
    page.search_box.setText("")
    page.search_now()
    wait_for(lambda: page._pending is None, "the last search never finished")


def _intakes(window: Any, rng: random.Random, count: int) -> list[Any]:
    from eservice_desktop.gui.intake_form import IntakeForm
    from eservice_desktop.gui.main_window import QUEUE_PAGE

    queue = window.pages[QUEUE_PAGE]
    form = IntakeForm(window.ctx)
    made = []
    for _ in range(count):
        fill_intake(form, rng)
        form.submit()
        wait_for(lambda: form.last_case is not None, "an intake never committed")
        case = form.last_case
        number = case.case_number
        wait_for(
            lambda n=number: any(i.case_number == n for i in queue.model.items()),
            "a new case never reached the queue",
        )
        made.append(case)
    form.drafts.clear()
    form.deleteLater()
    return made


def _payments(core: Any, cases: list[Any]) -> None:
    from eservice_desktop.services import payments

    for case in cases:
        due = case.fees_due - case.paid
        paid = payments.record_payment(core, case.case_number, "cash", due, tendered=due + 100)
        payments.receipt_pdf(core, paid.receipt_number, "roll80")
        payments.confirm_printed(core, paid.receipt_number)


def _pickups(window: Any, numbers: list[str]) -> int:
    """Each case is closed, its pickup code issued (the demo county's), scanned at the desk and
    handed over. The cases are the hour's own: ready cases of the fixture run out (each run
    hands 200 over) and their codes expire 30 days after the fixture was built."""
    from eservice_desktop.gui.pickup_desk import PickupDesk
    from eservice_desktop.services import cases, pickup

    core = window.ctx.app
    desk = PickupDesk(window.ctx)
    done = 0
    pickup.ready_cases(core)  # the desk's list, as the clerk opens it
    for number in numbers:
        cases.close_case(core, number)
        token = pickup.issue_demo(core, number)["payload"]
        desk.result = None
        desk.scan(token)
        wait_for(lambda: desk.result is not None, "a pickup scan never answered")
        if desk.result is not None and desk.result.ok:
            done += int(pickup.handover(core, token).handed_over)
    desk.on_closing()
    desk.deleteLater()
    return done


def child(data_dir: str) -> None:
    """The scripted hour in this process; prints one JSON line."""
    from eservice_desktop.cli.main import build_parser
    from eservice_desktop.gui import launcher as gui_app
    from eservice_desktop.gui.main_window import QUEUE_PAGE

    args = build_parser(("cmd_gui",)).parse_args(["--data-dir", data_dir, "gui", "--demo"])
    started = gui_app.start(args)
    window, ctx = started.window, started.ctx
    wait_for(lambda: getattr(window.pages.get(QUEUE_PAGE), "loaded", False), "no queue list")
    # the first list comes before the core (services.queue_start): measured with both there
    wait_for(lambda: ctx.core_open and not ctx.tasks.pending, "the core never opened")
    at_start = _peak_mib()
    rng = random.Random(11)
    began = time.perf_counter()
    _searches(window, rng, HOUR["searches"])
    made = _intakes(window, rng, HOUR["intakes"])
    paid = made[: HOUR["payments"]]
    _payments(started.core, paid)
    handed = _pickups(window, [case.case_number for case in paid[: HOUR["pickups"]]])
    ctx.tasks.wait_idle(60000)
    out = {
        "start_mib": at_start,
        "peak_mib": _peak_mib(),
        "seconds": time.perf_counter() - began,
        "intakes": len(made),
        "pickups": handed,
    }
    ctx.tasks.shutdown()
    started.core.close()
    print(json.dumps(out), flush=True)


BARE_RSS = BARE_WINDOW.replace(
    'print(f"ready cpu {time.process_time():.3f}", flush=True)',
    # the same VmHWM as high_water_kib, read in place: no import grows the bare window
    "hwm = [x for x in open('/proc/self/status') if x.startswith('VmHWM:')][0]\n"
    '    print(f"ready cpu {time.process_time():.3f} rss '
    '{int(hwm.split()[1]) / 1024:.1f}", flush=True)',
)


def _spawn(argv: list[str], env: dict[str, str]) -> str:
    done = subprocess.run(
        argv, env=env, capture_output=True, text=True, cwd=ROOT, check=False, timeout=7200
    )
    if done.returncode != 0:
        raise RuntimeError(f"exit {done.returncode}: {done.stderr[-2000:]}")
    return done.stdout.strip().splitlines()[-1]


def run() -> list[tuple[str, str]]:
    data_dir, _built = million_db()
    env = compiled_env(
        {
            **os.environ,
            "QT_QPA_PLATFORM": "offscreen",
            "PYTHON_KEYRING_BACKEND": "keyring.backends.null.Keyring",
        }
    )
    bare = float(_spawn([sys.executable, "-c", BARE_RSS], env).split()[-1])
    line = _spawn([sys.executable, "-m", "benchmarks.bench_memory", "--child", str(data_dir)], env)
    hour = json.loads(line)
    load = load_average()
    what = ", ".join(f"{v:,} {k}" for k, v in HOUR.items())
    return [
        ("load average (1, 5, 15 min) after the scripted hour", load),
        ("baseline: bare PySide6 window (QMainWindow + table), peak RSS", f"{bare:.0f} MiB"),
        (
            f"GUI peak RSS once the queue is shown and the core open, {CASES:,} cases",
            f"{hour['start_mib']:.0f} MiB",
        ),
        (
            f"GUI peak RSS after a scripted hour ({what}; goal ≤ {GOAL_MIB} MiB)",
            f"{hour['peak_mib']:.0f} MiB, {hour['peak_mib'] / bare:.1f}× the bare window"
            f" ({hour['seconds']:.0f} s, {hour['pickups']} handed over)",
        ),
    ]


if __name__ == "__main__" and sys.argv[1:2] == ["--child"]:
    child(sys.argv[2])
