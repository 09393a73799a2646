"""What the case detail says, in both languages: each timeline event's details (amount and
method, receipt number, who collected for whom, the identity verdict) and a provisional due
date (暫定) in the detail and in the queue."""

from __future__ import annotations

import random
from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot
from test_lang_sweep import _pay_in_full, _transcript, build_cases

from eservice_desktop.domain import events as ev
from eservice_desktop.domain.ids import generate_national_id
from eservice_desktop.gui.case_detail import CaseDetail
from eservice_desktop.gui.context import GuiContext
from eservice_desktop.gui.i18n import install_translators, remove_translators
from eservice_desktop.services import cases
from eservice_desktop.services.queue_rows import load_queue

EXPECTED = {
    "zh_TW": {
        ev.PAYMENT_RECORDED: "現金 15 元；收據 {receipt}；收 115 元，找零 100 元",
        ev.RECEIPT_ISSUED: "收據 {receipt}",
        ev.PICKED_UP: "陳大文（Y14047****）代理 王小明 領取；關係：子；掃描領件 QR 碼",
        ev.IDENTITY_VERIFIED: "自然人憑證：主管覆核後通過；持卡人與申請人相符；"
        "覆核主管 林主任：憑證廢止清單逾時；憑證序號 0A1B2C",
        ev.FEE_ASSESSED: "應繳 15 元",
    },
    "en": {
        ev.PAYMENT_RECORDED: "Cash NT$15; receipt {receipt}; tendered NT$115, change NT$100",
        ev.RECEIPT_ISSUED: "receipt {receipt}",
        ev.PICKED_UP: "Collected by 陳大文 (Y14047****) as proxy for 王小明; relation: 子; "
        "pickup QR code scanned",
        ev.IDENTITY_VERIFIED: "MOICA certificate: passed after a supervisor's override; card "
        "holder is the applicant; override by supervisor 林主任: 憑證廢止清單逾時; certificate "
        "serial 0A1B2C",
        ev.FEE_ASSESSED: "NT$15 due",
    },
}


@pytest.fixture(params=["zh_TW", "en"])
def lang(request: pytest.FixtureRequest, qapp: QApplication) -> Iterator[str]:
    translators = install_translators(qapp, request.param)
    yield request.param
    remove_translators(qapp, translators)


def test_timeline_details_and_provisional_due(
    lang: str, ctx: GuiContext, qtbot: QtBot, clock: Any
) -> None:
    numbers = build_cases(ctx.app, clock)
    ctx.lang = ctx.tasks.lang = lang
    detail = CaseDetail(ctx)
    qtbot.addWidget(detail)
    detail.load(numbers["collected"])
    qtbot.waitUntil(lambda: detail.timeline.rowCount() > 0 and detail.view is not None)
    assert detail.view is not None
    receipt = next(
        e["payload"]["receipt_number"]
        for e in detail.view.events
        if e["type"] == ev.PAYMENT_RECORDED
    )
    shown = {t: detail.timeline.item(i, 4).text() for i, t in enumerate(detail.timeline_types())}
    for type_, text in EXPECTED[lang].items():
        assert shown[type_] == text.format(receipt=receipt), type_

    detail.load(numbers["late"])
    qtbot.waitUntil(lambda: detail.view is not None and detail.view.case_number == numbers["late"])
    text = detail.deadline_label.text()
    if lang == "en":
        assert "provisional (no working calendar imported for 2028)" in text
    else:
        assert "暫定（117 年辦公日曆尚未匯入）" in text
    # the same mark in the queue, and not on a case whose year is covered (one open this year,
    # whatever the demo data left open)
    other = _transcript(ctx.app, "張志明", generate_national_id(random.Random(3))).case_number
    _pay_in_full(ctx.app, other)  # paid: its clock runs towards a due date this year
    rows = {i.case_number: i.due_text for i in load_queue(ctx.app, "open", lang)}
    mark = " (provisional)" if lang == "en" else "（暫定）"
    assert rows[numbers["late"]].endswith(mark)
    others = [t for n, t in rows.items() if n != numbers["late"] and t != "—"]
    assert others and not any(t.endswith(mark) for t in others)
    assert cases.show_case(ctx.app, numbers["late"]).provisional is True


def test_english_lists_join_with_commas(sync_ctx: GuiContext, qtbot) -> None:  # type: ignore[no-untyped-def]
    """An operator's roles and a supplement's items were joined with 、 in English too."""
    from eservice_desktop.domain import events as ev
    from eservice_desktop.gui.operators_page import OperatorsPage
    from eservice_desktop.gui.timeline import describe

    sync_ctx.lang = "en"
    page = OperatorsPage(sync_ctx)
    qtbot.addWidget(page)
    assert page._role_text(("clerk", "supervisor")) == "Counter clerk, Supervisor"
    event = {"type": ev.SUPPLEMENT_REQUESTED, "payload": {"reason": "r", "items": ["a", "b"]}}
    assert "a, b" in describe(event, zh=False)
    assert "a、b" in describe(event, zh=True)


FIELDS_SHOWN = {
    "zh_TW": "預約日期：民國115年3月12日；預約時段：下午",
    "en": "Requested date: 2026-03-12; Time slot: Afternoon",
}


def test_the_detail_says_what_was_applied_for(lang: str, ctx: GuiContext, qtbot: QtBot) -> None:
    """The service's fields (the date and time asked for, a transcript's address and kind: what
    a web portal sent before 收件) were shown nowhere in the window, only by case show --json."""
    from factories import new_case

    fields = {"visit_slot": "下午", "visit_date": "2026-03-12"}
    number = new_case(ctx.app, service="HR-MOICA-CARD", fields=fields)
    ctx.lang = ctx.tasks.lang = lang
    detail = CaseDetail(ctx)
    qtbot.addWidget(detail)
    detail.load(number)
    qtbot.waitUntil(lambda: detail.view is not None)
    assert detail.fields_label.text() == FIELDS_SHOWN[lang]


def test_a_long_details_reads_whole_from_the_keyboard(
    lang: str, ctx: GuiContext, qtbot: QtBot
) -> None:
    """A long 說明 (a reason typed by a clerk) was cut off in its column, whole only in a
    tooltip no key reaches: the row the arrow keys select shows it whole under the table."""
    from factories import new_case
    from PySide6.QtCore import Qt

    number = new_case(ctx.app)
    reason = "申請人所附戶籍謄本影本不清晰，" * 8 + "請補正清晰影本並由申請人親自簽章後再送件"
    cases.request_supplement(ctx.app, number, reason)
    ctx.lang = ctx.tasks.lang = lang
    detail = CaseDetail(ctx)
    qtbot.addWidget(detail)
    detail.load(number)
    qtbot.waitUntil(lambda: detail.view is not None and detail.timeline.rowCount() > 1)
    row = detail.timeline_types().index(ev.SUPPLEMENT_REQUESTED)
    detail.timeline.setFocus()
    qtbot.keyClick(detail.timeline, Qt.Key.Key_Home, Qt.KeyboardModifier.ControlModifier)
    for _ in range(row):
        qtbot.keyClick(detail.timeline, Qt.Key.Key_Down)
    assert detail.timeline.currentRow() == row
    label = "說明：" if lang == "zh_TW" else "Details: "
    assert detail.timeline_details.text() == label + reason
    assert detail.timeline_details.wordWrap()
