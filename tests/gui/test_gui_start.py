"""The window's start (``gui.launcher.start``): signed out, the login screen comes up before the
core is open, and the core opens on the database writer afterwards. A sign-in typed before the
opening has finished waits for it on the writer; a core that cannot open (the key missing) ends
the program with IT's sentence, as it did when the window waited for the core."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from operator_support import chose_own
from probe_support import probe_env, run_probe
from pytestqt.qtbot import QtBot

from eservice_desktop.config import Settings
from eservice_desktop.domain.operators import COUNTER_ROLES, Operator
from eservice_desktop.gui import shift_start
from eservice_desktop.services import operators
from eservice_desktop.services.core import App, open_app

PASSWORD = "counter-pass-1"


def _office_with_a_clerk(data_dir: Path) -> None:
    """A current database with one clerk (today's shift-start check done), made in demo mode:
    a demo database, which demo mode still opens with the accounts a demo adds."""
    app = open_app(Settings(data_dir=data_dir, demo=True))
    try:
        app.operator = Operator(account="tester", name="測試操作員", roles=COUNTER_ROLES)
        operators.create_operator(app, "clerk01", "王承辦", ["clerk"], PASSWORD)
        chose_own(app, "clerk01")
        app.operator = None
        shift_start._mark_checked(app)
    finally:
        app.close()


#: What only the keyboard rules make true (``gui/keyboard.py``, installed by
#: ``MainWindow.begin_background``): a bare table built before they were installed and one shown
#: after both let Tab leave them (a table keeps Tab by default), and a dialog's standard buttons
#: show their keys. ``keyboard_rules(before)`` is called once the rules should be in force;
#: ``key_counted(window, widget)`` says whether a key press counts for the idle lock.
KEYBOARD_RULES = """
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QTableView, QVBoxLayout


def keyboard_rules(before):
    after = QTableView()
    after.show()
    dialog = QDialog()
    buttons = QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
    box = QDialogButtonBox(buttons, dialog)
    QVBoxLayout(dialog).addWidget(box)
    dialog.show()
    for _ in range(5):
        QApplication.processEvents()
    texts = [b.text() for b in box.buttons()]
    dialog.close()
    after.close()
    return {
        "tab_leaves_table_built_before": before.tabKeyNavigation() is False,
        "tab_leaves_table_shown_after": after.tabKeyNavigation() is False,
        "dialog_keys": any("(Enter)" in t for t in texts) and any("(Esc)" in t for t in texts),
    }


def key_counted(window, widget):  # does a key press sent to widget count for the idle lock
    from PySide6.QtCore import QEvent, Qt
    from PySide6.QtGui import QKeyEvent

    before = window.idle.last_activity
    time.sleep(0.01)
    key = QKeyEvent(QEvent.Type.KeyPress, Qt.Key.Key_Down, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(widget, key)
    return window.idle.last_activity > before
"""


def _assert_keyboard_rules(seen: dict[str, object]) -> None:
    assert seen["tab_leaves_table_built_before"] is True
    assert seen["tab_leaves_table_shown_after"] is True
    assert seen["dialog_keys"] is True


#: Starts the window as ``eservice-desktop gui`` does, in a fresh process (the start sets the
#: application's font, translators and crash hooks for the whole process), signs in at once and
#: prints what it saw as JSON.
SIGN_IN_AT_ONCE = (
    KEYBOARD_RULES
    + """
import json, sys, time
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication
from eservice_desktop.cli.main import build_parser
from eservice_desktop.gui import launcher
from eservice_desktop.gui.main_window import QUEUE_PAGE

args = build_parser(("cmd_gui",)).parse_args(["--data-dir", sys.argv[1], "gui"])
started = launcher.start(args)
window, ctx = started.window, started.ctx
bare = QTableView()
seen = {
    "shown": window.isVisible(),
    "login": window.screens.currentWidget() is window.login_screen,
    "open_before": ctx.core_open,
    "office": ctx.office.code,
}
screen = window.login_screen
screen.account.setText("clerk01")
screen.password.setText(sys.argv[2])
screen.submit()  # before the event loop ran: the opening is queued first, then this
deadline = time.monotonic() + 120
while not window.content_built and time.monotonic() < deadline:
    QApplication.processEvents()
    time.sleep(0.005)
operator = ctx.app.operator if ctx.core_open else None
seen.update(
    signed_in=window.content_built,
    open_after=ctx.core_open,
    operator=operator.account if operator else None,
    queue_in_front=window.content_built and window.current_page() is window.pages[QUEUE_PAGE],
)
seen.update(keyboard_rules(bare), key_counted=key_counted(window, window.current_page()))
window.close()
ctx.tasks.shutdown()
started.close_core()
print(json.dumps(seen))
"""
)


def test_a_sign_in_typed_before_the_core_is_open_waits_for_it(tmp_path: Path) -> None:
    _office_with_a_clerk(tmp_path)
    # signed out: the login screen
    seen = run_probe(SIGN_IN_AT_ONCE, str(tmp_path), PASSWORD, env=probe_env(signed_out=True))
    # Shown at the login screen, naming the office, the opening not even begun (it begins once
    # the screen is interactive, in the event loop) ...
    assert seen["shown"] and seen["login"] and seen["office"] == "H01"
    assert seen["open_before"] is False
    # ... and the sign-in typed at once waited for it on the writer, then went through.
    assert seen["signed_in"] and seen["open_after"]
    assert seen["operator"] == "clerk01"
    assert seen["queue_in_front"]
    # The idle watch counts input from the login screen on; the keyboard rules, installed at
    # the first sign-in, reach the table built before it as well as what comes after.
    assert seen["key_counted"] is True
    _assert_keyboard_rules(seen)


def test_a_core_that_cannot_open_after_the_login_screen_ends_with_its_message(
    tmp_path: Path,
) -> None:
    open_app(Settings(data_dir=tmp_path)).close()  # an encrypted database ...
    (tmp_path / "keys" / "db.key").unlink()  # ... whose key is gone
    env = probe_env(signed_out=True, ESERVICE_QUIT_WHEN_READY="1")
    done = subprocess.run(
        [sys.executable, "-m", "eservice_desktop", "--data-dir", str(tmp_path), "gui"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    # The login screen was interactive (ready), then the opening failed: exit 3 with IT's
    # sentence, not a traceback, and never "idle".
    assert done.returncode == 3, done.stderr[-2000:]
    assert done.stdout.startswith("ready "), done.stdout
    assert "idle" not in done.stdout
    assert "Traceback" not in done.stderr
    assert "金鑰" in done.stderr, done.stderr[-2000:]


#: The signed-in start (demo mode) as ``eservice-desktop gui --demo`` does it: what the window
#: shows when it is interactive, then once the core has opened behind it.
SIGNED_IN = (
    KEYBOARD_RULES
    + """
import json, sys, time
from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QApplication
from eservice_desktop.cli.main import build_parser
from eservice_desktop.gui import launcher
from eservice_desktop.services.queue_rows import load_queue

args = build_parser(("cmd_gui",)).parse_args(["--data-dir", sys.argv[1], "gui", "--demo"])
# The start must go on at the paint, not at the fallback a second later, which would pass too.
from functools import partial
from eservice_desktop.gui import first_paint
launcher.after_paint = partial(first_paint.after_paint, fallback_ms=60_000)
started = launcher.start(args)
window, ctx = started.window, started.ctx
queue = window.current_page()
bare = QTableView()  # before the first list, so before the keyboard rules
pending = ctx.pending_core
seen = {}
painted = []  # the list's length at each paint of the queue's table


class Paints(QObject):
    def eventFilter(self, watched, event):
        if event.type() == QEvent.Type.Paint and watched is queue.table.viewport():
            painted.append(queue.model.rowCount())
        return False


paints = Paints()
QApplication.instance().installEventFilter(paints)

def ready():
    QApplication.instance().removeEventFilter(paints)
    seen.update(
        painted_at_ready=painted[-1:],
        painted_flag=started.painted,
        open_at_ready=ctx.core_open,
        operator=ctx.operator.account if ctx.operator else None,
        shown=[i.case_number for i in queue.model.items()],
        as_of=str(queue.model.as_of),
        login_screen_built=window.built_login_screen is not None,
    )

started.ready_hooks.append(ready)
deadline = time.monotonic() + 120
while (not seen or not queue.counts() or queue.total() is None) and time.monotonic() < deadline:
    QApplication.processEvents()
    ctx.tasks.wait_idle(20)
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent

seen.update(
    key_counted=key_counted(window, queue.table),
    open_after=ctx.core_open,
    core=[i.case_number for i in load_queue(ctx.app, "today", ctx.lang)],
    counts=queue.counts(),
    total=queue.total(),
)
seen.update(keyboard_rules(bare), handed_after=sorted(pending.handed))
window.close()
ctx.tasks.shutdown()
started.close_core()
print(json.dumps(seen))
"""
)


#: Demo mode's start whose first list fails (the database cannot be read): the failure is the
#: first screen's answer, so the start goes on as after a list.
FIRST_LIST_FAILS = (
    KEYBOARD_RULES
    + """
import json, sys, time
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication
from eservice_desktop.cli.main import build_parser
from eservice_desktop.gui import keyboard, launcher
from eservice_desktop.services import queue_start


def unreadable(*_args, **_kwargs):
    raise OSError("the disk is gone")


queue_start.first_today = unreadable
args = build_parser(("cmd_gui",)).parse_args(["--data-dir", sys.argv[1], "gui", "--demo"])
started = launcher.start(args)
window, ctx = started.window, started.ctx
queue = window.current_page()
ready = []
started.ready_hooks.append(lambda: ready.append(True))
deadline = time.monotonic() + 120  # ends once ready: a loaded machine takes 5-7 s, at times more
while not (ready and ctx.core_open) and time.monotonic() < deadline:
    QApplication.processEvents()
    ctx.tasks.wait_idle(20)
seen = {
    "key_counted": key_counted(window, queue.table),
    "ready": bool(ready),
    "open": ctx.core_open,
    "message": queue.result_label.text(),
    "loaded": queue.loaded,
    "keyboard_rules": bool(keyboard._policy),
}
window.close()
ctx.tasks.shutdown()
started.close_core()
print(json.dumps(seen))
"""
)


def test_a_first_list_that_fails_still_lets_the_start_go_on(tmp_path: Path) -> None:
    """The message is the answer: the core opens behind it, and the idle watch and the
    keyboard rules start as after a list (else the idle lock would come while the clerk
    types, and the start's check would run every 5 ms for ever)."""
    _office_with_a_clerk(tmp_path)
    seen = run_probe(FIRST_LIST_FAILS, str(tmp_path), env=probe_env())
    # the system's refusal in the clerk's words (not the exception's own text)
    assert seen["message"] == "無法存取檔案或裝置（OSError）" and seen["loaded"] is False
    assert seen["ready"] is True and seen["open"] is True
    assert seen["key_counted"] is True
    assert seen["keyboard_rules"] is True


def test_the_signed_in_start_shows_todays_list_before_the_core_and_counts_after(
    tmp_path: Path,
) -> None:
    """Demo mode opens on the queue: today's list is in the table when the window is
    interactive, read before the core opened, and is the core's list; the tab counts and the
    list's total (which need the core) follow once it has opened."""
    import factories

    app = open_app(Settings(data_dir=tmp_path))
    try:
        app.operator = Operator(account="tester", name="測試操作員", roles=COUNTER_ROLES)
        taken = [factories.new_case(app, applicant_id=pid) for pid in ("A123456789", "F131232216")]
        shift_start._mark_checked(app)
    finally:
        app.close()
    seen = run_probe(SIGNED_IN, str(tmp_path), env=probe_env())
    # Interactive means painted: the table's last paint before the ready hooks (and the
    # core's opening, which follows them) showed the whole first list.
    assert seen["painted_at_ready"] == [len(taken)] and seen["painted_flag"] is True
    assert seen["open_at_ready"] is False
    assert seen["operator"] == operators.DEMO_OPERATOR.account
    assert seen["shown"] == taken[::-1] == seen["core"]  # newest first, as the core reads it
    assert seen["open_after"] is True
    # The first list handed the key and calendar to the opening; the key stays with the core only.
    assert seen["handed_after"] == ["calendar"]
    assert seen["counts"]["today"] == 2 and seen["total"] == 2
    # The application filters start after the first list (MainWindow.begin_background): the
    # keyboard rules reach a table built before and one shown after, a dialog's buttons show
    # their keys, and the idle watch counts a key press.
    _assert_keyboard_rules(seen)
    assert seen["key_counted"] is True
    # ... and the login screen, which nobody sees before a lock, was not built for the list.
    assert seen["login_screen_built"] is False


def test_work_that_needs_the_core_waits_for_it_and_a_closed_page_hears_nothing(
    qtbot: QtBot, app: App
) -> None:
    """``ctx.when_core_open``: at once when the core is open; while it opens, once it has
    (``core_opened``), and never for a widget deleted meanwhile. ``ctx.operator`` and
    ``ctx.now`` answer before the core from what its opening will sign in."""
    from datetime import UTC, datetime
    from functools import partial

    from PySide6.QtWidgets import QLabel

    from eservice_desktop.gui.context import GuiContext, PendingCore
    from eservice_desktop.gui.tasks import SyncTaskRunner

    pending = PendingCore(
        app.settings, app.catalogue, lambda _future: None, operators.DEMO_OPERATOR
    )
    ctx = GuiContext(pending, SyncTaskRunner())
    calls: list[str] = []
    alive, closed = QLabel(), QLabel()
    alive.setText("alive")
    ctx.when_core_open(lambda: calls.append("lambda"))
    ctx.when_core_open(lambda: calls.append(alive.text()))
    ctx.when_core_open(closed.clear)
    ctx.when_core_open(partial(closed.setText, "late"))  # a method with its arguments bound
    closed.deleteLater()
    qtbot.waitUntil(lambda: not shiboken_valid(closed), timeout=2000)
    assert calls == [] and not ctx.core_open
    assert ctx.operator == operators.DEMO_OPERATOR
    assert abs((ctx.now() - datetime.now(UTC)).total_seconds()) < 60
    pending.future.set_result(app)
    ctx.core_opened.emit()
    assert calls == ["lambda", "alive"]  # and the deleted label's methods were not called
    ctx.core_opened.emit()  # once each
    assert calls == ["lambda", "alive"]
    ctx.when_core_open(lambda: calls.append("now"))
    assert calls[-1] == "now"
    assert ctx.operator == app.operator and ctx.now() == app.now()
    alive.deleteLater()


def shiboken_valid(widget: object) -> bool:
    from shiboken6 import isValid

    return bool(isValid(widget))
