"""The household transcript at the counter, from the keyboard alone, counting the keys: NHI card
inserted (virtual card through the real pcscd) → intake → cash with money tendered and change →
the receipt printed silently through a real CUPS queue to a loopback receipt printer.

The budget is 15 key presses besides typed text, and no mouse. libcups keeps its server per
thread: the UI thread is pointed at the private scheduler with ``cupsSetServer`` and the
window's worker threads (new in this test) read ``CUPS_SERVER``.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from cups_support import Cups, cups_fixture  # noqa: F401 (the `cups` fixture)
from gui_keys import open_window, press, type_text
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "integration" / "cards"))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "integration" / "payments"))

import cards_vcard as vc
from payments_tools import decode

from eservice_desktop.gui.context import GuiContext
from eservice_desktop.gui.intake_form import IntakeForm
from eservice_desktop.gui.payment_page import PaymentPage
from eservice_desktop.services import cases, payments

BUDGET = 15


@pytest.fixture
def card_reader() -> Iterator[Callable[[bytes], vc.VirtualCard]]:
    made: list[vc.VirtualCard] = []

    def insert(name: bytes) -> vc.VirtualCard:
        card = vc.VirtualCard(vc.nhi_handler(vc.nhi_record(name)), port=vc.PORTS[0])
        made.append(card)
        return card.insert()

    yield insert
    for card in made:
        card.remove()
    vc.wait_readers_empty()


@pytest.fixture
def counter_printer(cups: Cups, monkeypatch: pytest.MonkeyPatch) -> Iterator[Cups]:
    monkeypatch.setenv("CUPS_SERVER", cups.server)  # worker threads started from now on
    libcups = ctypes.CDLL(ctypes.util.find_library("cups") or "libcups.so.2")
    libcups.cupsSetServer(cups.server.encode())  # this (UI) thread
    try:
        yield cups
    finally:
        libcups.cupsSetServer(None)


@pytest.mark.pcsc
def test_household_transcript_card_to_printed_receipt_within_the_key_budget(
    ctx: GuiContext,
    qtbot: QtBot,
    card_reader: Callable[[bytes], vc.VirtualCard],
    counter_printer: Cups,
    tmp_path: Path,
) -> None:
    ctx.app.settings.printer_name = counter_printer.printer  # silent printing, as installed
    keys: list[str] = []

    def key(k: Qt.Key, mods: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier) -> None:
        keys.append(k.name)
        press(k, mods)

    window = open_window(qtbot, ctx)
    key(Qt.Key.Key_F2)
    form = window.current_page()
    assert isinstance(form, IntakeForm)

    card_reader("王小明".encode("big5"))
    qtbot.waitUntil(lambda: form.applicant_id.text() == "A123456789", timeout=10000)
    assert form.applicant_name.text() == "王小明"

    type_text("HR-TRANSCRIPT")
    key(Qt.Key.Key_Return)
    assert QApplication.focusWidget() is form.field_widgets["registered_address"]
    type_text("桃園市桃園區中正路1號")
    key(Qt.Key.Key_Return)
    key(Qt.Key.Key_Down)  # 謄本種類: the first choice
    key(Qt.Key.Key_Return)
    key(Qt.Key.Key_Down)  # 記事: the first choice
    key(Qt.Key.Key_Return)
    assert QApplication.focusWidget() is form.submit_button
    key(Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: form.last_case is not None, timeout=10000)
    case = form.last_case
    assert case is not None
    number = case.case_number
    fee = cases.show_case(ctx.app, number).balance
    assert fee > 0  # assessed at intake

    key(Qt.Key.Key_F6)
    page = window.current_page()
    assert isinstance(page, PaymentPage)
    qtbot.waitUntil(
        lambda: page.current is not None and page.current.view.case_number == number,
        timeout=10000,
    )
    assert page.pay_btn.isEnabled()
    # the cash the citizen hands over: the clerk types it where the cursor already is
    qtbot.waitUntil(lambda: QApplication.focusWidget() is page.tendered_spin, timeout=5000)
    type_text("100")
    assert page.tendered_spin.value() == 100
    key(Qt.Key.Key_F9)

    qtbot.waitUntil(lambda: bool(counter_printer.device.jobs), timeout=60000)
    paid = cases.show_case(ctx.app, number)
    assert paid.balance == 0
    [receipt] = payments.receipts_of_case(ctx.app, number)
    assert receipt.change == 100 - fee
    qtbot.waitUntil(
        lambda: payments.get_receipt(ctx.app, receipt.receipt_number).printed, timeout=10000
    )
    job = tmp_path / "job.pdf"
    job.write_bytes(counter_printer.device.jobs[0])
    assert receipt.receipt_number in decode(job).values()

    print(f"\nhousehold transcript, card to printed receipt: {len(keys)} keys: {keys}")
    assert len(keys) <= BUDGET, keys
