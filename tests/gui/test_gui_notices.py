"""Case detail: the citizen's notices with the county's outcomes, and 重送通知 from the keyboard
(Alt+W) acting on the selected notice of the case on screen."""

from __future__ import annotations

from datetime import UTC, datetime

from factories import new_case
from gui_keys import open_case_detail
from PySide6.QtCore import Qt
from sqlalchemy import select

from eservice_desktop.domain import events as ev
from eservice_desktop.gui.context import GuiContext
from eservice_desktop.services import cases
from eservice_desktop.services.sync import inbox
from eservice_desktop.storage.models import EventRow


def report(
    ctx: GuiContext, case_number: str, nid: str, stage: str, *, status: str, at: str
) -> None:
    """What a pull of the county's ``notification`` change stores."""
    with ctx.app.transaction() as s:
        case_id = cases.resolve_case_id(s, case_number)
        data = {"notification_id": nid, "case_id": case_id, "channel": "sms", "stage": stage,
                "status": status, "attempts": 1, "at": at}  # fmt: skip
        inbox._notification(s, data, datetime.now(UTC))


def test_notices_list_outcomes_and_alt_w_asks_for_a_resend(qtbot, ctx: GuiContext) -> None:
    number = new_case(ctx.app)
    report(ctx, number, "n1", "received", status="failed", at="2026-03-10T02:01:00+00:00")
    report(ctx, number, "n2", "payment_due", status="queued", at="2026-03-10T02:05:00+00:00")
    window, detail = open_case_detail(qtbot, ctx, number)
    qtbot.waitUntil(lambda: detail.notices_table.rowCount() == 2, timeout=3000)
    cells = [[detail.notices_table.item(r, c).text() for c in range(4)] for r in range(2)]
    assert cells == [
        ["收件通知", "簡訊", "115/03/10 10:01:00", "傳送失敗"],
        ["繳費通知", "簡訊", "115/03/10 10:05:00", "排隊中"],
    ]
    # every stage, channel and time is shown whole, not "115/03/10 …" (the outcome gives way);
    # at a counter's width (a narrower window than the headers' own scrolls instead)
    window.resize(1366, 700)
    table = detail.notices_table
    qtbot.waitUntil(lambda: table.columnWidth(2) >= table.sizeHintForColumn(2), timeout=3000)
    for col in range(3):
        assert table.columnWidth(col) >= table.sizeHintForColumn(col), col
    # the latest notice is selected; it is still queued: nothing to resend
    assert not detail.resend_button.isEnabled()
    detail.notices_table.setFocus()
    qtbot.keyClick(detail.notices_table, Qt.Key.Key_Up)
    assert detail.selected_notice().stage == "received"
    assert detail.resend_button.isEnabled()
    qtbot.keyClick(detail, Qt.Key.Key_W, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(
        lambda: detail.timeline_types()[-1:] == [ev.NOTICE_RESEND_REQUESTED], timeout=3000
    )
    state = cases.load_case(ctx.app, number)
    assert state.event_count == len(detail.timeline_types())
    with ctx.app.reading() as s:
        payload = s.scalars(
            select(EventRow.payload).where(EventRow.type == ev.NOTICE_RESEND_REQUESTED)
        ).one()
    assert payload == {"stage": "received"}
    last = len(detail.timeline_types()) - 1
    assert detail.timeline.item(last, 1).text() == "重送通知"
    assert detail.timeline.item(last, 4).text() == "收件通知"


def test_the_notice_time_is_shown_whole(qtbot, ctx: GuiContext) -> None:
    """The 時間 column of 民眾通知 kept its default width and cut the time off
    ("115/03/10 …"): the clerk asked when a notice went out could not say."""
    number = new_case(ctx.app)
    report(ctx, number, "n1", "supplement_requested", status="retrying", at="2026-03-10T02:01:00Z")
    window, detail = open_case_detail(qtbot, ctx, number)
    window.resize(1366, 700)
    table = detail.notices_table
    qtbot.waitUntil(lambda: table.rowCount() == 1, timeout=3000)
    qtbot.wait(50)  # the columns are sized once the row is in
    for col in range(table.columnCount()):
        needed = table.fontMetrics().horizontalAdvance(table.item(0, col).text())
        assert table.columnWidth(col) >= needed, (col, table.item(0, col).text())


def test_the_notice_picked_stays_picked_and_in_sight(qtbot, ctx: GuiContext) -> None:
    """Alt+W resends the selected notice. The case read again (a sync round, a payment, the
    resend itself) selected the latest notice again, unseen below the list's edge: the clerk
    who picked the failed 收件通知 sent the next Alt+W for another notice."""
    number = new_case(ctx.app)
    stages = ("received", "payment_due", "supplement_requested", "ready_for_pickup")
    for i, stage in enumerate(stages * 2):
        report(ctx, number, f"n{i}", stage, status="failed", at=f"2026-03-10T02:{i:02d}:00Z")
    window, detail = open_case_detail(qtbot, ctx, number)
    window.resize(1366, 700)
    table = detail.notices_table
    qtbot.waitUntil(lambda: table.rowCount() == 8, timeout=3000)
    qtbot.wait(50)

    def in_sight(row: int) -> bool:
        rect = table.visualRect(table.model().index(row, 0))
        return rect.top() >= 0 and rect.bottom() <= table.viewport().height()

    assert table.currentRow() == 7 and in_sight(7)  # the latest, where the list shows it
    table.setFocus()
    table.selectRow(1)  # the clerk picks the failed 繳費通知
    qtbot.waitUntil(lambda: in_sight(1), timeout=3000)
    ctx.case_changed.emit(number)  # the case is read again
    qtbot.wait(300)
    assert detail.selected_notice() is not None
    assert detail.selected_notice().notification_id == "n1"
    assert table.currentRow() == 1 and in_sight(1)


def test_a_pending_notice_shows_its_outcome_after_the_round(qtbot, ctx: GuiContext) -> None:
    """A notice 排隊中 when the case was opened stayed so on screen after the round that brought
    its outcome (outcomes are no events of the case), and 重送通知 stayed off, until the case
    was opened again."""
    number = new_case(ctx.app)
    report(ctx, number, "n1", "received", status="queued", at="2026-03-10T02:01:00+00:00")
    _window, detail = open_case_detail(qtbot, ctx, number)
    table = detail.notices_table
    qtbot.waitUntil(lambda: table.rowCount() == 1, timeout=3000)
    assert table.item(0, 3).text() == "排隊中" and not detail.resend_button.isEnabled()
    report(ctx, number, "n1", "received", status="failed", at="2026-03-10T02:03:00+00:00")
    ctx.sync_round_done.emit()
    qtbot.waitUntil(lambda: table.item(0, 3).text() == "傳送失敗", timeout=3000)
    assert detail.resend_button.isEnabled()


def test_a_withdrawn_case_lists_its_notice_and_sends_it_again(qtbot, ctx: GuiContext) -> None:
    """The withdrawal and refund notices are listed in words and resent from the keyboard on a
    case that has ended (a stage the rule did not know was refused)."""
    number = new_case(ctx.app)
    cases.cancel_case(ctx.app, number, "民眾來電撤回")
    report(ctx, number, "n1", "cancelled", status="failed", at="2026-03-10T02:01:00+00:00")
    report(ctx, number, "n2", "refunded", status="sent", at="2026-03-10T02:02:00+00:00")
    _window, detail = open_case_detail(qtbot, ctx, number)
    qtbot.waitUntil(lambda: detail.notices_table.rowCount() == 2, timeout=3000)
    stages = [detail.notices_table.item(r, 0).text() for r in range(2)]
    assert stages == ["撤件通知", "退費通知"]
    detail.notices_table.setFocus()
    qtbot.keyClick(detail.notices_table, Qt.Key.Key_Up)
    assert detail.selected_notice().stage == "cancelled" and detail.resend_button.isEnabled()
    qtbot.keyClick(detail, Qt.Key.Key_W, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(
        lambda: detail.timeline_types()[-1:] == [ev.NOTICE_RESEND_REQUESTED], timeout=3000
    )
    last = len(detail.timeline_types()) - 1
    assert detail.timeline.item(last, 4).text() == "撤件通知"
