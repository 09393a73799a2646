"""Cold start: the window becomes interactive without the heavy libraries of later work.

A fresh process starts the window the way ``eservice-desktop gui`` does (``gui.launcher.start``)
over a database that is already current; when the window is interactive (shown with its first queue
list: the ready hooks) it lists which of the heavy packages are loaded. Each of them costs
tenths of a second on a counter PC and is needed only when its feature is first used (printing,
schema upgrades, sync, identity cards, the county server).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from probe_support import probe_env, run_probe

from eservice_desktop.config import Settings
from eservice_desktop.services.core import open_app

HEAVY = (
    "reportlab",
    "alembic",
    "requests",
    "cryptography",
    "fastapi",
    "keyring",
    "pyhanko",
    "pyhanko_certvalidator",
    "asn1crypto",
    "pydantic",
    "PIL",
    "smartcard",
    "uvicorn",
    # the pickup desk's camera: loaded when the camera is turned on
    "cv2",
    "numpy",
    "openpyxl",
    "pypdfium2",
)

#: The county link's wire stack (~15 MiB, ~0.5 s): imported when the sync loop starts (an
#: enrolled device, or a demo pointed at a county), never for the status bar's counts.
SYNC_STACK = (
    "requests",
    "urllib3",
    "pydantic",
    "eservice_desktop.county_link.client",
    "eservice_desktop.county_link.protocol",
    "eservice_desktop.county_link.worker",
    "eservice_desktop.services.sync.round",
    "eservice_desktop.services.sync.inbox",
    "eservice_desktop.services.sync.service",
)

#: The MOICA proof's stack (certificate paths, revocation lists; ~9 MiB): loaded when a card is
#: verified, not with the readers' watch the deferred start begins.
CARD_PROOF = (
    "cryptography.x509",
    "asn1crypto",
    "eservice_desktop.devices.pki",
    "eservice_desktop.services.identity",
)

#: Pages the window lists but does not show first: their modules (and the services and printing
#: behind them) are imported after the first paint, not at sign-in.
LATER_PAGES = (
    "eservice_desktop.gui.pickup_desk",
    "eservice_desktop.gui.payment_page",
    "eservice_desktop.gui.reports_page",
    "eservice_desktop.gui.operators_page",
)

#: What the signed-in window does not need for its first list: the intake form (built at sign-in
#: only when a draft of it waits), the door of every write (ingest, its projections, the
#: approvals over it), which the queue's reads never call, the case's state and fold (the list
#: labels statuses from ``domain.status_labels``) and the receipt fonts (the screen's font
#: families come from ``services.glyphs`` without them).
NOT_FOR_THE_FIRST_LIST = (
    "eservice_desktop.gui.intake_form",
    "eservice_desktop.services.intake",
    "eservice_desktop.services.ingest",
    "eservice_desktop.services.projections",
    "eservice_desktop.services.approvals",
    "eservice_desktop.domain.case_state",
    "eservice_desktop.printing.fonts",
)

#: The core and the stack under it (SQLAlchemy alone is a large share of a cold start): the
#: signed-in window shows its first list before the core opens (``services.queue_start`` reads
#: it over a raw connection), and the core opens on the writer once the window is interactive.
CORE_STACK = (
    "sqlalchemy",
    "eservice_desktop.services.core",
    "eservice_desktop.services.cases",
    "eservice_desktop.services.queue_rows",
    "eservice_desktop.storage.db",
    "eservice_desktop.storage.repo",
    "eservice_desktop.domain.case",
)

#: Other commands' modules: the window's start registers only its own parser.
OTHER_COMMANDS = ("eservice_desktop.cli.cmd_case", "eservice_desktop.cli.cmd_sync")

#: What only the pages behind the sign-in need: the login screen comes up without them.
#: The core itself opens after the login screen is interactive (SQLAlchemy alone is a large
#: share of a cold start), so its stack is not loaded either.
BEHIND_SIGN_IN = (
    "sqlalchemy",
    "sqlcipher3",
    "eservice_desktop.services.core",
    "eservice_desktop.storage.db",
    "segno",
    "eservice_desktop.gui.queue_page",
    "eservice_desktop.gui.intake_form",
    "eservice_desktop.services.payments",
    "eservice_desktop.services.exports",
    "eservice_desktop.printing.receipt",
)

PROBE = """
import json, sys, time
from PySide6.QtWidgets import QApplication
from eservice_desktop.cli.main import COMMAND_MODULES, build_parser, opens_the_window
from eservice_desktop.gui import launcher as gui_app

heavy = json.loads(sys.argv[2])
argv = ["--data-dir", sys.argv[1], "gui"]
args = build_parser(("cmd_gui",) if opens_the_window(argv) else COMMAND_MODULES).parse_args(argv)
started = gui_app.start(args)
seen = []
at_ready = []
started.ready_hooks.append(lambda: seen.append(sorted(h for h in heavy if h in sys.modules)))
started.ready_hooks.append(lambda: at_ready.append(started.ctx.core_open))
deadline = time.monotonic() + 120
while not seen and time.monotonic() < deadline:
    QApplication.processEvents()
    time.sleep(0.002)
# the deferred start is queued by a timer after the window is ready: let the loop run it,
# until the status bar shows the link's counts (read with the credential, on the writer), or
# at the login screen (no counts before a sign-in) until the core is open
bars = [w for w in started.window.status_widgets if hasattr(w, "status")]
if sys.argv[3] == "counts":
    settled = lambda: bool(bars) and all(w.status for w in bars)
else:
    settled = lambda: started.ctx.core_open
deadline = time.monotonic() + 60
while time.monotonic() < deadline and not settled():
    QApplication.processEvents()
    started.ctx.tasks.wait_idle(100)
    time.sleep(0.005)
settle = time.monotonic() + 0.5
while time.monotonic() < settle:  # the deferred start's timers
    QApplication.processEvents()
    time.sleep(0.01)
started.ctx.tasks.wait_idle(60000)
began = sorted(h for h in ["keyring", *heavy] if h in sys.modules)
counts = [w.counts_label.text() for w in bars if w.status]
pages = sorted(h for h in heavy if h.startswith("eservice_desktop.gui.") and h in sys.modules)
core_open = started.ctx.core_open
started.ctx.tasks.shutdown()
started.close_core()
print(json.dumps({
    "ready": seen[0] if seen else None, "after": began, "core_open": core_open, "pages": pages,
    "core_at_ready": at_ready[0] if at_ready else None,
    "sync_counts": counts,
}))
"""


def _probe(
    tmp_path: Path, env: dict[str, str], watched: tuple[str, ...], until: str = "counts"
) -> dict[str, Any]:
    """Starts the window in a fresh process (PROBE) and says which of ``watched`` were loaded
    when it became interactive (``ready``) and after its deferred start (``after``), which
    ends when the status bar shows the link's counts, or (``until="core"``, the login screen,
    which shows none) when the core is open."""
    return run_probe(PROBE, str(tmp_path), json.dumps(watched), until, env=env)


def test_heavy_packages_are_not_loaded_when_the_window_is_ready(tmp_path: Path) -> None:
    open_app(Settings(data_dir=tmp_path)).close()  # a current database: no upgrade at start
    env = probe_env()
    env.pop("ESERVICE_COUNTY_URL", None)  # a demo pointed at no county: the link never starts
    watched = (
        HEAVY + OTHER_COMMANDS + LATER_PAGES + SYNC_STACK + NOT_FOR_THE_FIRST_LIST + CARD_PROOF
    )
    result = _probe(tmp_path, env, watched + CORE_STACK)
    assert result["ready"] == [], f"loaded before the window was interactive: {result['ready']}"
    # demo mode: the core opened once the window was interactive, not before
    assert result["core_at_ready"] is False
    assert result["core_open"] is True
    # Every page's module is imported once the window is interactive (an import error shows).
    assert result["pages"] == sorted([*LATER_PAGES, "eservice_desktop.gui.intake_form"])
    # The deferred background start still happens once the window is interactive: the status
    # bar shows the link's counts, read with the credential (keyring) ...
    assert result["sync_counts"] and all("待送" in c for c in result["sync_counts"])
    assert "keyring" in result["after"]
    # ... without the wire stack: it comes with the loop, which this unenrolled device never
    # starts.
    loaded = sorted(set(result["after"]) & set(SYNC_STACK))
    assert loaded == [], f"the sync stack was imported though the link never started: {loaded}"
    # The readers are watched (the identity dock) without the proof's stack: no card verified.
    loaded = sorted(set(result["after"]) & set(CARD_PROOF))
    assert loaded == [], (
        f"the card proof's stack was imported though no card was verified: {loaded}"
    )


def test_the_login_screen_comes_up_without_the_pages_behind_it(tmp_path: Path) -> None:
    open_app(Settings(data_dir=tmp_path)).close()
    # not demo mode: the window opens at the login screen
    result = _probe(tmp_path, probe_env(signed_out=True), HEAVY + BEHIND_SIGN_IN, until="core")
    assert result["ready"] == [], f"loaded before the login screen was up: {result['ready']}"
    # ... and the core opened on the writer once the screen was interactive.
    assert result["core_open"] is True


def test_the_window_command_registers_only_its_own_parser() -> None:
    from eservice_desktop.cli.main import opens_the_window

    assert opens_the_window([])
    assert opens_the_window(["gui", "--demo"])
    assert opens_the_window(["--data-dir", "gui", "--lang", "en"])  # values, not commands
    assert opens_the_window(["--data-dir=/tmp/x", "gui"])
    assert not opens_the_window(["case", "list"])
    assert not opens_the_window(["--data-dir", "/tmp/x", "doctor"])
    assert not opens_the_window(["gui", "--help"])
    assert not opens_the_window(["--version"])
    assert not opens_the_window(["--data", "/tmp/x", "gui"])  # abbreviated: the full parser


def test_help_still_lists_every_command() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "eservice_desktop", "--help"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    for command in ("gui", "case", "sync", "doctor", "operator"):
        assert f"    {command}" in done.stdout


def test_what_the_window_reads_of_the_link_does_not_import_the_wire_stack() -> None:
    """The status bar (counts, credential, county catalogue) and every intake (sync freshness)
    read the link's state through ``services.sync``; only a round needs the wire stack."""
    probe = (
        "import json, sys\n"
        "from eservice_desktop.services import intake, sync\n"
        "from eservice_desktop.services.sync import get_state, status\n"
        "(sync.credential, sync.load_county_reference, sync.pending_count, sync.quarantined,\n"
        " sync.open_conflicts, intake.sync_freshness, get_state, status)\n"
        "print(json.dumps(sorted(m for m in json.loads(sys.argv[1]) if m in sys.modules)))\n"
        "sync.SyncLoop\n"
        "print(json.dumps(sorted(m for m in json.loads(sys.argv[1]) if m in sys.modules)))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe, json.dumps(SYNC_STACK)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    readers, loop = (json.loads(line) for line in done.stdout.splitlines())
    assert readers == []
    assert "eservice_desktop.county_link.worker" in loop  # the loop itself is one name away
