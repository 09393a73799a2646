"""Case detail: 新手機 (Alt+M, Enter) records the applicant's new mobile number on the case on
screen; a malformed number is refused at once with the text kept, and a number typed for one
case never goes to the next one put on screen."""

from __future__ import annotations

from datetime import timedelta

from factories import new_case
from gui_keys import open_case_detail
from pickup_support import ready_with_county_keys
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from eservice_desktop.domain import events as ev
from eservice_desktop.domain.events import Actor
from eservice_desktop.gui.context import GuiContext
from eservice_desktop.services import cases
from eservice_desktop.services.ingest import ingest
from eservice_desktop.storage import repo


def test_alt_m_and_enter_record_the_new_number_on_the_case_shown(qtbot, ctx: GuiContext) -> None:
    number = new_case(ctx.app, phone="0912345678")
    _window, detail = open_case_detail(qtbot, ctx, number)
    row = detail.phone_row
    qtbot.waitUntil(row.edit.isEnabled, timeout=3000)
    assert row.edit.placeholderText() == "目前 0912345678"
    qtbot.keyClick(detail, Qt.Key.Key_M, Qt.KeyboardModifier.AltModifier)
    assert QApplication.focusWidget() is row.edit
    qtbot.keyClicks(row.edit, "0987-65432")
    qtbot.keyClick(row.edit, Qt.Key.Key_Return)
    assert "09 開頭的 10 位數字" in detail.error_label.text()
    assert row.edit.text() == "0987-65432" and row.edit.selectedText() == "0987-65432"
    assert ev.PHONE_CHANGED not in detail.timeline_types()
    qtbot.keyClicks(row.edit, "0987-654-321")  # typing replaces the selected text
    qtbot.keyClick(row.edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: detail.timeline_types()[-1:] == [ev.PHONE_CHANGED], timeout=3000)
    assert cases.load_case(ctx.app, number).phone == "0987654321"
    qtbot.waitUntil(lambda: row.edit.text() == "", timeout=3000)
    assert row.edit.placeholderText() == "目前 0987654321"


def test_a_number_typed_for_one_case_waits_with_it(qtbot, ctx: GuiContext) -> None:
    first = new_case(ctx.app, phone="0912345678")
    second = new_case(ctx.app, phone="0911111111", applicant_id="B123456780")
    _window, detail = open_case_detail(qtbot, ctx, first)
    row = detail.phone_row
    qtbot.waitUntil(row.edit.isEnabled, timeout=3000)
    row.edit.setText("0987654321")
    detail.load(second)
    assert row.edit.text() == ""
    qtbot.waitUntil(lambda: row.edit.placeholderText() == "目前 0911111111", timeout=3000)
    detail.load(first)
    assert row.edit.text() == "0987654321"


def test_a_cancelled_case_takes_no_number(qtbot, ctx: GuiContext) -> None:
    number = new_case(ctx.app, phone="0912345678")
    cases.cancel_case(ctx.app, number, "民眾撤回申請")
    _window, detail = open_case_detail(qtbot, ctx, number)
    qtbot.waitUntil(lambda: detail.view is not None, timeout=3000)
    assert not detail.phone_row.edit.isEnabled() and not detail.phone_row.button.isEnabled()


def test_alt_q_asks_and_then_asks_the_county_for_a_new_code(qtbot, ctx: GuiContext) -> None:
    number, _token = ready_with_county_keys(ctx.app)
    _window, detail = open_case_detail(qtbot, ctx, number)
    row = detail.phone_row
    qtbot.waitUntil(row.reissue_button.isEnabled, timeout=3000)
    asked: list[str] = []
    answers = [False, True]

    def answer(view) -> bool:  # type: ignore[no-untyped-def]
        asked.append(view.case_number)
        return answers.pop(0)

    row.confirm_reissue = answer  # type: ignore[method-assign]
    qtbot.keyClick(detail, Qt.Key.Key_Q, Qt.KeyboardModifier.AltModifier)
    assert asked == [number] and ev.CODE_REISSUE_REQUESTED not in detail.timeline_types()
    qtbot.keyClick(detail, Qt.Key.Key_Q, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(
        lambda: detail.timeline_types()[-1:] == [ev.CODE_REISSUE_REQUESTED], timeout=3000
    )
    assert asked == [number, number]


def test_no_new_code_before_the_case_is_ready(qtbot, ctx: GuiContext) -> None:
    number = new_case(ctx.app, phone="0912345678")
    _window, detail = open_case_detail(qtbot, ctx, number)
    qtbot.waitUntil(detail.phone_row.edit.isEnabled, timeout=3000)
    assert not detail.phone_row.reissue_button.isEnabled()


def test_the_applicants_other_case_on_the_old_number_is_named(qtbot, ctx: GuiContext) -> None:
    number = new_case(ctx.app, phone="0912345678")
    other = new_case(ctx.app, phone="0912345678")
    said: list[str] = []
    ctx.status_message.connect(said.append)
    _window, detail = open_case_detail(qtbot, ctx, number)
    row = detail.phone_row
    qtbot.waitUntil(row.edit.isEnabled, timeout=3000)
    qtbot.keyClicks(row.edit, "0987654321")
    qtbot.keyClick(row.edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: any(other in m for m in said), timeout=3000)
    assert said[-1] == f"申請人另有案件的手機號碼不是 0987654321：{other}（請逐案變更）"


def test_a_change_older_than_one_pulled_is_refused_in_the_window(qtbot, ctx: GuiContext) -> None:
    """A counter whose clock is behind another's: the change would change nothing (the later
    one holds), and the window showed the old number as recorded. The refusal is said on the
    page, the number typed kept, nothing recorded."""
    number = new_case(ctx.app, phone="0912345678")
    later = ctx.app.now() + timedelta(hours=1)
    with ctx.app.transaction() as s:
        case_id = cases.resolve_case_id(s, number)
        e = Actor(ctx.app.settings.office_code, "02", "clerk2").event(
            case_id, ev.PHONE_CHANGED, later, {"phone": "0922222222"}
        )
        ingest(ctx.app, s, e, repo.load_state(s, case_id), origin="county")
    _window, detail = open_case_detail(qtbot, ctx, number)
    row = detail.phone_row
    qtbot.waitUntil(row.edit.isEnabled, timeout=3000)
    before = detail.timeline_types()
    qtbot.keyClick(detail, Qt.Key.Key_M, Qt.KeyboardModifier.AltModifier)
    qtbot.keyClicks(row.edit, "0911111111")
    qtbot.keyClick(row.edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "0922222222" in detail.error_label.text(), timeout=3000)
    assert "校正電腦時鐘" in detail.error_label.text()
    assert row.edit.text() == "0911111111"
    assert detail.timeline_types() == before
    assert cases.load_case(ctx.app, number).phone == "0922222222"
