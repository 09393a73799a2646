"""Every event of a case reads in words on its timeline (and in the conflicts list), in both
languages: the office's receipt of an online payment and the treasury settlement showed their
codes, case.online_receipt_issued and case.payment_settled, in the 動作 column; the online
receipt's row said nothing of the receipt in its details."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from factories import new_case
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from eservice_desktop.domain import events as ev
from eservice_desktop.domain.event_labels import EVENT_LABELS
from eservice_desktop.domain.events import Actor
from eservice_desktop.gui.case_detail import CaseDetail
from eservice_desktop.gui.context import GuiContext
from eservice_desktop.gui.i18n import install_translators, remove_translators
from eservice_desktop.services import cases, ingest, online_receipt


def test_every_event_type_has_words() -> None:
    assert set(ev.ALL_TYPES) - set(EVENT_LABELS) == set()


WORDS = {"zh_TW": "開立線上繳費收據", "en": "Online payment receipt issued"}


@pytest.fixture(params=["zh_TW", "en"])
def lang(request: pytest.FixtureRequest, qapp: QApplication) -> Iterator[str]:
    translators = install_translators(qapp, request.param)
    yield request.param
    remove_translators(qapp, translators)


def test_an_online_receipt_row_says_what_it_is(
    lang: str, sync_ctx: GuiContext, qtbot: QtBot
) -> None:
    app = sync_ctx.app
    number = new_case(app, copies=2)
    paid = Actor("H01", "00", "channel:portal").event(
        cases.load_case(app, number).case_id,
        ev.PAYMENT_RECORDED,
        app.now(),
        {
            "payment_id": str(uuid.uuid4()),
            "method": "online",
            "amount": 30,
            "reference": "WEB-TXN-7",
            "payment_tool": "信用卡",
            "authorised_at": app.now().isoformat(),
        },
    )
    with app.transaction() as s:
        assert ingest.ingest_many(app, s, [paid], origin="county").refused == []
    issued = online_receipt.issue_online_receipt(app, number, "WEB-TXN-7")
    sync_ctx.lang = sync_ctx.tasks.lang = lang
    detail = CaseDetail(sync_ctx)
    qtbot.addWidget(detail)
    detail.load(number)
    qtbot.waitUntil(lambda: detail.view is not None and detail.timeline.rowCount() > 0)
    row = detail.timeline_types().index(ev.ONLINE_RECEIPT_ISSUED)
    assert detail.timeline.item(row, 1).text() == WORDS[lang]
    # its details name the receipt it issued, the amount and the transaction, as the other
    # receipts' rows do: the column stood empty
    details = {
        "zh_TW": f"線上繳費 30 元；收據 {issued.receipt_number}；交易序號 WEB-TXN-7",
        "en": f"Online payment NT$30; receipt {issued.receipt_number}; transaction reference "
        "WEB-TXN-7",
    }
    assert detail.timeline.item(row, 4).text() == details[lang]


RECEIVED_LAND = {
    "zh_TW": "土地鑑界；2筆",
    "en": "Land boundary survey; 2 × parcel",
}


def test_a_survey_received_counts_its_parcels(
    lang: str, land_ctx: GuiContext, qtbot: QtBot
) -> None:
    """A land office's timeline said 土地鑑界；2 份 (copies: 2) of a boundary survey of two
    parcels: the copies of a case count what its fee counts."""
    parcel = {"parcel": "中正段 0123-0000、0124-0000"}
    number = new_case(land_ctx.app, service="LR-BOUNDARY-SURVEY", copies=2, fields=parcel)
    land_ctx.lang = land_ctx.tasks.lang = lang
    detail = CaseDetail(land_ctx)
    qtbot.addWidget(detail)
    detail.load(number)
    qtbot.waitUntil(lambda: detail.view is not None and detail.timeline.rowCount() > 0)
    row = detail.timeline_types().index(ev.RECEIVED)
    assert detail.timeline.item(row, 4).text() == RECEIVED_LAND[lang]
