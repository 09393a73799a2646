"""A separate process that records payments on a shared data directory (run by the tests).

usage: payments_worker.py DATA_DIR MODE ARGS...
  many GO_FILE CASE...   say "ready", wait until GO_FILE exists, then pay each case in full (cash)
  crash CASE             pay, print the receipt number, then hang "waiting for the printer"
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from eservice_desktop.config import Settings
from eservice_desktop.domain.operators import COUNTER_ROLES, Operator
from eservice_desktop.services import fees, payments
from eservice_desktop.services.core import open_app


def main() -> None:
    data_dir, mode, *rest = sys.argv[1:]
    app = open_app(Settings(data_dir=Path(data_dir), office_code="H01", device_id="01"))
    app.operator = Operator("tester", "tester", COUNTER_ROLES)
    if mode == "many":
        go, *case_numbers = rest
        print("ready", flush=True)
        while not Path(go).exists():
            time.sleep(0.005)
        out = []
        for n in case_numbers:
            due = fees.preview(app, n).total
            out.append(payments.record_payment(app, n, "cash", due).receipt_number)
        print(json.dumps(out), flush=True)
    elif mode == "crash":
        r = payments.record_payment(app, rest[0], "cash", fees.preview(app, rest[0]).total)
        print(r.receipt_number, flush=True)
        time.sleep(600)  # killed here: after the commit, before anything reaches the printer
        payments.confirm_printed(app, r.receipt_number)


if __name__ == "__main__":
    main()
