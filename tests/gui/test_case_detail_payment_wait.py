"""The case page of a fee left unpaid past ``payment_due_days`` working days said only 期限暫停,
as on the day it was assessed: it now says for how many working days the fee has waited, and
stops once it is paid."""

from __future__ import annotations

from datetime import datetime

from factories import new_case
from gui_keys import open_case_detail

from eservice_desktop.domain.office_zone import TAIPEI
from eservice_desktop.gui.context import GuiContext
from eservice_desktop.services import payments


def test_the_page_says_a_fee_unpaid_too_long(qtbot, ctx: GuiContext, clock) -> None:  # type: ignore[no-untyped-def]
    number = new_case(ctx.app)  # Tuesday 3/10: the fee assessed at intake
    clock.set(datetime(2026, 3, 17, 10, 0, tzinfo=TAIPEI))  # 5 working days: the allowance
    _window, detail = open_case_detail(qtbot, ctx, number)
    assert detail.deadline_label.text() == "期限暫停"
    clock.set(datetime(2026, 3, 18, 10, 0, tzinfo=TAIPEI))  # 6
    detail.load(number)
    qtbot.waitUntil(lambda: "待繳" in detail.deadline_label.text(), timeout=5000)
    assert detail.deadline_label.text() == "期限暫停，待繳逾 6 工作天"
    payments.record_payment(ctx.app, number, "cash", 15)
    detail.load(number)
    qtbot.waitUntil(lambda: "待繳" not in detail.deadline_label.text(), timeout=5000)
    assert detail.deadline_label.text().startswith("到期日")
