"""Intake form: keyboard-only intake, field errors beside the field, drafts, identity cards."""

from __future__ import annotations

import json
import threading
from datetime import date
from pathlib import Path

import pytest
from gui_keys import open_window, press, tab, type_text
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLineEdit
from pytestqt.qtbot import QtBot

from eservice_desktop.domain.errors import DomainError
from eservice_desktop.domain.ids import classify_applicant_id
from eservice_desktop.gui.context import GuiContext
from eservice_desktop.gui.intake_form import IntakeForm
from eservice_desktop.gui.main_window import INTAKE_PAGE, QUEUE_PAGE
from eservice_desktop.gui.queue_page import QueuePage
from eservice_desktop.services.core import App
from eservice_desktop.storage import repo
from eservice_desktop.storage.sealed import Sealer


def _count(app: App) -> int:
    with app.reading() as s:
        return repo.count_cases(s)


def test_case_taken_in_by_keyboard_alone_appears_in_queue_with_due_date(qtbot, land_ctx):
    app = land_ctx.app
    service = app.catalogue.service("LR-CORRECTION")
    # Received Tuesday 2026-03-10 10:00 Taipei with a 3-working-day limit: Tuesday counts at
    # its 17:00 closing (1), Wednesday 11th (2), Thursday 12th (3) -> due Thursday 2026-03-12.
    assert service.time_limit_working_days == 3
    expected_due = date(2026, 3, 12)

    window = open_window(qtbot, land_ctx)
    press(Qt.Key.Key_F2)
    form = window.current_page()
    assert isinstance(form, IntakeForm)
    assert QApplication.focusWidget() is form.service_combo

    type_text("LR-CORRECTION")
    tab()
    assert form.service is not None and form.service.code == "LR-CORRECTION"
    assert QApplication.focusWidget() is form.applicant_id
    type_text("A123456789")
    tab()
    assert form.applicant_kind.text() == "個人（國民身分證）"
    type_text("王小明")
    tab()
    type_text("0912345678")
    tab(2)  # e-mail left empty
    assert QApplication.focusWidget() is form.field_widgets["parcel"]
    type_text("中正段 0123-0000")
    tab()
    type_text("地號誤植，請更正")
    press(Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)

    qtbot.waitUntil(lambda: form.last_case is not None, timeout=5000)
    case = form.last_case
    assert case is not None
    assert case.applicant_name == "王小明"
    assert case.fields == {"parcel": "中正段 0123-0000", "correction": "地號誤植，請更正"}
    assert case.due == expected_due.isoformat()
    assert form.applicant_id.text() == ""  # form cleared for the next citizen
    assert "115年3月12日" in form.result_label.text()

    press(Qt.Key.Key_F3)
    queue = window.current_page()
    assert isinstance(queue, QueuePage)
    assert queue.queue_name == "today"
    qtbot.waitUntil(lambda: queue.due_of(case.case_number) == expected_due, timeout=5000)
    row = next(i for i in queue.model.items() if i.case_number == case.case_number)
    assert row.due_text == "115/03/12"
    assert row.days_left == 3
    assert row.applicant_id_masked == "A12345****"
    qtbot.waitUntil(lambda: queue.counts().get("today") == 1)


def test_bad_id_is_rejected_beside_its_field_and_nothing_is_stored(qtbot, ctx):
    window = open_window(qtbot, ctx)
    form = window.show_page(INTAKE_PAGE)
    assert isinstance(form, IntakeForm)
    expected = ""
    try:
        classify_applicant_id("A123456788")
    except DomainError as e:
        expected = e.message_zh
    assert "檢查碼" in expected

    type_text("HR-TRANSCRIPT")
    tab()
    type_text("A123456788")  # last digit wrong
    tab()  # focus-out check
    label = form.error_labels["applicant_id"]
    assert label.text() == expected
    # "Next to the field": same row container, directly to its right.
    assert label.parent() is form.applicant_id.parent()
    assert label.geometry().left() >= form.applicant_id.geometry().right()
    assert abs(label.geometry().center().y() - form.applicant_id.geometry().center().y()) < 20

    type_text("王小明")
    form.field_widgets["registered_address"].setFocus()
    type_text("桃園市桃園區中正路1號")
    form.applicant_id.setFocus()
    form.error_labels["applicant_id"].clear()
    press(Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: form.error_labels["applicant_id"].text() == expected, timeout=5000)
    qtbot.waitUntil(form.submit_button.isEnabled)
    assert form.last_case is None
    assert _count(ctx.app) == 0
    assert QApplication.focusWidget() is form.applicant_id
    # The other fields were fine: no error beside them.
    assert form.error_labels["applicant_name"].text() == ""
    assert form.error_labels["registered_address"].text() == ""


def test_missing_required_fields_are_listed_each_beside_its_field(qtbot, sync_ctx):
    form = IntakeForm(sync_ctx)
    qtbot.addWidget(form)
    form.service_combo.setCurrentIndex(form.service_combo.findData("HR-TRANSCRIPT"))
    form.submit()
    assert form.error_labels["applicant_id"].text() != ""
    assert form.error_labels["applicant_name"].text() == "請輸入申請人姓名"
    assert form.error_labels["registered_address"].text() == "請輸入戶籍地址"
    assert _count(sync_ctx.app) == 0


def _fill(form: IntakeForm) -> None:
    form.service_combo.setCurrentIndex(form.service_combo.findData("HR-TRANSCRIPT"))
    form.applicant_id.setText("A123456789")
    form.applicant_name.setText("林美玲")
    form.phone.setText("0912345678")
    widget = form.field_widgets["registered_address"]
    assert isinstance(widget, QLineEdit)
    widget.setText("桃園市桃園區縣府路1號")
    form._set_field_value("transcript_kind", "現戶")
    form._set_field_value("record_detail", "省略記事")
    form.copies.setValue(2)


def _filled_and_saved(qtbot: QtBot, ctx: GuiContext) -> tuple[IntakeForm, Path, Sealer]:
    """An intake form filled in, its draft on disk as the debounced save writes it."""
    path = ctx.app.settings.data_dir / "drafts" / "intake.json.sealed"
    sealer = ctx.app.sealer
    assert sealer is not None
    form = IntakeForm(ctx)
    qtbot.addWidget(form)
    _fill(form)
    qtbot.waitUntil(path.exists, timeout=3000)
    qtbot.waitUntil(lambda: json.loads(sealer.read(path))["form"]["copies"] == 2)
    return form, path, sealer


def test_draft_survives_closing_and_a_crash(qtbot, ctx: GuiContext):
    # Crash case: the debounced save has already reached the disk before any close.
    form, path, sealer = _filled_and_saved(qtbot, ctx)
    assert [p.name for p in path.parent.iterdir()] == [path.name]  # no temporary file left
    crashed = json.loads(sealer.read(path))["form"]
    assert crashed["applicant_name"] == "林美玲"
    # the draft holds personal data: on disk it is ciphertext
    raw = path.read_bytes()
    assert "林美玲".encode() not in raw and b"A123456789" not in raw

    form.phone.setText("0987654321")
    form.on_closing()  # closing the window flushes the pending change at once
    form.close()

    again = IntakeForm(ctx)
    qtbot.addWidget(again)
    assert again.service is not None and again.service.code == "HR-TRANSCRIPT"
    assert again.applicant_id.text() == "A123456789"
    # the ID's kind beside it, as after typing it (it stayed blank until the ID was left again)
    assert again.applicant_kind.text() == "個人（國民身分證）"
    assert again.applicant_name.text() == "林美玲"
    assert again.phone.text() == "0987654321"
    assert again.copies.value() == 2
    assert again.field_values()["registered_address"] == "桃園市桃園區縣府路1號"

    again.submit()
    qtbot.waitUntil(lambda: again.last_case is not None, timeout=5000)
    again.drafts.flush()
    assert not path.exists()  # a successful intake clears the draft
    assert _count(ctx.app) == 1


def test_a_draft_restored_after_its_intake_was_committed_is_not_taken_in_twice(
    qtbot: QtBot, ctx: GuiContext
) -> None:
    """The window died between the intake's commit and the draft's removal: the draft came
    back as 未送出 and Ctrl+Enter took the citizen's case in a second time. The draft holds the
    case id its intake takes; sent again, it is refused, naming the case it already is."""
    form, path, _sealer = _filled_and_saved(qtbot, ctx)
    on_disk = path.read_bytes()  # the draft as the crash leaves it
    form.submit()
    qtbot.waitUntil(lambda: form.last_case is not None, timeout=5000)
    form.drafts.flush()
    number = form.last_case.case_number if form.last_case else ""
    form.close()
    path.write_bytes(on_disk)  # the removal never reached the disk
    again = IntakeForm(ctx)
    qtbot.addWidget(again)
    assert again.applicant_name.text() == "林美玲"  # restored as 未送出
    again.submit()
    qtbot.waitUntil(lambda: "已於先前送出" in again.form_error.text(), timeout=5000)
    assert number in again.form_error.text() and _count(ctx.app) == 1
    again.clear_form()  # the next citizen's form takes a new case
    _fill(again)
    again.submit()
    qtbot.waitUntil(lambda: _count(ctx.app) == 2, timeout=5000)


def test_drafts_are_sealed_and_written_off_the_ui_thread(
    qtbot: QtBot, ctx: GuiContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Sealing and fsyncing a draft takes a disk flush per pause in typing: never on the UI
    thread."""
    sealer = ctx.app.sealer
    assert sealer is not None
    writes: list[str] = []
    real = type(sealer).write

    def spy(self: object, path: Path, data: bytes) -> None:
        writes.append(threading.current_thread().name)
        real(self, path, data)  # type: ignore[arg-type]

    monkeypatch.setattr(type(sealer), "write", spy)
    form = IntakeForm(ctx)
    qtbot.addWidget(form)
    _fill(form)
    form.save_draft()
    form.drafts.flush()
    assert writes and all(name.startswith("draft-writer") for name in writes), writes
    assert form.drafts.load() == form.state()


def test_card_fills_empty_fields_and_pulling_it_keeps_the_form(qtbot, sync_ctx: GuiContext):
    form = IntakeForm(sync_ctx)
    qtbot.addWidget(form)
    form.phone.setText("0912345678")
    sync_ctx.applicant_read.emit(
        {"id": "A123456789", "name": "王小明", "birth": "1980-01-01", "source": "nhi"}
    )
    assert form.card_question is None  # nothing typed was in the way: no question
    assert form.applicant_id.text() == "A123456789"
    assert form.applicant_name.text() == "王小明"
    assert form.card_source.text() == "讀自健保卡"
    form.applicant_name.setText("王大明")  # corrected by hand: no longer the card's
    sync_ctx.identity_cleared.emit()
    assert form.applicant_id.text() == "A123456789"
    assert form.applicant_name.text() == "王大明"
    assert form.phone.text() == "0912345678"


def test_card_with_the_typed_values_written_another_way_asks_nothing(qtbot, sync_ctx: GuiContext):
    """The clerk typed the ID in lower case or full-width and the name with spaces around:
    that is the card's applicant, not a conflict to ask about; the card's form goes in."""
    form = IntakeForm(sync_ctx)
    qtbot.addWidget(form)
    for typed in ("a123456789 ", "Ａ１２３４５６７８９"):
        form.applicant_id.setText(typed)
        form.applicant_name.setText(" 王小明 ")
        sync_ctx.applicant_read.emit(
            {"id": "A123456789", "name": "王小明", "birth": "1980-01-01", "source": "nhi"}
        )
        assert form.card_question is None
        assert form.applicant_id.text() == "A123456789"
        assert form.applicant_name.text() == "王小明"
        assert form.card_source.text() == "讀自健保卡"
    # A different person is still a question (default: keep what was typed).
    form.applicant_id.setText("B123456780")
    sync_ctx.applicant_read.emit({"id": "A123456789", "name": "王小明", "source": "nhi"})
    assert form.card_question is not None
    assert "B123456780" in form.card_question.informativeText()
    form.card_question.reject()
    assert form.applicant_id.text() == "B123456780"


def test_service_picker_filters_by_name(qtbot, sync_ctx: GuiContext):
    form = IntakeForm(sync_ctx)
    qtbot.addWidget(form)
    index = form.find_service("英文戶籍")
    assert index is not None
    assert form.service_combo.itemData(index) == "HR-TRANSCRIPT-EN"
    assert form.find_service("hr-moica-card") == form.service_combo.findData("HR-MOICA-CARD")
    assert form.find_service("戶籍謄本") is None  # ambiguous: several services match


def test_window_has_queue_first(qtbot, ctx):
    window = open_window(qtbot, ctx)
    assert window.current_page() is window.pages[QUEUE_PAGE]
    assert window.windowTitle() == "戶政／地政事務所櫃檯系統 — 桃園市桃園戶政事務所"


def test_unknown_service_text_clears_the_choice_and_says_so(qtbot, sync_ctx: GuiContext):
    form = IntakeForm(sync_ctx)
    qtbot.addWidget(form)
    form.service_combo.setCurrentIndex(form.service_combo.findData("HR-TRANSCRIPT"))
    assert "registered_address" in form.field_widgets
    form.service_combo.setEditText("XX-NOTHING")
    form.submit()
    assert form.service is None
    assert form.error_labels["service"].text() == "查無此申辦項目，請輸入代碼或名稱"
    assert form.field_widgets == {}
    form.service_combo.setEditText("")
    form.submit()
    assert form.error_labels["service"].text() == "請選擇申辦項目"
    assert _count(sync_ctx.app) == 0


def test_the_forms_own_checks_never_read_the_account_on_the_gui_thread(
    qtbot, sync_ctx: GuiContext, monkeypatch
):
    """The form's checks before a submit call the services' guard on the GUI thread. Once the
    last look at the account was older than its check time, the guard read the account there:
    a transaction on the GUI thread (the autouse ``_no_gui_thread_io`` fails the test then; CI
    met it when a test ran 30 s after the sign-in). The look is left to the writer."""
    from eservice_desktop.services import operators_signin

    monkeypatch.setattr(operators_signin, "STILL_ACTIVE_CHECK_S", 0.0)
    form = IntakeForm(sync_ctx)
    qtbot.addWidget(form)
    form.service_combo.setEditText("XX-NOTHING")
    form.submit()
    assert form.error_labels["service"].text() == "查無此申辦項目，請輸入代碼或名稱"
    assert _count(sync_ctx.app) == 0


def test_date_fields_take_roc_dates_and_complain_beside_the_field(qtbot, sync_ctx: GuiContext):
    form = IntakeForm(sync_ctx)
    qtbot.addWidget(form)
    form.service_combo.setCurrentIndex(form.service_combo.findData("HR-MOICA-CARD"))
    form.applicant_id.setText("A123456789")
    form.applicant_name.setText("王小明")
    visit = form.field_widgets["visit_date"]
    assert isinstance(visit, QLineEdit)
    visit.setText("115-3-10 上午")
    form._set_field_value("visit_slot", "上午")
    form.submit()
    assert "日期格式錯誤" in form.error_labels["visit_date"].text()
    # Written right but no such day: the message says which, not "format"
    visit.setText("１１５／０２／３０")
    form.submit()
    assert form.error_labels["visit_date"].text() == "日期不存在：民國115年2月30日"
    visit.setText("115/13/40")
    form.submit()
    assert form.error_labels["visit_date"].text() == "日期不存在：民國115年13月40日"
    assert visit.text() == "115/13/40"  # kept as typed
    # A slip of the year's first digit (215 for 115) or an ISO date before ROC year 1: said as
    # the clerk leaves the field (2126 was taken; 1900-01-01 raised in the focus-out check)
    for typed in ("215/03/10", "1900-01-01"):
        visit.setText(typed)
        assert form._check_date("visit_date") is None
        assert form.error_labels["visit_date"].text() == (
            "預約日期超出合理範圍：須在民國 1 到 188 年之間（西元 1912–2099 年）"
        )
    form.submit()
    assert visit.text() == "1900-01-01"
    assert _count(sync_ctx.app) == 0
    # a zero-width space pasted along, and the ISO form typed full-width: read, not refused
    for typed in ("115/03/12\u200b", "２０２６－０３－１２"):
        visit.setText(typed)
        assert form._check_date("visit_date") == "2026-03-12", typed
    visit.setText("115/03/12")
    form.submit()
    assert form.last_case is not None
    assert form.last_case.fields["visit_date"] == "2026-03-12"


def test_a_department_desk_lists_only_its_departments_services(qtbot, make_app, tmp_path):
    from eservice_desktop.config import Settings
    from eservice_desktop.gui.tasks import TaskRunner

    app = make_app(Settings(data_dir=tmp_path / "d04", office_code="D04", device_id="01"))
    runner = TaskRunner()
    try:
        form = IntakeForm(GuiContext(app, runner, "zh_TW"))
        qtbot.addWidget(form)
        codes = [form.service_combo.itemData(i) for i in range(1, form.service_combo.count())]
        assert codes == [s.code for s in app.catalogue.services if s.department == "health"]
        assert len(codes) == 6 and all(c.startswith("HB-") for c in codes)
        offices = [form.pickup_office.itemData(i) for i in range(form.pickup_office.count())]
        assert offices == [f"H{i:02d}" for i in range(1, 14)] + [f"L{i:02d}" for i in range(1, 8)]
    finally:
        runner.shutdown()


def _transcript_form(qtbot, ctx: GuiContext) -> tuple[IntakeForm, QLineEdit]:  # type: ignore[no-untyped-def]
    """The intake form on a household transcript, and its address field."""
    form = open_window(qtbot, ctx).show_page(INTAKE_PAGE)
    assert isinstance(form, IntakeForm)
    form.service_combo.setCurrentIndex(form.service_combo.findData("HR-TRANSCRIPT"))
    address = form.field_widgets["registered_address"]
    assert isinstance(address, QLineEdit)
    return form, address


def _paste(qtbot, edit: QLineEdit, text: str) -> None:  # type: ignore[no-untyped-def]
    """``text`` pasted into ``edit`` with Ctrl+V, as from an e-mail or a spreadsheet."""
    edit.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is edit)
    QApplication.clipboard().setText(text)
    press(Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)


def test_line_breaks_pasted_into_one_line_fields_become_visible_spaces(qtbot, sync_ctx: GuiContext):
    """A one-line field never holds a line break or tab the clerk cannot see: pasted ones
    (Ctrl+V from an e-mail or a spreadsheet) become spaces in the field, and the case stores
    what the field shows."""
    form, address = _transcript_form(qtbot, sync_ctx)
    for edit, pasted, shown in (
        (form.applicant_id, "A123456789\r\n", "A123456789 "),
        (form.applicant_name, "王小明", "王小明"),
        (address, "桃園市桃園區\n中正路1號\t2樓\u2028之1", "桃園市桃園區 中正路1號 2樓 之1"),
    ):
        _paste(qtbot, edit, pasted)
        assert edit.text() == shown
    form._set_field_value("transcript_kind", "現戶")
    form._set_field_value("record_detail", "省略記事")
    form.submit()
    qtbot.waitUntil(lambda: form.last_case is not None, timeout=5000)
    assert form.last_case is not None
    assert form.last_case.fields["registered_address"] == "桃園市桃園區 中正路1號 2樓 之1"


def test_text_longer_than_a_field_takes_is_kept_and_refused_beside_it(qtbot, sync_ctx: GuiContext):
    """A pasted name or address longer than the field takes is not cut short where the clerk
    cannot see it (the end of a long address): it stays whole in the field and the submit says
    beside the field how much it may hold; nothing is stored."""
    form, address = _transcript_form(qtbot, sync_ctx)
    long_name = "王" * 61
    long_address = "桃園市桃園區中正路1號" + "之一" * 60
    for edit, pasted in ((form.applicant_name, long_name), (address, long_address)):
        _paste(qtbot, edit, pasted)
        assert edit.text() == pasted  # nothing typed is lost
    form.applicant_id.setText("A123456789")
    form._set_field_value("transcript_kind", "現戶")
    form._set_field_value("record_detail", "省略記事")
    form.submit()
    qtbot.waitUntil(lambda: form.error_labels["registered_address"].text() != "", timeout=5000)
    assert form.error_labels["registered_address"].text() == "戶籍地址最多 120 字"
    assert form.error_labels["applicant_name"].text() == "申請人姓名：過長（最多 60 字）"
    assert form.last_case is None and _count(sync_ctx.app) == 0


def test_a_change_typed_while_the_intake_is_on_its_way_stays_on_the_form(qtbot, ctx: GuiContext):
    """Ctrl+Enter, then a correction typed before the writer answers (it was busy with a sync
    round): the case is what was sent, and the correction, which it does not hold, is not
    wiped with the form; the clerk is told."""
    window = open_window(qtbot, ctx)
    form = window.show_page(INTAKE_PAGE)
    assert isinstance(form, IntakeForm)
    _fill(form)
    busy = threading.Event()
    ctx.tasks.run(busy.wait, 10)  # the writer is busy: the intake waits behind it
    form.phone.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is form.phone)
    press(Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    form.phone.selectAll()
    type_text("0987654321")  # noticed a wrong digit, typed on at once
    busy.set()
    qtbot.waitUntil(lambda: form.last_case is not None, timeout=5000)
    assert form.last_case is not None and form.last_case.phone == "0912345678"  # as sent
    assert form.phone.text() == "0987654321"  # the correction is still there
    assert form.applicant_name.text() == "林美玲"
    assert form.last_case.case_number in form.result_label.text()
    assert "未收件" in form.result_label.text()


def test_a_case_waiting_for_its_fee_says_when_its_time_limit_starts(qtbot, sync_ctx: GuiContext):
    """The fee is due at intake: the time limit is paused until it is paid, and the result says
    so instead of "due —"."""
    form = IntakeForm(sync_ctx)
    qtbot.addWidget(form)
    _fill(form)
    form.submit()
    assert form.last_case is not None and form.last_case.due is None
    assert form.result_label.text() == (
        f"已收件：{form.last_case.case_number}，繳清規費後起算處理期限"
    )


def test_a_name_with_an_invisible_character_is_refused_beside_it(qtbot, sync_ctx: GuiContext):
    """A name pasted from a web page or chat can carry a zero-width space: it looks like 王小明
    but no search for 王小明 finds the case. The form says which character, keeps the text."""
    form = IntakeForm(sync_ctx)
    qtbot.addWidget(form)
    form.service_combo.setCurrentIndex(form.service_combo.findData("HR-TRANSCRIPT"))
    form.applicant_id.setText("A123456789")
    form.applicant_name.setText("王\u200b小明")
    form.field_widgets["registered_address"].setText("桃園市桃園區縣府路1號")  # type: ignore[attr-defined]
    form._set_field_value("transcript_kind", "現戶")
    form._set_field_value("record_detail", "省略記事")
    form.submit()
    assert form.error_labels["applicant_name"].text() == (
        "申請人姓名：含有不允許的字元（U+200B ZERO WIDTH SPACE）"
    )
    assert form.applicant_name.text() == "王\u200b小明"
    assert _count(sync_ctx.app) == 0


def test_an_e_mail_typed_in_full_width_mode_is_stored_as_the_address_meant(
    qtbot, sync_ctx: GuiContext
):
    """An IME left in full-width mode types ｌｉｎ＠ｅｘａｍｐｌｅ．ｃｏｍ: that is lin@example.com
    (as full-width digits are in the ID and the phone), not "bad e-mail", nor stored unsendable."""
    form = IntakeForm(sync_ctx)
    qtbot.addWidget(form)
    form.service_combo.setCurrentIndex(form.service_combo.findData("HR-TRANSCRIPT"))
    form.applicant_id.setText("A123456789")
    form.applicant_name.setText("林美玲")
    form.email.setText("ｌｉｎ＠ｅｘａｍｐｌｅ．ｃｏｍ")
    form.field_widgets["registered_address"].setText("桃園市桃園區縣府路1號")  # type: ignore[attr-defined]
    form._set_field_value("transcript_kind", "現戶")
    form._set_field_value("record_detail", "省略記事")
    form.submit()
    assert form.error_labels["email"].text() == ""
    assert form.last_case is not None
    from eservice_desktop.services import cases

    received = cases.show_case(sync_ctx.app, form.last_case.case_number).events[0]
    assert received["payload"]["email"] == "lin@example.com"


def test_a_form_cleared_while_the_intake_is_on_its_way_stays_clear(qtbot, ctx: GuiContext):
    """Alt+L pressed while the case is being saved: the case is made, the form stays empty,
    no empty draft is kept on disk, and the result does not speak of edits left on the form."""
    window = open_window(qtbot, ctx)
    press(Qt.Key.Key_F2)
    form = window.current_page()
    assert isinstance(form, IntakeForm)
    form.service_combo.setCurrentIndex(form.service_combo.findData("HR-TRANSCRIPT"))
    form.applicant_id.setText("A123456789")
    form.applicant_name.setText("林美玲")
    form.field_widgets["registered_address"].setText("桃園市桃園區縣府路1號")  # type: ignore[attr-defined]
    form._set_field_value("transcript_kind", "現戶")
    form._set_field_value("record_detail", "省略記事")
    busy = threading.Event()
    ctx.tasks.run(busy.wait, 10)  # the writer is busy: the intake waits behind it
    form.applicant_name.setFocus()
    press(Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    press(Qt.Key.Key_L, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: form.applicant_name.text() == "", timeout=2000)
    busy.set()
    qtbot.waitUntil(lambda: form.last_case is not None, timeout=3000)
    ctx.tasks.wait_idle()
    assert _count(ctx.app) == 1
    assert form.result_label.text().startswith("已收件：")
    assert "\n" not in form.result_label.text()  # no "edits left on the form" note
    assert form.applicant_name.text() == "" and form.service is None
    form.drafts.flush()
    assert not (ctx.app.settings.data_dir / "drafts" / "intake.json.sealed").exists()


def test_the_chosen_service_reads_from_its_code(qtbot, sync_ctx: GuiContext):
    """In English the service box showed the end of the long name, "household registration
    transcript (online reservation)": HR-TRANSCRIPT and HR-TRANSCRIPT-EN read the same."""
    sync_ctx.lang = "en"
    form = IntakeForm(sync_ctx)
    qtbot.addWidget(form)
    line = form.service_combo.lineEdit()
    assert line is not None
    line.setText("English household")  # typed, then Enter (or leaving the box)
    form._service_text_done()
    assert form.service is not None and form.service.code == "HR-TRANSCRIPT-EN"
    assert line.cursorPosition() == 0
    assert form.service_combo.toolTip() == form.service_combo.currentText()
    assert form.service_combo.toolTip().startswith("HR-TRANSCRIPT-EN　")
    # a restored draft (or any choice) too
    form.set_state({**form.state(), "service_code": "HR-TRANSCRIPT"})
    assert line.cursorPosition() == 0 and form.service.code == "HR-TRANSCRIPT"


def test_ctrl_enter_pressed_twice_keeps_the_new_case_number_and_paints_no_errors(
    qtbot, ctx: GuiContext
):
    """A hurried double Ctrl+Enter: the first press takes the case in and clears the form, the
    second went to the empty form, wiped 已收件：… and painted three refusals on the fresh form,
    as if the case had not been taken in. The second press is the first one's repeat."""
    window = open_window(qtbot, ctx)
    form = window.show_page(INTAKE_PAGE)
    assert isinstance(form, IntakeForm)
    _fill(form)
    form.applicant_name.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is form.applicant_name)
    press(Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: form.last_case is not None, timeout=5000)
    qtbot.waitUntil(lambda: form.applicant_name.text() == "", timeout=2000)
    assert form.last_case is not None
    number = form.last_case.case_number
    press(Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    ctx.tasks.wait_idle()
    assert number in form.result_label.text()
    assert all(label.text() == "" for label in form.error_labels.values())
    assert form.form_error.text() == ""
    assert _count(ctx.app) == 1
    # the clerk starts the next applicant: a submit refuses what is missing again
    form.applicant_name.setText("王小明")
    form.submit()
    assert form.error_labels["service"].text() == "請選擇申辦項目"


@pytest.mark.parametrize(
    ("field", "typed", "fixed"),
    [("applicant_id", "A123456788", "A123456789"), ("visit_date", "115/02/30", "115/12/10")],
)
def test_enter_on_a_refused_id_or_date_keeps_the_cursor_there(
    qtbot, ctx: GuiContext, field: str, typed: str, fixed: str
) -> None:
    """A wrong check digit or a date that does not exist, then Enter: the cursor went on to the
    next empty field (the time slot, a drop-down), where the clerk's retyped number went
    nowhere. It stays in the field refused, its text selected, so typing again replaces it."""
    window = open_window(qtbot, ctx)
    form = window.show_page(INTAKE_PAGE)
    assert isinstance(form, IntakeForm)
    form.service_combo.setCurrentIndex(form.service_combo.findData("HR-MOICA-CARD"))
    form.applicant_id.setText("A123456789")
    form.applicant_name.setText("王小明")
    widget = form.applicant_id if field == "applicant_id" else form.field_widgets[field]
    assert isinstance(widget, QLineEdit)
    widget.clear()
    widget.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is widget)
    type_text(typed)
    press(Qt.Key.Key_Return)
    assert form.error_labels[field].text() != ""
    assert QApplication.focusWidget() is widget
    assert widget.selectedText() == typed
    type_text(fixed)  # typed again over the refused text
    assert widget.text() == fixed
    press(Qt.Key.Key_Return)
    assert form.error_labels[field].text() == ""
    assert QApplication.focusWidget() is not widget  # on to the next field to fill


def test_copies_past_the_most_are_refused_beside_the_field_not_cut(
    qtbot, sync_ctx: GuiContext
) -> None:
    """份數 100 typed: the box's top (99) dropped the last 0 and the case went in for 10 copies,
    its fee with it, nothing said. The count is typed whole and refused beside the field."""
    form = IntakeForm(sync_ctx)
    qtbot.addWidget(form)
    _fill(form)
    form.copies.setFocus()
    form.copies.selectAll()
    qtbot.keyClicks(form.copies, "100")
    assert form.copies.value() == 100
    form.submit()
    assert form.error_labels["copies"].text() == "份數須介於 1 到 99"
    assert _count(sync_ctx.app) == 0
