"""``case show`` of a case whose fee has waited unpaid past ``payment_due_days`` says so: the
text form 待繳逾 N 工作天 (in English "fee unpaid N working days"), ``--json`` the wait's start,
its working days and ``payment_overdue``, every earlier key as it was; a paid case and an
office that marks none say nothing of it."""

from __future__ import annotations

import json
import re

import pytest
from factories import new_case
from payments_tools import cli

from eservice_desktop.services import cases, payments
from eservice_desktop.services.core import App


def test_case_show_says_a_fee_unpaid_too_long(app: App, monkeypatch: pytest.MonkeyPatch) -> None:
    unpaid = new_case(app)  # received 2026-03-10 by the suite's clock; the command's is today's
    paid = new_case(app, applicant_id="F131232216")
    payments.record_payment(app, paid, "cash", cases.show_case(app, paid).balance)
    d = app.settings.data_dir
    app.close()
    shown = json.loads(cli(d, "case", "show", unpaid, "--json").stdout)
    assert shown["payment_overdue"] is True and shown["payment_waited_days"] > 5
    assert shown["payment_since"] == "2026-03-10T02:00:00+00:00"  # the fee assessed at intake
    assert (shown["balance"], shown["status"]) == (15, "payment_due")  # as before
    text = cli(d, "case", "show", unpaid).stdout
    said = re.search(r"^payment_overdue: 待繳逾 (\d+) 工作天$", text, re.M)
    assert said is not None and int(said.group(1)) == shown["payment_waited_days"]
    english = cli(d, "--lang", "en", "case", "show", unpaid).stdout
    assert f"payment_overdue: fee unpaid {shown['payment_waited_days']} working days" in english
    settled = json.loads(cli(d, "case", "show", paid, "--json").stdout)
    assert settled["payment_since"] is None and settled["payment_overdue"] is False
    assert "待繳逾" not in cli(d, "case", "show", paid).stdout
    monkeypatch.setenv("ESERVICE_PAYMENT_DUE_DAYS", "0")
    off = cli(d, "case", "show", unpaid).stdout
    assert "待繳逾" not in off and "payment_overdue: False" in off
