"""The command line's balance of a cancelled or rejected case says what the fees page says:
money taken after the case ended is to refund, and nothing more is taken (not 餘額 0 while the
citizen is owed NT$300, not 餘額 300 once it was refunded)."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import factories
from approvals_support import SUPERVISOR, SUPERVISOR_PASSWORD, add_accounts
from overpaid_support import paid_again
from payments_tools import cli

from eservice_desktop.services import cases
from eservice_desktop.services.core import App

FEE = 300
RECEIPT = "H01-02-115-R000001"


def test_case_show_and_payment_list_of_a_case_paid_after_it_was_cancelled(
    app: App, clock: Any
) -> None:
    number = factories.new_case(app, copies=20)
    cases.cancel_case(app, number, "民眾撤回申請")
    clock.set(clock.now + timedelta(minutes=5))
    paid_again(app, number, FEE, RECEIPT)  # counter 02, offline, took the fee
    add_accounts(app)
    d = app.settings.data_dir
    app.close()
    assert json.loads(cli(d, "case", "show", number, "--json").stdout)["balance"] == 0
    assert "balance: 撤件後收費 300 元，請退費" in cli(d, "case", "show", number).stdout
    english = cli(d, "--lang", "en", "case", "show", number).stdout
    assert "balance: NT$300 taken after the case was cancelled: refund it" in english
    assert "撤件後收費 300 元，請退費" in cli(d, "payment", "list", number).stdout
    assert "餘額" not in cli(d, "payment", "list", number).stdout
    approver = ("--approver", SUPERVISOR, "--approver-password-stdin")
    refund = ("payment", "refund", RECEIPT, "--amount", "300", "--reason", "撤件退費", *approver)
    refunded = cli(d, *refund, stdin=SUPERVISOR_PASSWORD + "\n").stdout
    assert "已退 300  已撤件，不再收費" in refunded and "餘額 300" not in refunded
    assert "balance: 已撤件，不再收費" in cli(d, "case", "show", number).stdout
    listed_en = cli(d, "--lang", "en", "payment", "list", number).stdout
    assert "cancelled: nothing more is taken" in listed_en and "balance 300" not in listed_en


def test_an_open_case_keeps_its_balance(app: App) -> None:
    number = factories.new_case(app, copies=20)
    d = app.settings.data_dir
    app.close()
    assert "balance: 300" in cli(d, "case", "show", number).stdout
