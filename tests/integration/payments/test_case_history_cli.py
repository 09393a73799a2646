"""``case show``'s text form tells the case's history: an auditor reconstructing a citizen's
"I paid twice" at the command line read the void, the second payment, the reprint and the
supervisor who allowed them only in ``--json``, as type codes with UTC times."""

from __future__ import annotations

import json
import re
import sys
from datetime import datetime
from pathlib import Path

from payments_tools import cli, new_case

from eservice_desktop.domain.office_zone import TAIPEI
from eservice_desktop.services import payments
from eservice_desktop.services.core import App

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from approvals_support import add_accounts, supervisor_approval


def test_case_show_lists_each_event_in_taipei_time_with_who_and_what(app: App) -> None:
    add_accounts(app)
    number = new_case(app)
    first = payments.record_payment(app, number, "cash", 30, tendered=100).receipt_number
    payments.void_receipt(app, first, "收費金額誤植", approval=supervisor_approval())
    second = payments.record_payment(app, number, "cash", 30, tendered=30).receipt_number
    payments.confirm_printed(app, second)
    payments.confirm_printed(app, second, "民眾遺失收據")
    clerk, where = app.actor.clerk, f"{app.actor.office}-{app.actor.device}"
    d = app.settings.data_dir
    app.close()

    shown = json.loads(cli(d, "case", "show", number, "--json").stdout)
    text = cli(d, "case", "show", number).stdout
    lines = [x for x in text.splitlines() if x.startswith("event:")]
    assert len(lines) == len(shown["events"])
    void = next(e for e in shown["events"] if e["type"] == "case.payment_voided")
    taipei = datetime.fromisoformat(void["at"]).astimezone(TAIPEI)
    stamp = f"{taipei.year - 1911}/{taipei:%m/%d %H:%M:%S}"  # ROC year, Taipei, to the second
    assert (
        f"event: {stamp} {where} {clerk} 作廢繳費 (receipt_number {first}; reason 收費金額誤植)"
        in lines
    )
    assert any(
        "主管核准 (action void; approved_by super01; reason 收費金額誤植)" in x for x in lines
    )
    paid = [x for x in lines if " 繳費 (" in x]
    assert [re.findall(r"receipt_number (\S+);", x) for x in paid] == [[first], [second]]
    assert any(f"補印收據 (receipt_number {second}; reason 民眾遺失收據)" in x for x in lines)
    assert not any(x.endswith("Z") or "+00:00" in x for x in lines)  # no UTC time

    english = cli(d, "--lang", "en", "case", "show", number).stdout
    assert f"Payment voided (receipt_number {first}; reason 收費金額誤植)" in english
    assert "event:" not in cli(d, "case", "show", number, "--json").stdout
