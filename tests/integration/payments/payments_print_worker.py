"""Prints one receipt silently to ``settings.printer_name`` through Qt, in its own process.

Run by test_payments_cups.py with CUPS_SERVER pointing at the test's private cupsd (libcups
reads it once per process, so the pytest process itself must not be the one printing).
usage: payments_print_worker.py DATA_DIR PRINTER RECEIPT_NUMBER LAYOUT
"""

from __future__ import annotations

import json
import sys
import threading
from pathlib import Path

from PySide6.QtWidgets import QApplication

from eservice_desktop.config import Settings
from eservice_desktop.domain.operators import COUNTER_ROLES, Operator
from eservice_desktop.gui import qt_print
from eservice_desktop.gui.context import GuiContext
from eservice_desktop.gui.tasks import TaskRunner
from eservice_desktop.services.core import open_app


def main() -> None:
    data_dir, printer_name, number, layout = sys.argv[1:]
    qapp = QApplication([])
    app = open_app(Settings(data_dir=Path(data_dir), printer_name=printer_name))
    app.operator = Operator("tester", "tester", COUNTER_ROLES)
    ctx = GuiContext(app, TaskRunner())
    out: dict[str, object] = {"printers": qt_print.available_printers()}
    ui_thread = threading.get_ident()

    def job_thread(*args: object, **kwargs: str) -> object:
        out["job_on_ui_thread"] = threading.get_ident() == ui_thread
        return qt_print.print_receipt_job(*args, **kwargs)  # type: ignore[arg-type]

    printer = qt_print.choose_printer(ctx, None, ask=False)  # silent: settings.printer_name
    assert printer is not None
    ctx.tasks.run_io(
        job_thread,
        ctx.tasks,
        app,
        number,
        layout,
        printer,
        reprint_reason="",
        on_done=lambda r: out.update(printed=r.printed),
        on_error=lambda e: out.update(error=repr(e)),
    )
    ctx.tasks.wait_idle(60000)
    qapp.processEvents()
    print(json.dumps(out), flush=True)


if __name__ == "__main__":
    main()
