"""The queue's 線上申辦 (Online) tab: a web case that sync brought shows with its channel,
submission time and reservation; the clerk opens it and accepts it (收件) with Alt+A, from the
keyboard alone, and it leaves the tab."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from gui_keys import open_window, press
from PySide6.QtCore import Qt

from eservice_desktop.domain import events as ev
from eservice_desktop.domain.events import Actor
from eservice_desktop.gui.context import GuiContext
from eservice_desktop.gui.main_window import QUEUE_PAGE
from eservice_desktop.gui.queue_page import ONLINE_COLUMNS, QUEUE_TABS, QueuePage
from eservice_desktop.services import cases
from eservice_desktop.services.ingest import ingest_many


def _pulled_web_case(ctx: GuiContext, submitted: datetime, reservation: datetime) -> str:
    """A web case as the county writes it (device 00), entering by the sync path."""
    office = ctx.app.settings.office_code
    number = f"{office}-00-115-000001-"
    from eservice_desktop.domain.case_number import check_digit

    number += str(check_digit(number.replace("-", "")))
    e = Actor(office, "00", "channel:web-portal").event(
        str(uuid.uuid4()),
        ev.RECEIVED,
        submitted,
        {
            "case_number": number,
            "service_code": "HR-TRANSCRIPT",
            "time_limit_working_days": 1,
            "applicant": {
                "kind": "person",
                "id_type": "national_id",
                "id": "A123456789",
                "name": "王小明",
            },
            "fields": {
                "registered_address": "桃園市桃園區縣府路1號",
                "transcript_kind": "全戶",
                "record_detail": "省略記事",
            },
            "channel": "web",
            "reservation_at": reservation.isoformat(),
            "pickup": {"method": "counter", "office": office},
        },
    )
    with ctx.app.transaction() as s:
        ingest_many(ctx.app, s, [e], origin="county")
    return number


def test_online_tab_lists_web_case_and_alt_a_accepts_it(qtbot, ctx: GuiContext) -> None:
    now = datetime.now(UTC).replace(microsecond=0)
    number = _pulled_web_case(ctx, now - timedelta(hours=1), now + timedelta(days=2))
    window = open_window(qtbot, ctx)
    page = window.pages[QUEUE_PAGE]
    assert isinstance(page, QueuePage)
    online = [n for n, _l, _k in QUEUE_TABS].index("online")
    qtbot.waitUntil(lambda: page.counts().get("online") == 1, timeout=3000)
    assert page.tabs.tabText(online).startswith("線上申辦 (1)")
    page.focus_table()
    press(Qt.Key(Qt.Key.Key_1 + online), Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: [i.case_number for i in page.model.items()] == [number], timeout=3000)
    headers = [page.model.headerData(c, Qt.Orientation.Horizontal) for c in range(8)]
    assert headers[4:7] == ["管道", "送件時間", "預約時間"]
    assert page.model.columns is ONLINE_COLUMNS
    item = page.model.items()[0]
    assert item.channel_text == "網路" and item.reservation_text != "—"
    page.focus_table()
    press(Qt.Key.Key_Return)
    detail = window.case_detail
    qtbot.waitUntil(lambda: window.current_page() is detail, timeout=3000)
    qtbot.waitUntil(lambda: detail.case_number == number, timeout=3000)
    qtbot.waitUntil(detail.accept_button.isEnabled, timeout=3000)
    assert not detail.close_button.isEnabled()  # not before 收件
    press(Qt.Key.Key_A, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: not cases.show_case(ctx.app, number).awaiting_acceptance, timeout=3000)
    qtbot.waitUntil(lambda: page.counts().get("online") == 0, timeout=3000)
    assert cases.online_queue(ctx.app) == []


def test_a_web_case_a_sync_round_brought_is_counted_on_its_tab(qtbot, ctx: GuiContext) -> None:
    """The case arrives with a round, not as a write of this window: the tab counts it once
    the round is done, the list shown staying as it was."""
    page = QueuePage(ctx)
    qtbot.addWidget(page)
    qtbot.waitUntil(lambda: page.counts().get("online") == 0, timeout=3000)
    now = datetime.now(UTC).replace(microsecond=0)
    _pulled_web_case(ctx, now - timedelta(hours=1), now + timedelta(days=2))
    ctx.sync_round_done.emit()
    qtbot.waitUntil(lambda: page.counts().get("online") == 1, timeout=3000)


def test_switching_tabs_counts_again(qtbot, ctx: GuiContext) -> None:
    """A case another process wrote (the command line on this database) is counted when the
    clerk turns to another list."""
    page = QueuePage(ctx)
    qtbot.addWidget(page)
    qtbot.waitUntil(lambda: page.counts().get("online") == 0, timeout=3000)
    now = datetime.now(UTC).replace(microsecond=0)
    _pulled_web_case(ctx, now - timedelta(hours=1), now + timedelta(days=2))
    page.tabs.setCurrentIndex([n for n, _l, _k in QUEUE_TABS].index("open"))
    qtbot.waitUntil(lambda: page.counts().get("online") == 1, timeout=3000)


def test_alt_n_on_the_tab_shown_reads_its_list_again(qtbot, ctx: GuiContext) -> None:
    """A round counts the case on the tab shown, the list staying as it was (the row the clerk
    is on is not taken away); the clerk asks for the list with the tab's own Alt key. It did
    nothing: 線上申辦 (1) above an empty list, until the clerk turned to another tab and back."""
    window = open_window(qtbot, ctx)
    page = window.pages[QUEUE_PAGE]
    assert isinstance(page, QueuePage)
    online = [n for n, _l, _k in QUEUE_TABS].index("online")
    page.focus_table()
    press(Qt.Key(Qt.Key.Key_1 + online), Qt.KeyboardModifier.AltModifier)
    # the online list itself read (``loaded`` is already true of the first list: waiting on it
    # alone let the case below be written before the online list was read, which then held it)
    qtbot.waitUntil(lambda: page.tabs.currentIndex() == online and page._settled(), timeout=3000)
    qtbot.waitUntil(lambda: page.counts().get("online") == 0, timeout=3000)
    now = datetime.now(UTC).replace(microsecond=0)
    number = _pulled_web_case(ctx, now - timedelta(hours=1), now + timedelta(days=2))
    ctx.sync_round_done.emit()
    qtbot.waitUntil(lambda: page.counts().get("online") == 1, timeout=3000)
    assert page.model.items() == []  # the round changed no list
    page.focus_table()
    press(Qt.Key(Qt.Key.Key_1 + online), Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: [i.case_number for i in page.model.items()] == [number], timeout=3000)
    assert page.tabs.currentIndex() == online
