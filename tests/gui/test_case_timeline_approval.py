"""The timeline row of a supervisor's approval says what was approved and by whom. It showed
the reason alone (民眾要求作廢), its 承辦人 column the clerk who asked: nobody reading the case
could tell which supervisor let a void, a refund or a reduction go."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from approvals_support import SUPERVISOR, add_accounts, supervisor_approval
from factories import new_case
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from eservice_desktop.domain import events as ev
from eservice_desktop.gui.case_detail import CaseDetail
from eservice_desktop.gui.context import GuiContext
from eservice_desktop.gui.i18n import install_translators, remove_translators
from eservice_desktop.services import payments

EXPECTED = {
    "zh_TW": f"作廢收據：核准主管 {SUPERVISOR}；原因：民眾要求作廢",
    "en": f"void a receipt: approved by supervisor {SUPERVISOR}; reason: 民眾要求作廢",
}


@pytest.fixture(params=["zh_TW", "en"])
def lang(request: pytest.FixtureRequest, qapp: QApplication) -> Iterator[str]:
    translators = install_translators(qapp, request.param)
    yield request.param
    remove_translators(qapp, translators)


def test_an_approval_row_names_what_was_approved_and_the_supervisor(
    lang: str, sync_ctx: GuiContext, qtbot: QtBot
) -> None:
    add_accounts(sync_ctx.app)
    number = new_case(sync_ctx.app, copies=2)
    paid = payments.record_payment(sync_ctx.app, number, "cash", 30)
    payments.void_receipt(
        sync_ctx.app, paid.receipt_number, "民眾要求作廢", approval=supervisor_approval()
    )
    sync_ctx.lang = sync_ctx.tasks.lang = lang
    detail = CaseDetail(sync_ctx)
    qtbot.addWidget(detail)
    detail.load(number)
    qtbot.waitUntil(lambda: detail.view is not None and detail.timeline.rowCount() > 0)
    types = detail.timeline_types()
    row = types.index(ev.APPROVAL_GRANTED)
    assert detail.timeline.item(row, 4).text() == EXPECTED[lang]
    detail.timeline.setCurrentCell(row, 0)  # the row's details, whole, under the table
    assert detail.timeline_details.text().endswith(EXPECTED[lang])
