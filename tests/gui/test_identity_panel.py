"""The identity panel: NHI card → intake form → card pulled → everything cleared (real pcscd and
a virtual card), the reader states, and the MOICA PIN flow on SoftHSM2."""

from __future__ import annotations

import socket
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from approvals_support import SUPERVISOR, SUPERVISOR_PASSWORD, add_accounts
from factories import new_case
from PySide6.QtCore import QCoreApplication, QEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QSizePolicy
from pytestqt.qtbot import QtBot

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "integration" / "cards"))

import cards_pki as cp
import cards_vcard as vc

from eservice_desktop.devices.nhi import parse_record
from eservice_desktop.domain import events as ev
from eservice_desktop.gui import intake_form
from eservice_desktop.gui.context import GuiContext, ScreenCase
from eservice_desktop.gui.identity_dialogs import PinDialog
from eservice_desktop.gui.identity_panel import IdentityPanel
from eservice_desktop.services import cases, identity
from eservice_desktop.services.identity import ReaderState, ReaderStatus
from eservice_desktop.services.intake import IntakeRequest, intake


@pytest.fixture
def vcards() -> Iterator[Callable[..., vc.VirtualCard]]:
    # pcscd's vpcd may be slow to accept on a loaded machine: a few tries before saying it is
    # not there
    deadline = time.monotonic() + 10
    while True:
        try:
            socket.create_connection(("127.0.0.1", vc.PORTS[0]), timeout=2).close()
            break
        except OSError:
            if time.monotonic() > deadline:
                pytest.fail(
                    "pcscd with vpcd is not running: use `make test` (tools/test-services.sh)"
                )
            time.sleep(0.2)
    made: list[vc.VirtualCard] = []

    def make(handler: vc.Handler, port: int = vc.PORTS[0]) -> vc.VirtualCard:
        card = vc.VirtualCard(handler, port=port)
        made.append(card)
        return card

    yield make
    for card in made:
        card.remove()
    vc.wait_readers_empty()


@pytest.mark.pcsc
def test_nhi_card_fills_intake_and_pulling_it_clears_the_panel_only(
    ctx: GuiContext, qtbot: QtBot, vcards: Callable[..., vc.VirtualCard]
) -> None:
    form = intake_form.create_page(ctx)
    panel = IdentityPanel(ctx)
    qtbot.addWidget(form)
    qtbot.addWidget(panel)
    read: list[dict[str, str]] = []
    cleared: list[bool] = []
    ctx.applicant_read.connect(read.append)
    ctx.identity_cleared.connect(lambda: cleared.append(True))
    qtbot.waitUntil(lambda: panel.reader_label.text() == "請插入健保卡", timeout=5000)

    card = vcards(vc.nhi_handler(vc.nhi_record("林碁明".encode("cp950"))))
    card.insert()
    qtbot.waitUntil(lambda: form.applicant_id.text() == "A123456789", timeout=5000)
    assert form.applicant_name.text() == "林碁明"
    assert form.card_source.text() == "讀自健保卡"
    assert panel.nhi_name.text() == "林碁明" and panel.nhi_id.text() == "A123456789"
    assert "罕用字" in panel.nhi_warning.text()
    assert panel.reader_label.text() == "已讀取健保卡"
    assert read[-1]["source"] == "nhi"

    card.remove()
    qtbot.waitUntil(lambda: not panel.showing_data, timeout=5000)
    assert panel.nhi_name.text() == "" and panel.nhi_birth.text() == ""
    assert cleared == [True]
    # The panel forgets the card; the form keeps what it holds for this citizen's intake.
    assert form.applicant_id.text() == "A123456789" and form.applicant_name.text() == "林碁明"
    assert panel.reader_label.text() == "請插入健保卡"
    panel.shutdown()


@pytest.mark.pcsc
def test_unrelated_card_is_ignored_in_panel(
    ctx: GuiContext, qtbot: QtBot, vcards: Callable[..., vc.VirtualCard]
) -> None:
    panel = IdentityPanel(ctx)
    qtbot.addWidget(panel)
    read: list[dict[str, str]] = []
    ctx.applicant_read.connect(read.append)
    vcards(vc.unrelated_handler()).insert()
    qtbot.waitUntil(lambda: panel.reader_label.text() == "此卡不是健保卡（已略過）", timeout=5000)
    assert read == [] and not panel.showing_data
    panel.shutdown()


RECORD = parse_record(
    b"000012345678" + "王堃".encode("big5hkscs").ljust(20, b"\x00") + b"A1234567890750312M1100101"
)


def test_states_drive_the_panel(sync_ctx: GuiContext, qtbot: QtBot) -> None:
    panel = IdentityPanel(sync_ctx, start_monitor=False)
    qtbot.addWidget(panel)
    read: list[dict[str, str]] = []
    cleared: list[bool] = []
    sync_ctx.applicant_read.connect(read.append)
    sync_ctx.identity_cleared.connect(lambda: cleared.append(True))
    assert panel.reader_label.text() == "尋找讀卡機…"
    panel.on_status(ReaderStatus("A", ReaderState.NO_CARD))
    panel.on_status(ReaderStatus("B", ReaderState.NO_CARD))
    assert panel.reader_label.text() == "請插入健保卡"
    panel.on_status(ReaderStatus("A", ReaderState.READING, generation=1))
    assert panel.reader_label.text() == "讀卡中…"
    panel.on_status(ReaderStatus("A", ReaderState.SHOWN, generation=1, card="nhi", record=RECORD))
    assert panel.nhi_name.text() == "（無法解碼）"
    assert "人工輸入" in panel.nhi_warning.text()
    assert read[-1]["name"] == "" and read[-1]["name_flag"] == "undecodable"
    assert panel.nhi_birth.text().startswith("民國")
    # Another reader changing does not clear this card's data.
    panel.on_status(ReaderStatus("B", ReaderState.UNREADABLE, card="other", detail="not_nhi"))
    assert panel.showing_data and cleared == []
    panel.on_status(ReaderStatus("A", ReaderState.ERROR, detail="service_down"))
    assert not panel.showing_data and cleared == [True]
    assert panel.reader_label.text() == "此卡不是健保卡（已略過）"
    panel.on_status(ReaderStatus("B", ReaderState.NO_READER))
    panel.on_status(ReaderStatus("A", ReaderState.NO_READER))
    assert panel.reader_label.text() == "未連接讀卡機"


def test_the_reader_s_state_is_said(
    sync_ctx: GuiContext, qtbot: QtBot, said: list[tuple[str, bool]]
) -> None:
    """A card that could not be read (or was read) changed the line at the panel's top only:
    a clerk going by the screen reader heard nothing and waited on a form never filled."""
    panel = IdentityPanel(sync_ctx, start_monitor=False)
    qtbot.addWidget(panel)
    panel.on_status(ReaderStatus("A", ReaderState.NO_CARD))
    said.clear()
    panel.on_status(ReaderStatus("A", ReaderState.UNREADABLE, card="nhi"))
    refused = ("健保卡資料無法辨識，請重新插卡或改以人工輸入", False)
    assert said == [refused]
    panel.on_status(ReaderStatus("A", ReaderState.UNREADABLE, card="nhi"))  # the same: once
    assert said == [refused]
    panel.on_status(ReaderStatus("A", ReaderState.SHOWN, generation=1, card="nhi", record=RECORD))
    assert said[-1] == ("已讀取健保卡", False)  # after the card's own warning, said first
    said.clear()
    panel.on_status(ReaderStatus("A", ReaderState.NO_CARD))  # the readers' own states: unsaid
    panel.on_status(ReaderStatus("A", ReaderState.NO_READER))
    assert panel.reader_label.text() == "未連接讀卡機" and said == []


def test_the_operators_own_card_is_not_an_applicants(sync_ctx: GuiContext, qtbot: QtBot) -> None:
    # The card in lock_card_reader (pulling it locks the window) was shown as "read from the
    # NHI card" and filled the intake form with the clerk's own name and ID.
    sync_ctx.app.settings.lock_card_reader = "B"
    panel = IdentityPanel(sync_ctx, start_monitor=False)
    qtbot.addWidget(panel)
    read: list[dict[str, str]] = []
    sync_ctx.applicant_read.connect(read.append)
    panel.on_status(ReaderStatus("A", ReaderState.NO_CARD))
    panel.on_status(ReaderStatus("B", ReaderState.SHOWN, generation=1, card="nhi", record=RECORD))
    assert read == [] and not panel.showing_data
    assert panel.reader_label.text() == "請插入健保卡"


@pytest.fixture
def moica_ctx(ctx: GuiContext, tmp_path: Path) -> GuiContext:
    pki, _ = cp.shared_pki()
    s = ctx.app.settings
    s.trust_anchor_dir = str(pki.write_anchors(tmp_path / "anchors"))
    s.pkcs11_module = cp.SOFTHSM_MODULE
    s.pkcs11_token_label = "valid"
    for data in (pki.crl(), pki.arl()):
        assert identity.accept_crl(ctx.app, data, "test").accepted
    return ctx


def _on_screen(ctx: GuiContext, number: str) -> None:
    """The window's answer to "which case is in front of the clerk" (no window in these tests)."""
    ctx.screen_case = lambda: ScreenCase(number, cp.HOLDER_NAME, cp.HOLDER_ID)
    ctx.case_in_front.emit(ctx.screen_case())


@pytest.mark.softhsm
def test_moica_pin_flow_records_the_check(moica_ctx: GuiContext, qtbot: QtBot) -> None:
    panel = IdentityPanel(moica_ctx, start_monitor=False)
    qtbot.addWidget(panel)
    number = _case(moica_ctx)
    _on_screen(moica_ctx, number)
    changed: list[str] = []
    moica_ctx.case_changed.connect(changed.append)

    # A wrong PIN first: reported once, nothing retried, the next dialog warns.
    panel.verify_button.click()
    qtbot.waitUntil(lambda: panel.pin_dialog is not None, timeout=5000)
    dialog = panel.pin_dialog
    assert dialog is not None and "3" in dialog.tries_label.text()
    qtbot.keyClicks(dialog.pin, "000000")
    dialog.ok_button.click()
    assert dialog.pin.text() == ""  # the PIN does not stay in the widget
    qtbot.waitUntil(lambda: "PIN 碼錯誤" in panel.verdict_label.text(), timeout=5000)
    assert panel.verify_button.isEnabled()

    panel.verify_button.click()
    qtbot.waitUntil(lambda: panel.pin_dialog is not None, timeout=5000)
    dialog = panel.pin_dialog
    assert dialog is not None and "減少" in dialog.tries_label.text()
    qtbot.keyClicks(dialog.pin, cp.PIN)
    dialog.ok_button.click()
    qtbot.waitUntil(lambda: panel.last_result is not None, timeout=10000)
    assert panel.verdict_label.text() == f"身分驗證通過\n已記錄於案件 {number}"
    assert panel.checks_list.count() == 11
    assert all(panel.checks_list.item(i).text().startswith("✔") for i in range(11))
    assert changed == [number]
    view = cases.show_case(moica_ctx.app, number)
    assert [e for e in view.events if e["type"] == ev.IDENTITY_VERIFIED]
    # Both PIN dialogs are gone once answered: each stayed the panel's hidden child for as
    # long as the window ran, one for every citizen checked (gui/dialog_life.py).
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    assert panel.findChildren(PinDialog) == []


@pytest.mark.softhsm
def test_moica_refusal_is_shown_with_failed_check(moica_ctx: GuiContext, qtbot: QtBot) -> None:
    moica_ctx.app.settings.pkcs11_token_label = "revoked"
    panel = IdentityPanel(moica_ctx, start_monitor=False)
    qtbot.addWidget(panel)
    _on_screen(moica_ctx, _case(moica_ctx))
    panel.verify_button.click()
    qtbot.waitUntil(lambda: panel.pin_dialog is not None, timeout=5000)
    dialog = panel.pin_dialog
    assert dialog is not None
    qtbot.keyClicks(dialog.pin, cp.PIN)
    dialog.ok_button.click()
    qtbot.waitUntil(lambda: panel.last_result is not None, timeout=10000)
    # the check that failed is named with the verdict: the list showed it below the fold
    assert panel.verdict_label.text() == "身分驗證未通過：✘ 憑證廢止清冊（CRL）"
    failed = [
        panel.checks_list.item(i).text()
        for i in range(panel.checks_list.count())
        if panel.checks_list.item(i).text().startswith("✘")
    ]
    assert failed == ["✘ 憑證廢止清冊（CRL）"]


def test_locked_card_gets_guidance_not_a_pin_dialog(sync_ctx: GuiContext, qtbot: QtBot) -> None:
    # SoftHSM2 has no PIN lockout: the token status a locked MOICA card reports is built here.
    from eservice_desktop.devices.moica import PinTries, TokenStatus

    panel = IdentityPanel(sync_ctx, start_monitor=False)
    qtbot.addWidget(panel)
    locked = TokenStatus("HiCOS", "0001", "Chunghwa Telecom", "HiCOS", PinTries("locked", 0), None)
    panel._ask_pin(locked)
    assert panel.pin_dialog is None
    assert "已鎖卡" in panel.verdict_label.text() and "戶政事務所" in panel.verdict_label.text()
    assert panel.verify_button.isEnabled()


def test_final_try_is_announced_before_asking(qtbot: QtBot, sync_ctx: GuiContext) -> None:
    from eservice_desktop.gui.identity_panel import PinDialog

    dialog = PinDialog({"state": "final", "left": 1})
    qtbot.addWidget(dialog)
    assert "最後 1 次" in dialog.tries_label.text()


def test_enter_on_an_empty_pin_sends_nothing_to_the_card(
    qtbot: QtBot, sync_ctx: GuiContext
) -> None:
    # Enter on the empty field sent "" to the card, which counted it as a wrong PIN.
    from PySide6.QtCore import Qt

    from eservice_desktop.gui.identity_panel import PinDialog

    dialog = PinDialog({"state": "full", "left": 3})
    qtbot.addWidget(dialog)
    accepted: list[bool] = []
    dialog.accepted.connect(lambda: accepted.append(True))
    dialog.show()
    assert not dialog.ok_button.isEnabled()
    QTest.keyClick(dialog.pin, Qt.Key.Key_Return)
    assert accepted == [] and dialog.isVisible()
    qtbot.keyClicks(dialog.pin, "4829")
    assert dialog.ok_button.isEnabled()
    QTest.keyClick(dialog.pin, Qt.Key.Key_Return)
    assert accepted == [True]


@pytest.mark.softhsm
def test_supervisor_override_flow(moica_ctx: GuiContext, qtbot: QtBot, clock: object) -> None:
    from datetime import timedelta

    moica_ctx.app.settings.revocation_unknown_policy = "override"
    number = _case(moica_ctx)
    clock.set(cp.NOW + timedelta(days=2))  # type: ignore[attr-defined]  # the CRL is stale now
    panel = IdentityPanel(moica_ctx, start_monitor=False)
    qtbot.addWidget(panel)
    _on_screen(moica_ctx, number)

    def enter_pin() -> None:
        qtbot.waitUntil(lambda: panel.pin_dialog is not None, timeout=5000)
        dialog = panel.pin_dialog
        assert dialog is not None
        qtbot.keyClicks(dialog.pin, cp.PIN)
        dialog.ok_button.click()

    panel.verify_button.click()
    enter_pin()
    qtbot.waitUntil(lambda: panel.last_result is not None, timeout=10000)
    assert panel.last_result is not None and panel.last_result.verdict == "revocation_unknown"
    assert "主管覆核" in panel.verdict_label.text() and not panel.override_button.isHidden()
    panel.last_result = None

    add_accounts(moica_ctx.app)
    # Nothing typed, then a wrong password: said at once, the holder is not asked for the PIN
    # again (it was, and then the panel said to use --approver on the command line).
    for password, said in (("", "請主管輸入帳號、密碼及理由"), ("wrong-pass-1", "密碼錯誤")):
        panel.override_button.click()
        dialog = panel.override_dialog
        assert dialog is not None
        if password:
            dialog.supervisor.setText(SUPERVISOR)
            dialog.password.setText(password)
            dialog.reason.setText("county link down")
        dialog.accept()
        qtbot.waitUntil(lambda said=said: said in panel.verdict_label.text(), timeout=5000)
        assert panel.pin_dialog is None and "approver" not in panel.verdict_label.text()
        assert not panel.override_button.isHidden() and panel.override_button.isEnabled()

    panel.override_button.click()
    dialog = panel.override_dialog
    assert dialog is not None
    dialog.supervisor.setText(SUPERVISOR)
    dialog.password.setText(SUPERVISOR_PASSWORD)  # the supervisor's own password, not a name
    dialog.reason.setText("county link down")
    dialog.accept()
    enter_pin()  # a new proof: fresh nonce, the holder types the PIN again
    qtbot.waitUntil(lambda: panel.last_result is not None, timeout=10000)
    assert panel.last_result is not None
    assert panel.last_result.verdict == "verified_with_override"
    assert panel.verdict_label.text() == f"經主管覆核通過（撤銷狀態未知）\n已記錄於案件 {number}"
    payload = next(
        e["payload"]
        for e in cases.show_case(moica_ctx.app, number).events
        if e["type"] == ev.IDENTITY_VERIFIED
    )
    assert payload["override"] == {
        "supervisor": SUPERVISOR,
        "requested_by": "tester",
        "reason": "county link down",
    }


# -- which case a verification goes to --------------------------------------------------------


def test_a_result_arriving_after_the_clerk_moved_names_its_case(
    sync_ctx: GuiContext, qtbot: QtBot
) -> None:
    # Case A's proof finished while case B was in front: "revocation unknown, supervisor
    # override needed" and the override button showed under "will be recorded on case B".
    from eservice_desktop.devices import pki

    panel = IdentityPanel(sync_ctx, start_monitor=False)
    qtbot.addWidget(panel)
    a, b = "H01-01-115-000001-3", "H01-01-115-000002-1"
    _on_screen(sync_ctx, a)
    assert panel._begin()  # the PIN was entered for A
    _on_screen(sync_ctx, b)  # the clerk opened B meanwhile
    report = pki.ValidationReport()
    report.set("revocation_ee", "unknown", "no CRL for this issuer")
    panel._verdict(identity.ProofResult("revocation_unknown", report, reasons=["revocation_ee"]))
    assert panel.verdict_label.text().startswith(f"案件 {a} 的驗證結果：")
    assert "CRL 已過期" not in panel.verdict_label.text()  # none was ever downloaded
    assert panel.override_button.isHidden()
    assert b in panel.case_label.text()


def _case(ctx: GuiContext) -> str:
    """The card holder's case (王小明)."""
    return new_case(ctx.app, name=cp.HOLDER_NAME, applicant_id=cp.HOLDER_ID)


def _other_case(ctx: GuiContext) -> str:
    return new_case(ctx.app, name="林美玲", applicant_id="B120000008")


def test_panel_names_the_case_on_screen_never_the_last_case_that_changed(
    ctx: GuiContext, qtbot: QtBot
) -> None:
    from gui_keys import open_window, press, type_text
    from PySide6.QtCore import Qt

    from eservice_desktop.gui.main_window import INTAKE_PAGE

    first = _case(ctx)  # 王小明
    second = _other_case(ctx)  # 林美玲
    window = open_window(qtbot, ctx)
    panel = window.panels[0].panel
    assert isinstance(panel, IdentityPanel)
    # The queue shows no case: the verification would go with the intake form.
    assert panel.case_label.text().startswith("畫面上無案件：驗證結果將隨收件表單記錄")

    ctx.open_case_requested.emit(first)
    qtbot.waitUntil(
        lambda: panel.case_label.text() == f"驗證結果將記錄於案件 {first}（王○明）", timeout=5000
    )
    # Another case is written (a payment at the next window, a sync pull): nothing moves.
    ctx.case_changed.emit(second)
    qtbot.wait(200)
    assert panel.case_label.text() == f"驗證結果將記錄於案件 {first}（王○明）"
    assert panel.current_target() is not None
    assert panel.current_target().case_number == first  # type: ignore[union-attr]

    payment = window.show_page("eservice_desktop.gui.payment_page")
    payment.load(second)  # type: ignore[attr-defined]
    qtbot.waitUntil(
        lambda: panel.case_label.text() == f"驗證結果將記錄於案件 {second}（林○玲）", timeout=5000
    )

    press(Qt.Key.Key_F2)
    form = window.pages[INTAKE_PAGE]
    assert window.current_page() is form
    assert panel.case_label.text() == (
        "畫面上無案件：驗證結果將隨收件表單記錄；請先在收件表單輸入申請人證號及姓名"
    )
    form.applicant_id.setFocus()  # type: ignore[attr-defined]
    type_text("A123456789")
    form.applicant_name.setFocus()  # type: ignore[attr-defined]
    type_text("王小明")
    assert panel.case_label.text() == (
        "畫面上無案件：驗證結果將隨收件表單記錄於新案件（申請人 王○明）"
    )


def test_verify_without_case_or_applicant_asks_for_one_first(sync_ctx: GuiContext, qtbot: QtBot):
    panel = IdentityPanel(sync_ctx, start_monitor=False)
    qtbot.addWidget(panel)
    panel.verify_button.click()
    assert panel.pin_dialog is None
    assert "請先輸入申請人證號及姓名" in panel.verdict_label.text()
    assert panel.verify_button.isEnabled()


def _enter_pin(panel: IdentityPanel, qtbot: QtBot) -> None:
    qtbot.waitUntil(lambda: panel.pin_dialog is not None, timeout=5000)
    dialog = panel.pin_dialog
    assert dialog is not None
    qtbot.keyClicks(dialog.pin, cp.PIN)
    dialog.ok_button.click()


@pytest.mark.softhsm
def test_pin_dialog_names_the_case_and_a_changed_screen_records_nothing(
    moica_ctx: GuiContext, qtbot: QtBot
) -> None:
    first, second = _case(moica_ctx), _other_case(moica_ctx)
    panel = IdentityPanel(moica_ctx, start_monitor=False)
    qtbot.addWidget(panel)
    _on_screen(moica_ctx, first)
    panel.verify_button.click()
    qtbot.waitUntil(lambda: panel.pin_dialog is not None, timeout=5000)
    dialog = panel.pin_dialog
    assert dialog is not None
    assert dialog.target_label.text() == f"驗證結果將記錄於案件 {first}（王○明）"
    # While the holder types, the clerk opens another case: the PIN is not used for either.
    moica_ctx.screen_case = lambda: ScreenCase(second, "林美玲")
    qtbot.keyClicks(dialog.pin, cp.PIN)
    dialog.ok_button.click()
    assert panel.verdict_label.text() == "畫面上的案件已變更，未驗證：請再按「驗證自然人憑證」"
    qtbot.wait(300)
    assert panel.last_result is None
    for number in (first, second):
        types = [e["type"] for e in cases.show_case(moica_ctx.app, number).events]
        assert ev.IDENTITY_VERIFIED not in types


@pytest.mark.softhsm
def test_verification_on_the_intake_form_is_recorded_with_the_new_case(
    moica_ctx: GuiContext, qtbot: QtBot
) -> None:
    form = intake_form.IntakeForm(moica_ctx)
    qtbot.addWidget(form)
    panel = IdentityPanel(moica_ctx, start_monitor=False)
    qtbot.addWidget(panel)
    form.service_combo.setCurrentIndex(form.service_combo.findData("HR-TRANSCRIPT"))
    form.applicant_id.setText(cp.HOLDER_ID)
    form.applicant_name.setText(cp.HOLDER_NAME)
    form.field_widgets["registered_address"].setText("桃園市桃園區中正路1號")  # type: ignore[attr-defined]
    form._set_field_value("transcript_kind", "現戶")
    form._set_field_value("record_detail", "省略記事")
    assert panel.case_label.text().endswith("（申請人 王○明）")

    panel.verify_button.click()
    qtbot.waitUntil(lambda: panel.pin_dialog is not None, timeout=5000)
    assert panel.pin_dialog is not None
    assert panel.pin_dialog.target_label.text().endswith("（申請人 王○明）")
    _enter_pin(panel, qtbot)
    qtbot.waitUntil(lambda: panel.last_result is not None, timeout=10000)
    assert panel.verdict_label.text() == "身分驗證通過\n將於收件送出時記錄於新案件"
    assert panel.last_result is not None and panel.last_result.event_id is None
    assert form.identity_proof is panel.last_result
    assert form.proof_label.text() == "自然人憑證已驗證，送出時記錄於案件"

    form.submit()
    qtbot.waitUntil(lambda: form.last_case is not None, timeout=10000)
    assert form.last_case is not None
    number = form.last_case.case_number
    events = cases.show_case(moica_ctx.app, number).events
    # the proof and the fee are both recorded in the intake transaction
    assert [e["type"] for e in events] == [ev.RECEIVED, ev.IDENTITY_VERIFIED, ev.FEE_ASSESSED]
    assert events[1]["payload"]["holder_matched"] is True
    assert events[1]["payload"]["verdict"] == "verified"
    assert panel.verdict_label.text().endswith(f"已記錄於案件 {number}")
    assert form.identity_proof is None and form.proof_label.text() == ""


@pytest.mark.softhsm
def test_changing_the_applicant_drops_the_intake_verification(
    moica_ctx: GuiContext, qtbot: QtBot
) -> None:
    form = intake_form.IntakeForm(moica_ctx)
    qtbot.addWidget(form)
    panel = IdentityPanel(moica_ctx, start_monitor=False)
    qtbot.addWidget(panel)
    form.service_combo.setCurrentIndex(form.service_combo.findData("HR-TRANSCRIPT"))
    form.applicant_id.setText(cp.HOLDER_ID)
    form.applicant_name.setText(cp.HOLDER_NAME)
    form.field_widgets["registered_address"].setText("桃園市桃園區中正路1號")  # type: ignore[attr-defined]
    form._set_field_value("transcript_kind", "現戶")
    form._set_field_value("record_detail", "省略記事")
    panel.verify_button.click()
    _enter_pin(panel, qtbot)
    qtbot.waitUntil(lambda: form.identity_proof is not None, timeout=10000)

    form.applicant_id.setText("B120000008")  # another citizen now
    form.applicant_name.setText("林美玲")
    assert form.identity_proof is None
    assert panel.verdict_label.text() == "收件表單的申請人已變更或已清除：先前的驗證不再適用"
    form.submit()
    qtbot.waitUntil(lambda: form.last_case is not None, timeout=10000)
    assert form.last_case is not None
    types = [e["type"] for e in cases.show_case(moica_ctx.app, form.last_case.case_number).events]
    assert types == [ev.RECEIVED, ev.FEE_ASSESSED]  # no verification recorded


def test_intake_refuses_a_proof_whose_holder_is_not_the_applicant(
    moica_ctx: GuiContext,
) -> None:
    from eservice_desktop.devices.pki import ValidationReport
    from eservice_desktop.domain.errors import DomainError
    from eservice_desktop.storage import repo

    proof = identity.ProofResult(
        verdict="verified",
        report=ValidationReport(),
        certificate={"serial": "1", "issuer": "CN=x", "policies": []},
        holder={"name": "王小明", "id_last4": "6789", "matches": True},
        revocation={k: None for k in ("status", "source", "crl_number", "this_update", "age_s")},
    )
    fields = {
        "registered_address": "桃園市中壢區中央西路1號",
        "transcript_kind": "全戶",
        "record_detail": "詳細記事",
    }
    req = IntakeRequest(
        "HR-TRANSCRIPT", "B120000008", "林美玲", fields=fields, identity_proof=proof
    )
    with pytest.raises(DomainError) as e:
        intake(moica_ctx.app, req)
    assert e.value.code == "identity.not_this_applicant"
    with moica_ctx.app.reading() as s:
        assert repo.count_cases(s) == 0  # nothing stored, the number not used


# -- a card meets typed data (real pcscd, virtual NHI card) ------------------------------------


@pytest.mark.pcsc
def test_card_fills_empty_fields_asks_before_replacing_and_removal_clears_nothing(
    ctx: GuiContext, qtbot: QtBot, vcards: Callable[..., vc.VirtualCard]
) -> None:
    from PySide6.QtCore import Qt

    form = intake_form.create_page(ctx)
    panel = IdentityPanel(ctx)
    qtbot.addWidget(form)
    qtbot.addWidget(panel)
    assert isinstance(form, intake_form.IntakeForm)
    form.show()
    qtbot.waitUntil(lambda: panel.reader_label.text() == "請插入健保卡", timeout=5000)
    form.applicant_name.setText("林基明")  # typed by the clerk before the card came
    form.phone.setText("0912345678")

    card = vcards(vc.nhi_handler(vc.nhi_record("林碁明".encode("cp950"))))
    card.insert()
    qtbot.waitUntil(lambda: form.applicant_id.text() == "A123456789", timeout=5000)  # was empty
    qtbot.waitUntil(lambda: form.card_question is not None, timeout=2000)
    question = form.card_question
    assert question is not None
    assert "表單為「林基明」，卡片為「林碁明」" in question.informativeText()
    assert form.applicant_name.text() == "林基明"  # not replaced while the clerk is asked
    QTest.keyClick(question, Qt.Key.Key_Escape)  # Esc keeps what was typed
    qtbot.waitUntil(lambda: form.card_question is None, timeout=2000)
    assert form.applicant_name.text() == "林基明"

    card.remove()
    qtbot.waitUntil(lambda: not panel.showing_data, timeout=5000)
    assert form.applicant_id.text() == "A123456789"
    assert form.applicant_name.text() == "林基明" and form.phone.text() == "0912345678"

    card = vcards(vc.nhi_handler(vc.nhi_record("林碁明".encode("cp950"))))
    card.insert()
    qtbot.waitUntil(lambda: form.card_question is not None, timeout=5000)
    question = form.card_question
    assert question is not None
    assert "申請人證號" not in question.informativeText()  # the same ID: nothing to ask
    form.card_replace_button.click()
    qtbot.waitUntil(lambda: form.applicant_name.text() == "林碁明", timeout=2000)
    assert form.card_source.text() == "讀自健保卡"
    card.remove()
    qtbot.waitUntil(lambda: not panel.showing_data, timeout=5000)
    assert form.applicant_name.text() == "林碁明"
    panel.shutdown()


def test_a_proof_finishing_after_the_applicant_changed_does_not_go_to_the_form(
    sync_ctx: GuiContext, qtbot: QtBot
) -> None:
    from eservice_desktop.devices.pki import ValidationReport

    form = intake_form.IntakeForm(sync_ctx)
    qtbot.addWidget(form)
    panel = IdentityPanel(sync_ctx, start_monitor=False)
    qtbot.addWidget(panel)
    form.applicant_id.setText(cp.HOLDER_ID)
    form.applicant_name.setText(cp.HOLDER_NAME)
    assert panel._begin()  # the PIN went to the card for 王小明 ...
    form.applicant_id.setText("B120000008")  # ... while the clerk typed another citizen
    form.applicant_name.setText("林美玲")
    proof = identity.ProofResult(
        verdict="verified",
        report=ValidationReport(),
        holder={"name": cp.HOLDER_NAME, "id_last4": cp.HOLDER_ID[-4:], "matches": True},
    )
    panel._verdict(proof)
    assert form.identity_proof is None
    assert panel.verdict_label.text() == "收件表單的申請人已變更或已清除：先前的驗證不再適用"


def test_another_citizens_card_beside_a_case_says_so(
    sync_ctx: GuiContext, qtbot: QtBot, said: list[tuple[str, bool]]
) -> None:
    """A card read while a case is in front showed its holder's name and ID beside that case
    with no word that they are not the case's applicant's (and then painted it in red only: a
    screen reader said nothing); a business's case (its representative's card) and the right
    card say nothing."""
    panel = IdentityPanel(sync_ctx, start_monitor=False)
    qtbot.addWidget(panel)
    in_front: list[ScreenCase | None] = [ScreenCase("H01-01-115-000003-0", "陳大文", "F123456789")]
    sync_ctx.screen_case = lambda: in_front[0]
    panel.on_status(ReaderStatus("A", ReaderState.SHOWN, generation=1, card="nhi", record=RECORD))
    # the note wraps to the dock's width, as the verification's sentences do (at the counter's
    # font the note's one line widened the dock by half and squeezed the case beside it)
    ignored = QSizePolicy.Policy.Ignored
    assert panel.nhi_warning.sizePolicy().horizontalPolicy() == ignored
    note = "持卡人不是畫面上案件 H01-01-115-000003-0 的申請人（陳○文），請核對。"
    assert note in panel.nhi_warning.text()
    assert "人工輸入" in panel.nhi_warning.text()  # the card's own warning stays
    assert (" ".join(panel.nhi_warning.text().split()), True) in said
    for case in (ScreenCase("H01-01-115-000004-9", "王堃", "a123456789"), None):
        in_front[0] = case
        panel.refresh_target()  # the window tells the panel the case in front changed
        assert "持卡人" not in panel.nhi_warning.text()
    in_front[0] = ScreenCase("H01-01-115-000005-7", "大明工業", "04595257")
    panel.refresh_target()
    assert "持卡人" not in panel.nhi_warning.text()


def test_crl_download_does_not_hold_the_database_writer(
    ctx: GuiContext, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The scheduled download ran on the database writer: a mirror answering slowly held every
    # intake and payment of the counter behind it (up to a minute a list).
    from eservice_desktop.devices import crl as crlmod

    ctx.app.settings.crl_urls = "http://127.0.0.1:9/moica.crl"
    started, release = threading.Event(), threading.Event()

    def slow_mirror(url: str) -> bytes:
        started.set()
        release.wait(10)
        raise OSError("mirror gone")

    monkeypatch.setattr(crlmod, "download", slow_mirror)
    panel = IdentityPanel(ctx, start_monitor=False)
    qtbot.addWidget(panel)
    try:
        panel.update_crls_if_due()
        assert started.wait(5)
        written: list[str] = []
        ctx.tasks.run(lambda: "written", on_done=written.append)
        qtbot.waitUntil(lambda: written == ["written"], timeout=3000)
    finally:
        release.set()
    assert ctx.tasks.wait_idle()
    assert identity.crl_status(ctx.app) == []  # the failed download changed nothing
