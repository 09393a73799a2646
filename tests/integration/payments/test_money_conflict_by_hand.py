"""A conflict about the citizen's money (溢繳, 撤件後收費) is not closed with a note while the
money is still owed back (services/conflict_money.py): resolved by hand, every counter dropped
it while the drawer held the citizen's money."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import factories
import pytest
from approvals_support import add_accounts, supervisor_approval
from overpaid_support import FEE, over_paid_case, paid_again
from payments_tools import cli

from eservice_desktop.domain.errors import DomainError
from eservice_desktop.services import cases, payments
from eservice_desktop.services.core import App
from eservice_desktop.services.sync.conflicts import open_conflicts, resolve_conflict


def test_an_over_payment_is_settled_by_its_refund_not_by_a_note(app: App) -> None:
    number = over_paid_case(app)
    [conflict] = open_conflicts(app)
    with pytest.raises(DomainError) as refused:
        resolve_conflict(app, conflict.conflict_id, "已退還現金給民眾")
    assert refused.value.code == "conflict.money_held"
    assert "尚有 300 元應退還民眾" in refused.value.message_zh
    assert "NT$300" in refused.value.message_en
    assert [c.conflict_id for c in open_conflicts(app)] == [conflict.conflict_id]
    add_accounts(app)
    receipt = payments.receipts_of_case(app, number)[0].receipt_number
    payments.refund(app, receipt, 100, "溢繳退還", approval=supervisor_approval())
    with pytest.raises(DomainError):  # 200 still owed
        resolve_conflict(app, conflict.conflict_id, "其餘已退")
    payments.refund(app, receipt, 200, "溢繳退還", approval=supervisor_approval())
    assert open_conflicts(app) == []  # the refund settled it


def test_money_taken_after_the_case_ended_is_refused_by_hand_on_the_command_line(
    app: App, clock: Any
) -> None:
    number = factories.new_case(app, copies=20)
    cases.cancel_case(app, number, "民眾撤件")
    clock.set(clock.now + timedelta(minutes=5))
    paid_again(app, number, FEE)  # counter 02 took the fee offline, after the cancel
    [conflict] = open_conflicts(app)
    d = app.settings.data_dir
    app.close()
    done = cli(d, "sync", "resolve", conflict.conflict_id, "--note", "已退", check=False)
    assert done.returncode == 2 and "應退還民眾" in done.stderr
    done = cli(
        d, "--lang", "en", "sync", "resolve", conflict.conflict_id, "--note", "x", check=False
    )
    assert done.returncode == 2 and "owed back to the citizen" in done.stderr
