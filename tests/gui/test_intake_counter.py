"""The intake page at the counter: empty required choices, the restored-draft banner, the
required-documents checklist, Esc with unsaved input, and the English of what this adds."""

from __future__ import annotations

import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

from gui_keys import open_window, press, tab, type_text
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QCheckBox, QComboBox, QLineEdit

from eservice_desktop.domain.office_zone import TAIPEI
from eservice_desktop.gui.case_detail import CaseDetail
from eservice_desktop.gui.context import GuiContext
from eservice_desktop.gui.i18n import install_translators, remove_translators, translations_dir
from eservice_desktop.gui.intake_form import IntakeForm
from eservice_desktop.gui.main_window import INTAKE_PAGE, QUEUE_PAGE
from eservice_desktop.services import cases
from eservice_desktop.services.core import App
from eservice_desktop.storage import repo

ALT = Qt.KeyboardModifier.AltModifier


def _count(app: App) -> int:
    with app.reading() as s:
        return repo.count_cases(s)


def _transcript(form: IntakeForm) -> None:
    form.service_combo.setCurrentIndex(form.service_combo.findData("HR-TRANSCRIPT"))
    form.applicant_id.setText("A123456789")
    form.applicant_name.setText("林美玲")
    address = form.field_widgets["registered_address"]
    assert isinstance(address, QLineEdit)
    address.setText("桃園市桃園區縣府路1號")


def test_required_choices_start_empty_and_saving_without_one_errs_beside_it(
    qtbot, sync_ctx: GuiContext
) -> None:
    form = IntakeForm(sync_ctx)
    qtbot.addWidget(form)
    _transcript(form)
    for key in ("transcript_kind", "record_detail"):
        combo = form.field_widgets[key]
        assert isinstance(combo, QComboBox)
        assert combo.currentIndex() == -1 and combo.currentText() == ""
        assert combo.placeholderText() == "請選擇"
        assert form.field_values()[key] == ""
    form.submit()
    label = form.error_labels["transcript_kind"]
    assert label.text() == "請選擇謄本種類"
    assert form.error_labels["record_detail"].text() == "請選擇記事"
    combo = form.field_widgets["transcript_kind"]
    assert label.parent() is combo.parent()  # on the field's own row, beside it
    assert _count(sync_ctx.app) == 0

    form._set_field_value("transcript_kind", "全戶")
    form._set_field_value("record_detail", "詳細記事")
    form.submit()
    assert form.last_case is not None
    assert form.last_case.fields["transcript_kind"] == "全戶"


def test_pickup_office_is_chosen_never_defaulted(qtbot, sync_ctx: GuiContext) -> None:
    form = IntakeForm(sync_ctx)
    qtbot.addWidget(form)
    _transcript(form)
    form._set_field_value("transcript_kind", "現戶")
    form._set_field_value("record_detail", "省略記事")
    assert form.pickup_office.currentIndex() == -1
    assert form.pickup_office.placeholderText() == "請選擇"
    form.pickup_method.setCurrentIndex(form.pickup_method.findData("other_office"))
    assert form.pickup_office.isEnabled() and form.pickup_office.currentIndex() == -1
    form.submit()
    assert form.error_labels["pickup_office"].text() == "請選擇領件機關"
    assert _count(sync_ctx.app) == 0
    form.pickup_office.setCurrentIndex(form.pickup_office.findData("H03"))
    form.submit()
    assert form.last_case is not None and form.last_case.pickup_office == "H03"


def test_choices_say_please_choose_in_english(
    qtbot, sync_ctx: GuiContext, qapp: QApplication
) -> None:
    translators = install_translators(qapp, "en")
    try:
        sync_ctx.lang = "en"
        form = IntakeForm(sync_ctx)
        qtbot.addWidget(form)
        form.service_combo.setCurrentIndex(form.service_combo.findData("HR-TRANSCRIPT"))
        combo = form.field_widgets["transcript_kind"]
        assert isinstance(combo, QComboBox)
        assert combo.placeholderText() == "Please choose"
        assert form.pickup_office.placeholderText() == "Please choose"
        boxes = list(form.document_boxes.values())
        assert boxes[0].text() == "The applicant's original national ID card (&1)"
        assert form.documents_box.title() == "Required documents (tick those presented)"
        assert form.discard_draft_button.text() == "&Discard draft"

        from eservice_desktop.services.intake import IntakeRequest, intake

        fields = {
            "registered_address": "桃園市桃園區縣府路1號",
            "transcript_kind": "現戶",
            "record_detail": "省略記事",
        }
        required = sync_ctx.app.catalogue.service("HR-TRANSCRIPT").required_documents
        req = IntakeRequest(
            "HR-TRANSCRIPT", "A123456789", "林美玲", fields=fields, documents=[required[1]]
        )
        number = intake(sync_ctx.app, req).case_number
        detail = CaseDetail(sync_ctx)
        qtbot.addWidget(detail)
        detail.load(number)
        assert detail.documents_label.text() == (
            "Presented 1/4: ✘ The applicant's original national ID card, ✔ Seal or signature, "
            "✘ Letter of authorisation and the agent's national ID card (when filed by an agent), "
            "✘ Proof of legal interest (when filed by an interested party)"
        )
    finally:
        remove_translators(qapp, translators)


def test_the_english_draft_banner_spaces_its_two_sentences(qtbot, ctx: GuiContext, qapp) -> None:  # type: ignore[no-untyped-def]
    """It read "...draft from 2026-12-03 11:55.If it is not this citizen's, ..."."""
    first = IntakeForm(ctx)
    qtbot.addWidget(first)
    _transcript(first)
    first.on_closing()
    first.save_draft()
    first.drafts.flush()
    translators = install_translators(qapp, "en")
    try:
        ctx.lang = "en"
        form = IntakeForm(ctx)
        qtbot.addWidget(form)
        form.restore_draft()
        text = form.draft_banner_label.text()
        assert text.startswith("Restored an unsubmitted intake draft from 20"), text
        assert ". If it is not" in text and ".If" not in text, text
    finally:
        remove_translators(qapp, translators)


def test_the_draft_banner_gives_the_time_by_the_counters_clock(qtbot, ctx: GuiContext) -> None:
    """The window's times are the counter's clock (the county's, by the offset a round
    learned); the draft was stamped by the PC's own, so on a PC 8 hours off the banner named a
    time 8 hours off the one the clerk had typed it at."""
    first = IntakeForm(ctx)
    qtbot.addWidget(first)
    _transcript(first)
    first.on_closing()
    first.save_draft()
    first.drafts.flush()
    form = IntakeForm(ctx)
    qtbot.addWidget(form)
    form.restore_draft()
    local = ctx.now().astimezone(TAIPEI)
    shown = f"已還原 {local.year - 1911}/{local:%m/%d %H:%M} 未送出的收件草稿"
    assert form.draft_banner_label.text().startswith(shown), form.draft_banner_label.text()


def test_restored_draft_is_announced_and_discarded_from_the_keyboard(
    qtbot, ctx: GuiContext
) -> None:
    path = ctx.app.settings.data_dir / "drafts" / "intake.json.sealed"
    first = IntakeForm(ctx)
    qtbot.addWidget(first)
    assert first.draft_banner.isHidden()  # nothing restored, nothing announced
    _transcript(first)
    first.on_closing()
    first.save_draft()
    first.drafts.flush()
    assert path.exists()

    window = open_window(qtbot, ctx)
    press(Qt.Key.Key_F2)
    form = window.current_page()
    assert isinstance(form, IntakeForm)
    assert form.applicant_name.text() == "林美玲"
    assert form.draft_banner.isVisible()
    text = form.draft_banner_label.text()
    assert text.startswith("已還原 ") and "未送出的收件草稿" in text and "Alt+D" in text
    assert "115/" in text  # the time it was saved, ROC date
    assert form.discard_draft_button.text() == "捨棄草稿(&D)"
    # The identity panel (built after the pages) knows the restored applicant too.
    panel = window.panels[0].panel
    assert panel.case_label.text().endswith("（申請人 林○玲）")  # type: ignore[attr-defined]
    # Keyboard reachable: Shift+Tab from the first field lands on the banner's buttons.
    assert QApplication.focusWidget() is form.service_combo
    press(Qt.Key.Key_Backtab)
    assert QApplication.focusWidget() is form.keep_draft_button
    press(Qt.Key.Key_Backtab)
    assert QApplication.focusWidget() is form.discard_draft_button
    tab(2)
    assert QApplication.focusWidget() is form.service_combo

    press(Qt.Key.Key_D, ALT)  # a mnemonic "animates" the click: it lands ~100 ms later
    qtbot.waitUntil(form.draft_banner.isHidden, timeout=2000)
    assert form.applicant_name.text() == "" and form.service is None
    form.drafts.flush()
    assert not path.exists()
    assert window.current_page() is form


def test_keep_hides_the_banner_and_keeps_the_draft(qtbot, sync_ctx: GuiContext) -> None:
    first = IntakeForm(sync_ctx)
    qtbot.addWidget(first)
    _transcript(first)
    first.save_draft()
    form = IntakeForm(sync_ctx)
    qtbot.addWidget(form)
    assert not form.draft_banner.isHidden()
    form.keep_draft_button.click()
    assert form.draft_banner.isHidden()
    assert form.applicant_name.text() == "林美玲"


def test_required_documents_are_a_checklist_whose_ticks_go_on_the_case(
    qtbot, ctx: GuiContext
) -> None:
    window = open_window(qtbot, ctx)
    press(Qt.Key.Key_F2)
    form = window.current_page()
    assert isinstance(form, IntakeForm)
    assert form.documents_box.isHidden()  # no service, no list
    _transcript(form)
    form._set_field_value("transcript_kind", "現戶")
    form._set_field_value("record_detail", "省略記事")
    required = list(ctx.app.catalogue.service("HR-TRANSCRIPT").required_documents)
    boxes = list(form.document_boxes.values())
    assert [b.text() for b in boxes] == [f"{d} (&{i + 1})" for i, d in enumerate(required)]
    assert not any(b.isChecked() for b in boxes)
    form.applicant_name.setFocus()
    press(Qt.Key.Key_1, ALT)
    qtbot.waitUntil(boxes[0].isChecked, timeout=2000)  # mnemonics click ~100 ms later
    press(Qt.Key.Key_3, ALT)
    qtbot.waitUntil(boxes[2].isChecked, timeout=2000)
    assert [b.isChecked() for b in boxes] == [True, False, True, False]
    # In the Tab chain, in order, after the pickup fields and before the submit button.
    form.pickup_method.setFocus()
    seen = []
    for _ in range(20):
        tab()
        if QApplication.focusWidget() is form.submit_button:
            break
        seen.append(QApplication.focusWidget())
    assert seen[-len(boxes) :] == boxes
    assert all(isinstance(w, QCheckBox) for w in seen)

    press(Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: form.last_case is not None, timeout=5000)
    case = form.last_case
    assert case is not None
    assert case.documents_presented == [required[0], required[2]]
    shown = cases.show_case(ctx.app, case.case_number)
    assert shown.events[0]["payload"]["documents"]["presented"] == [required[0], required[2]]
    assert form.document_boxes == {}  # cleared for the next citizen

    ctx.open_case_requested.emit(case.case_number)
    detail = window.current_page()
    assert isinstance(detail, CaseDetail)
    qtbot.waitUntil(lambda: detail.documents_label.text() != "", timeout=5000)
    assert detail.documents_label.text() == (
        f"已收 2／4：✔ {required[0]}、✘ {required[1]}、✔ {required[2]}、✘ {required[3]}"
    )


def test_esc_never_leaves_the_intake_page_with_unsaved_input(qtbot, ctx: GuiContext) -> None:
    window = open_window(qtbot, ctx)
    assert window.current_page() is window.pages[QUEUE_PAGE]
    press(Qt.Key.Key_F2)
    form = window.pages[INTAKE_PAGE]
    assert isinstance(form, IntakeForm)
    form.applicant_id.setFocus()
    type_text("A123456789")
    press(Qt.Key.Key_Escape)
    assert window.current_page() is form
    assert form.applicant_id.text() == "A123456789"
    assert "未送出" in window.statusBar().currentMessage()
    form.clear_form()
    press(Qt.Key.Key_Escape)
    assert window.current_page() is window.pages[QUEUE_PAGE]


def test_every_string_this_page_and_the_panel_show_has_english(tmp_path: Path) -> None:
    """lupdate reads the tr() calls of the files; every source must be translated in some .ts."""
    root = Path(__file__).resolve().parents[2]
    lupdate = Path(sys.executable).parent / "pyside6-lupdate"
    out = tmp_path / "all.ts"
    files = [
        root / "eservice_desktop" / "gui" / name
        for name in ("intake_form.py", "identity_panel.py", "case_detail.py")
    ]
    subprocess.run(
        [str(lupdate), *map(str, files), "-ts", str(out), "-source-language", "zh_TW"],
        check=True,
        capture_output=True,
    )
    have: set[tuple[str, str]] = set()
    for ts in translations_dir().glob("*_en.ts"):
        for context in ET.parse(ts).getroot().iter("context"):
            name = context.findtext("name") or ""
            for m in context.iter("message"):
                t = m.find("translation")
                text = "".join(t.itertext()) if t is not None else ""
                if t is not None and text.strip() and t.get("type") != "unfinished":
                    have.add((name, m.findtext("source") or ""))
    missing = [
        (context.findtext("name"), m.findtext("source"))
        for context in ET.parse(out).getroot().iter("context")
        for m in context.iter("message")
        if (context.findtext("name") or "", m.findtext("source") or "") not in have
    ]
    assert missing == []


def test_household_transcript_by_keyboard_alone_choices_included(qtbot, ctx: GuiContext) -> None:
    """The empty choices cost one key each (Down picks the first, Down again the next); the
    keys besides typed text are counted for the counter's key budget."""
    keys = 0

    def key(k: Qt.Key, mods: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier) -> None:
        nonlocal keys
        keys += 1
        press(k, mods)

    window = open_window(qtbot, ctx)
    key(Qt.Key.Key_F2)
    form = window.current_page()
    assert isinstance(form, IntakeForm)
    # What an NHI card read fills (the virtual-card path is in test_identity_panel.py).
    ctx.applicant_read.emit({"id": "A123456789", "name": "王小明", "birth": "", "source": "nhi"})
    type_text("HR-TRANSCRIPT")
    key(Qt.Key.Key_Tab)  # -> ID (from the card)
    key(Qt.Key.Key_Tab)  # -> name (from the card)
    key(Qt.Key.Key_Tab)  # -> phone
    key(Qt.Key.Key_Tab)  # -> e-mail
    key(Qt.Key.Key_Tab)  # -> registered address
    type_text("桃園市桃園區中正路1號")
    key(Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is form.field_widgets["transcript_kind"]
    key(Qt.Key.Key_Down)  # 現戶
    key(Qt.Key.Key_Tab)
    key(Qt.Key.Key_Down)
    key(Qt.Key.Key_Down)  # 省略記事
    key(Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: form.last_case is not None, timeout=5000)
    case = form.last_case
    assert case is not None
    assert case.fields["transcript_kind"] == "現戶"
    assert case.fields["record_detail"] == "省略記事"
    assert case.pickup_method == "counter"
    assert keys == 12


def test_enter_moves_to_the_next_field_still_to_fill(qtbot, ctx: GuiContext) -> None:
    """Enter skips what the card filled and what is optional; the household transcript then
    takes 8 keys besides typed text, from F2 to the case number."""
    keys = 0

    def key(k: Qt.Key, mods: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier) -> None:
        nonlocal keys
        keys += 1
        press(k, mods)

    window = open_window(qtbot, ctx)
    key(Qt.Key.Key_F2)
    form = window.current_page()
    assert isinstance(form, IntakeForm)
    ctx.applicant_read.emit({"id": "A123456789", "name": "王小明", "birth": "", "source": "nhi"})
    type_text("HR-TRANSCRIPT")
    key(Qt.Key.Key_Return)
    assert form.service is not None and form.service.code == "HR-TRANSCRIPT"
    assert QApplication.focusWidget() is form.field_widgets["registered_address"]
    type_text("桃園市桃園區中正路1號")
    key(Qt.Key.Key_Return)
    assert QApplication.focusWidget() is form.field_widgets["transcript_kind"]
    key(Qt.Key.Key_Down)
    key(Qt.Key.Key_Return)
    assert QApplication.focusWidget() is form.field_widgets["record_detail"]
    key(Qt.Key.Key_Down)
    key(Qt.Key.Key_Return)
    assert QApplication.focusWidget() is form.submit_button  # nothing left to fill
    assert form.last_case is None  # Enter in a field never submits by itself
    key(Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: form.last_case is not None, timeout=5000)
    case = form.last_case
    assert case is not None
    assert case.applicant_name == "王小明"
    assert case.fields == {
        "registered_address": "桃園市桃園區中正路1號",
        "transcript_kind": "現戶",
        "record_detail": "詳細記事",
    }
    assert keys == 8


def test_enter_on_an_empty_form_goes_to_the_first_missing_field(qtbot, ctx) -> None:
    window = open_window(qtbot, ctx)
    form = window.show_page(INTAKE_PAGE)
    assert isinstance(form, IntakeForm)
    type_text("戶籍謄本")  # several services match: Enter stays, the error says why
    press(Qt.Key.Key_Return)
    assert form.service is None
    assert QApplication.focusWidget() is form.service_combo
    assert form.error_labels["service"].text() == "查無此申辦項目，請輸入代碼或名稱"
    form.service_combo.setCurrentIndex(form.service_combo.findData("HR-TRANSCRIPT"))
    form.phone.setFocus()
    press(Qt.Key.Key_Return)
    assert QApplication.focusWidget() is form.field_widgets["registered_address"]
    form.applicant_name.setFocus()
    form.applicant_name.clear()
    press(Qt.Key.Key_Return)  # the ID is before the name: Enter goes forward only
    assert QApplication.focusWidget() is form.field_widgets["registered_address"]


def test_a_refusal_leaves_its_field_once_the_clerk_corrects_it(qtbot, sync_ctx: GuiContext) -> None:
    """A refused name or choice, corrected: the red text beside it went only at the next
    submit, so the corrected field still read as refused and the clerk hunted for the fault."""
    form = IntakeForm(sync_ctx)
    qtbot.addWidget(form)
    _transcript(form)
    form.applicant_name.setText("王\u202e小明")
    form.phone.setText("0912")
    form.submit()
    labels = form.error_labels
    assert labels["applicant_name"].text() and labels["phone"].text()
    assert labels["transcript_kind"].text() == "請選擇謄本種類"
    assert labels["record_detail"].text() == "請選擇記事"
    form.applicant_name.setText("王小明")
    form._set_field_value("transcript_kind", "全戶")
    assert labels["applicant_name"].text() == ""
    assert labels["transcript_kind"].text() == ""
    assert labels["record_detail"].text() == "請選擇記事"  # not corrected: still said
    assert labels["phone"].text()  # not corrected: still said
    assert _count(sync_ctx.app) == 0


def test_back_from_the_queue_the_typing_goes_on_where_it_stopped(qtbot, ctx: GuiContext) -> None:
    """Half a name typed, F3 to look something up, F2 back: the rest of the name went into the
    service box ("MingHR-MOICA-CARD …"), which then named no service and dropped its fields."""
    window = open_window(qtbot, ctx)
    press(Qt.Key.Key_F2)
    form = window.pages[INTAKE_PAGE]
    assert isinstance(form, IntakeForm)
    qtbot.waitUntil(form.service_combo.hasFocus)  # a fresh form starts at the service
    form.service_combo.setCurrentIndex(form.service_combo.findData("HR-MOICA-CARD"))
    form.applicant_name.setFocus()
    type_text("Wang")
    press(Qt.Key.Key_F3)
    assert window.current_page() is window.pages[QUEUE_PAGE]
    press(Qt.Key.Key_F2)
    assert window.current_page() is form
    type_text(" Ming")
    assert form.applicant_name.text() == "Wang Ming"
    assert form.service is not None and form.service.code == "HR-MOICA-CARD"
    assert form.service_combo.currentText().startswith("HR-MOICA-CARD")


def test_a_slip_in_the_service_box_loses_nothing_typed_below(qtbot, sync_ctx: GuiContext) -> None:
    """Text over the chosen service that names none drops the service's rows until a service
    is chosen again: what was typed and ticked in them came back empty."""
    form = IntakeForm(sync_ctx)
    qtbot.addWidget(form)
    _transcript(form)
    form._set_field_value("transcript_kind", "全戶")
    first_document = next(iter(form.document_boxes.values()))
    first_document.setChecked(True)
    form.service_combo.setEditText("MingHR-TRANSCRIPT")
    form._service_text_done()
    assert form.service is None and form.field_widgets == {}
    assert form.error_labels["service"].text() == "查無此申辦項目，請輸入代碼或名稱"
    assert form.state()["fields"]["registered_address"] == "桃園市桃園區縣府路1號"  # the draft
    form.service_combo.setEditText("HR-TRANSCRIPT")
    form._service_text_done()
    assert form.field_values()["registered_address"] == "桃園市桃園區縣府路1號"
    assert form.field_values()["transcript_kind"] == "全戶"
    assert next(iter(form.document_boxes.values())).isChecked()
    form.clear_form()  # what is cleared stays cleared
    form.service_combo.setCurrentIndex(form.service_combo.findData("HR-TRANSCRIPT"))
    assert form.field_values()["registered_address"] == ""


def test_a_card_read_behind_another_page_asks_when_the_form_comes_back(
    qtbot, ctx: GuiContext
) -> None:
    """A card read while a case was in front asked over that case whether to replace "the
    form's" data: the clerk looking at one citizen's case read it as about that case. The
    question now waits for the intake form (F2); a card pulled before that asks nothing."""
    window = open_window(qtbot, ctx)
    press(Qt.Key.Key_F2)
    form = window.pages[INTAKE_PAGE]
    assert isinstance(form, IntakeForm)
    form.applicant_name.setText("王大明")
    press(Qt.Key.Key_F3)
    card = {"id": "A123456789", "name": "王小明", "source": "nhi"}
    ctx.applicant_read.emit(card)
    assert form.card_question is None  # nothing over the queue
    assert form.applicant_id.text() == "A123456789"  # an empty field takes it, as before
    press(Qt.Key.Key_F2)
    question = form.card_question
    assert question is not None and "王大明" in question.informativeText()
    form.card_replace_button.click()
    qtbot.waitUntil(lambda: form.applicant_name.text() == "王小明", timeout=2000)

    form.applicant_name.setText("王大明")
    press(Qt.Key.Key_F3)
    ctx.applicant_read.emit(card)
    ctx.identity_cleared.emit()  # pulled before the clerk came back
    press(Qt.Key.Key_F2)
    assert form.card_question is None and form.applicant_name.text() == "王大明"


def test_enter_after_ticking_a_document_moves_on_to_submit(qtbot, ctx: GuiContext) -> None:
    """Alt+1 ticks the first document and puts the focus on it; Enter there did nothing, and
    the focus showed nowhere. Enter now goes on to 送出收件, where Enter submits."""
    window = open_window(qtbot, ctx)
    press(Qt.Key.Key_F2)
    form = window.current_page()
    assert isinstance(form, IntakeForm)
    _transcript(form)
    form._set_field_value("transcript_kind", "全戶")
    form._set_field_value("record_detail", "省略記事")
    form.applicant_name.setFocus()
    press(Qt.Key.Key_1, ALT)
    first = next(iter(form.document_boxes.values()))
    qtbot.waitUntil(first.isChecked, timeout=2000)
    assert QApplication.focusWidget() is first
    press(Qt.Key.Key_Return)
    assert QApplication.focusWidget() is form.submit_button
    assert form.last_case is None
    press(Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: form.last_case is not None, timeout=5000)
