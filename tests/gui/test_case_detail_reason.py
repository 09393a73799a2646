"""The reason typed in the case detail belongs to the case it was typed for: opening another
case shows that case's own reason (empty at first), so Alt+S cannot send one citizen's
補正事項 to another; going back to the first case brings its reason back, nothing lost."""

from __future__ import annotations

from factories import new_case
from gui_keys import open_case_detail, press, type_text
from PySide6.QtCore import Qt

from eservice_desktop.domain import events as ev
from eservice_desktop.gui.context import GuiContext
from eservice_desktop.services import cases, payments

ALT = Qt.KeyboardModifier.AltModifier


def _open(qtbot, ctx: GuiContext, detail, number: str) -> None:  # type: ignore[no-untyped-def]
    ctx.open_case_requested.emit(number)
    qtbot.waitUntil(
        lambda: detail.view is not None and detail.view.case_number == number, timeout=5000
    )


def test_a_reason_typed_for_one_case_is_not_sent_for_the_next(qtbot, ctx: GuiContext) -> None:
    first = new_case(ctx.app)
    second = new_case(ctx.app, name="林美玲", applicant_id="F131232216")
    for number in (first, second):
        payments.record_payment(ctx.app, number, "cash", 15)
    _window, detail = open_case_detail(qtbot, ctx, first)
    detail.reason_edit.setText("缺少委託書")

    _open(qtbot, ctx, detail, second)
    assert detail.reason_edit.text() == ""
    detail.timeline.setFocus()
    press(Qt.Key.Key_S, ALT)  # 通知補正 with no reason typed for this case
    qtbot.waitUntil(lambda: detail.error_label.text() == "請先輸入理由", timeout=3000)
    assert ev.SUPPLEMENT_REQUESTED not in [
        e["type"] for e in cases.show_case(ctx.app, second).events
    ]

    _open(qtbot, ctx, detail, first)
    assert detail.reason_edit.text() == "缺少委託書"


def test_a_case_closed_at_another_counter_shows_closed_after_the_round(
    qtbot, ctx: GuiContext
) -> None:
    """The closing arrives with a sync round, not as a write of this window: the detail read
    the case again then, what was typed in the reason field kept, instead of offering Alt+C."""
    number = new_case(ctx.app)
    payments.record_payment(ctx.app, number, "cash", 15)
    _window, detail = open_case_detail(qtbot, ctx, number)
    qtbot.waitUntil(detail.close_button.isEnabled, timeout=5000)
    detail.reason_edit.setText("缺少委託書")
    cases.close_case(ctx.app, number)  # as if pulled: no signal of this window
    ctx.sync_round_done.emit()
    qtbot.waitUntil(
        lambda: detail.view is not None and detail.view.status == "closed", timeout=5000
    )
    assert not detail.close_button.isEnabled()
    assert detail.reason_edit.text() == "缺少委託書"


def test_enter_a_reason_first_goes_once_a_reason_is_typed(qtbot, ctx: GuiContext) -> None:
    """請先輸入理由 stayed under the buttons after the reason was typed, beside the question
    that quoted it (and after the clerk went back from it), as if the reason were still missing."""
    number = new_case(ctx.app)
    _window, detail = open_case_detail(qtbot, ctx, number)
    detail.timeline.setFocus()
    press(Qt.Key.Key_J, ALT)  # 駁回 with no reason
    qtbot.waitUntil(lambda: detail.error_label.text() == "請先輸入理由", timeout=3000)
    assert detail.reason_edit.hasFocus()
    type_text("重複申請")
    assert detail.error_label.text() == ""
