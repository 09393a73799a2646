"""The sync status-bar widget: counts, online/offline after rounds, conflict resolution as an
event, and a real loop against a county server on loopback."""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
import shiboken6
from pytestqt.qtbot import QtBot

from eservice_desktop.county_link.errors import SyncError
from eservice_desktop.domain import events as ev
from eservice_desktop.gui.context import GuiContext
from eservice_desktop.gui.sync_status import ConflictDialog, SyncStatusWidget
from eservice_desktop.services import cases, sync
from eservice_desktop.services.core import App
from eservice_desktop.storage.models_sync import SyncConflictRow

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "integration" / "sync"))
from sync_helpers import CountyServer, enrol, free_port, new_case


def test_counts_and_offline(sync_ctx: GuiContext, qtbot: QtBot) -> None:
    new_case(sync_ctx.app)
    w = SyncStatusWidget(sync_ctx, autostart=False)
    qtbot.addWidget(w)
    assert "待送 2 筆" in w.counts_label.text()  # received, and its fee assessed at intake
    assert "尚未連線" in w.state_label.text()
    assert not w.conflicts_button.isVisibleTo(w)
    w._on_round(sync.status(sync_ctx.app), "Offline")
    assert "離線" in w.state_label.text()


def test_the_bar_reads_no_count_of_every_event(sync_ctx: GuiContext, qtbot: QtBot) -> None:
    """The bar, read after every round and every case saved, shows the outbox's counts only:
    ``sync status``'s totals (every event made or pulled) cost a second at 6.6 million events."""
    new_case(sync_ctx.app)
    w = SyncStatusWidget(sync_ctx, autostart=False)
    qtbot.addWidget(w)
    w.refresh()
    assert w.status["pending"] == 2 and "待送 2 筆" in w.counts_label.text()
    assert not {"acknowledged", "local_events", "pulled_events"} & set(w.status), w.status


def test_conflict_resolution_is_an_event(sync_ctx: GuiContext, qtbot: QtBot) -> None:
    app = sync_ctx.app
    number = new_case(app)
    case_id = cases.show_case(app, number).case_id
    with app.transaction() as s:
        s.add(
            SyncConflictRow(
                conflict_id="c1",
                event_id="e1",
                case_id=case_id,
                event_type=ev.CLOSED,
                reason_code="case.not_open",
                reason_zh="本案已撤件",
                reason_en="cancelled",
                created_at=app.now(),
                resolution="",
            )
        )
    w = SyncStatusWidget(sync_ctx, autostart=False)
    qtbot.addWidget(w)
    assert w.conflicts_button.isVisibleTo(w) and "衝突 1 件" in w.conflicts_button.text()
    # a child of the widget, deleted with it: not handed to qtbot as well, whose teardown closed
    # it after the widget (its Python side outlived the widget's C++ side, once in a while)
    dialog = ConflictDialog(sync_ctx, w)
    qtbot.waitUntil(lambda: dialog.list.count() == 1)
    assert not dialog.empty.isVisibleTo(dialog) and dialog.resolve_button.isEnabled()
    row = dialog.list.item(0).text()
    # the refused event as the timeline names it (it read "case.closed"), when, and the case
    assert number in row and "結案" in row and "case.closed" not in row, row
    assert "115/03/10" in row and row.endswith("\n本案已撤件"), row
    # the whole of each line is in view (it opened about 270 px wide, the reason off screen)
    lines = dialog.list
    widest = max(lines.fontMetrics().horizontalAdvance(t) for t in row.split("\n"))
    assert lines.minimumWidth() >= widest + 2 * lines.frameWidth(), (lines.minimumWidth(), widest)
    # a resolution refused (no note) says why in the dialog, not only behind it
    assert dialog.resolve_selected(" ")
    qtbot.waitUntil(lambda: dialog.refusal.isVisibleTo(dialog))
    assert dialog.refusal.text() and dialog.list.count() == 1
    changed: list[str] = []
    sync_ctx.case_changed.connect(changed.append)
    assert dialog.resolve_selected("已電話確認")
    assert not dialog.refusal.isVisibleTo(dialog)
    assert dialog.list.count() == 0
    # the case's pages and the sync loop hear of the resolution written on the case (the case
    # detail behind the dialog kept its timeline without it, the push waited for its turn)
    qtbot.waitUntil(lambda: changed == [number])
    # none left: said, and the button that would do nothing is off
    assert dialog.empty.isVisibleTo(dialog) and dialog.empty.text() == "沒有待處理的衝突"
    assert not dialog.resolve_button.isEnabled()
    types = [e["type"] for e in cases.show_case(app, number).events]
    assert types[-1] == ev.CONFLICT_RESOLVED
    w.refresh()
    assert not w.conflicts_button.isVisibleTo(w)


def test_loop_syncs_local_work_with_a_real_server(
    ctx: GuiContext, qtbot: QtBot, tmp_path: Path
) -> None:
    server = CountyServer(f"sqlite:///{tmp_path / 'county.sqlite3'}", tmp_path, free_port())
    server.start_in_thread()
    try:
        app = ctx.app
        app.settings.county_url = server.url
        enrol(app, server)
        w = SyncStatusWidget(ctx)  # enrolled: starts by itself
        qtbot.addWidget(w)
        qtbot.waitUntil(lambda: w.loop is not None, timeout=10000)  # prepared on the writer
        number = new_case(app)
        ctx.case_changed.emit(number)
        qtbot.waitUntil(lambda: w.online is True and w.status.get("pending") == 0, timeout=15000)
        assert "已連線" in w.state_label.text()
        assert number and server.count() == 2  # received + fee assessed
        w.stop()
    finally:
        server.stop()


def _sync_loop_threads() -> set[threading.Thread]:
    return {t for t in threading.enumerate() if t.name == "sync-loop" and t.is_alive()}


def _new_loops(before: set[threading.Thread]) -> set[threading.Thread]:
    """Loop threads running now that were not before the test (a loop an earlier test on this
    worker stopped may still be ending its round: it is not this test's, and may end any time)."""
    return _sync_loop_threads() - before


def test_widget_destroyed_while_its_loop_is_prepared_leaves_no_loop_running(
    ctx: GuiContext, qtbot: QtBot
) -> None:
    """The loop is prepared on the database writer; a widget destroyed before that job ends
    (the window closing at start) must not leave a loop thread behind it, whose every round
    would report to a deleted widget."""
    before = _sync_loop_threads()
    w = SyncStatusWidget(ctx, autostart=False)
    qtbot.waitUntil(lambda: not ctx.tasks.pending and bool(w.status), timeout=30000)
    gate = threading.Event()
    ctx.tasks.run(gate.wait, 30)  # the writer is busy: the preparation waits behind this job
    w.start()
    w.deleteLater()
    qtbot.waitUntil(lambda: not shiboken6.isValid(w), timeout=10000)
    gate.set()
    qtbot.waitUntil(lambda: not ctx.tasks.pending, timeout=30000)
    qtbot.wait(200)
    assert not _new_loops(before)


def test_widget_destroyed_while_its_first_round_runs_leaves_no_loop_running(
    ctx: GuiContext, qtbot: QtBot
) -> None:
    before = _sync_loop_threads()
    w = SyncStatusWidget(ctx, autostart=False)
    qtbot.waitUntil(lambda: not ctx.tasks.pending and bool(w.status), timeout=30000)
    w.start()
    qtbot.waitUntil(lambda: w.loop is not None, timeout=30000)
    w.deleteLater()
    qtbot.waitUntil(lambda: not shiboken6.isValid(w), timeout=10000)
    qtbot.waitUntil(lambda: not _new_loops(before), timeout=30000)


def test_a_sync_of_another_day_is_shown_with_its_day() -> None:
    """``上次同步 09:12:03`` alone read as this morning for an office offline for three days."""
    from datetime import UTC, datetime

    from eservice_desktop.gui.sync_status import last_sync_text

    now = datetime(2026, 12, 4, 2, 0, tzinfo=UTC)  # 10:00 in Taipei
    assert last_sync_text("2026-12-04T01:12:03+00:00", now, zh=True) == "09:12:03"
    assert last_sync_text("2026-12-01T01:12:03+00:00", now, zh=True) == "115/12/01 09:12"
    assert last_sync_text("2026-12-01T01:12:03+00:00", now, zh=False) == "2026-12-01 09:12"
    # 00:30 in Taipei is the day before in UTC: still today's
    assert last_sync_text("2026-12-03T16:30:00+00:00", now, zh=True) == "00:30:00"
    assert last_sync_text(None, now, zh=True) == "—"


def test_one_conflict_reads_in_english(ctx: GuiContext, qtbot: QtBot, english: None) -> None:
    """The bar's button read "1 conflicts" in English: it names its count after a colon, as
    right for one as for many."""
    w = SyncStatusWidget(ctx, autostart=False)
    qtbot.addWidget(w)
    w._on_round({"pending": 0, "conflicts": 1}, "")
    assert w.conflicts_button.text() == "Conflic&ts: 1"
    w._on_round({"pending": 0, "conflicts": 3}, "")
    assert w.conflicts_button.text() == "Conflic&ts: 3"


def test_an_over_payment_is_not_closed_with_a_note(sync_ctx: GuiContext, qtbot: QtBot) -> None:
    """溢繳 is settled by its refund: 處理所選衝突 says so before any note is asked, and the row
    stays (closed by a note, it left every counter while the drawer held the money)."""
    from overpaid_support import over_paid_case

    over_paid_case(sync_ctx.app)
    w = SyncStatusWidget(sync_ctx, autostart=False)
    qtbot.addWidget(w)
    dialog = ConflictDialog(sync_ctx, w)
    qtbot.waitUntil(lambda: dialog.list.count() == 1)
    dialog.list.setCurrentRow(0)
    assert not dialog.resolve_selected()  # refused at once: the note's question would block here
    assert dialog.refusal.isVisibleTo(dialog) and "尚有 300 元應退還民眾" in dialog.refusal.text()
    assert dialog.list.count() == 1


def test_a_window_that_does_not_sync_follows_the_sync_service(
    ctx: GuiContext,
    qtbot: QtBot,
    tmp_path: Path,
    make_app: Callable[..., App],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The installed office: the sync service syncs (the installer enrolled it, its credential
    in the service account's keyring), and the window, with none in the clerk's, runs no loop.
    It said 尚未連線 all day, its 待送 count never went down, no list was read again after the
    service's rounds, and the typhoon day IT imported was never counted by the window left
    open: its new cases were due a day early until it was restarted."""
    from eservice_desktop.gui import sync_status
    from eservice_desktop.services import calendar

    monkeypatch.setattr(sync_status, "FOLLOW_MS", 100, raising=False)
    server = CountyServer(f"sqlite:///{tmp_path / 'county.sqlite3'}", tmp_path, free_port())
    server.start_in_thread()
    try:
        app = ctx.app
        app.settings.county_url = server.url
        new_case(app)
        w = SyncStatusWidget(ctx)  # not enrolled here, not a demo: no loop of its own
        qtbot.addWidget(w)
        qtbot.waitUntil(lambda: w.status.get("pending") == 2, timeout=10000)
        assert w.loop is None and "尚未連線" in w.state_label.text()
        rounds: list[int] = []
        ctx.sync_round_done.connect(lambda: rounds.append(1))

        service = make_app(app.settings)  # `sync run` over the same data directory
        enrol(service, server)
        csv = tmp_path / "typhoon.csv"
        typhoon = "西元日期,星期,是否放假,備註\n20260310,二,2,颱風停止上班\n"
        csv.write_text(typhoon, encoding="utf-8")
        calendar.import_calendar(service, csv)  # IT, or the service's pull
        sync.run_round(service)

        qtbot.waitUntil(lambda: bool(rounds), timeout=10000)
        assert w.loop is None and w.status.get("pending") == 0
        assert "已連線" in w.state_label.text() and "待送 0 筆" in w.counts_label.text()
        assert not app.calendar.is_working_day(date(2026, 3, 10))
    finally:
        server.stop()


def test_a_window_that_does_not_sync_dates_its_records_by_the_county_clock(
    ctx: GuiContext, qtbot: QtBot, make_app: Callable[..., App], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The sync service learns the county's clock at each round; the window, running no loop of
    its own, dated its intakes and receipts by the PC's clock (an hour off here) while the
    service and every command on the same PC used the county's. It now follows the offset
    the service's last round stored, and the next one too."""
    from datetime import timedelta

    from eservice_desktop.gui import sync_status

    monkeypatch.setattr(sync_status, "FOLLOW_MS", 100, raising=False)
    app = ctx.app
    pc = app.now()
    service = make_app(app.settings)  # `sync run`: its round stores what it learned
    with service.transaction() as s:
        sync.set_state(s, "clock_offset_s", "3600.000", service.now())
    w = SyncStatusWidget(ctx)  # not enrolled here: no loop of its own
    qtbot.addWidget(w)
    qtbot.waitUntil(lambda: app.now() == pc + timedelta(hours=1), timeout=10000)
    number = new_case(app)
    assert cases.show_case(app, number).received_at == (pc + timedelta(hours=1)).isoformat()
    with service.transaction() as s:
        sync.set_state(s, "clock_offset_s", "-60.000", service.now())
    qtbot.waitUntil(lambda: app.now() == pc - timedelta(minutes=1), timeout=10000)
    assert w.loop is None


def test_a_window_that_does_not_sync_says_the_sync_services_failed_rounds(
    ctx: GuiContext,
    qtbot: QtBot,
    tmp_path: Path,
    make_app: Callable[..., App],
    monkeypatch: pytest.MonkeyPatch,
    *,
    clock: Any,
) -> None:
    """The installed office's window follows the service's rounds; a service that could not
    reach the county all day left the bar at 已連線 (its last good round) with nothing said,
    while the clerk's cases waited. The bar says 離線 and why, as a round of its own would,
    until the service's next good round."""
    from eservice_desktop.gui import sync_status

    monkeypatch.setattr(sync_status, "FOLLOW_MS", 100, raising=False)
    server = CountyServer(f"sqlite:///{tmp_path / 'county.sqlite3'}", tmp_path, free_port())
    server.start_in_thread()
    try:
        app = ctx.app
        app.settings.county_url = server.url
        w = SyncStatusWidget(ctx)  # not enrolled here, not a demo: no loop of its own
        qtbot.addWidget(w)
        # its first look at the service's rounds (no round yet: nothing to follow)
        qtbot.waitUntil(lambda: w._followed is not sync_status._UNSEEN, timeout=10000)
        assert "尚未連線" in w.state_label.text()
        service = make_app(app.settings)  # `sync run` over the same data directory
        enrol(service, server)
        sync.run_round(service)
        qtbot.waitUntil(lambda: "已連線" in w.state_label.text(), timeout=10000)
        assert w.loop is None

        service.settings.county_url = f"http://127.0.0.1:{free_port()}"  # the link is down
        clock.set(clock.now + timedelta(minutes=5))
        with pytest.raises(SyncError):
            sync.run_round(service)
        qtbot.waitUntil(lambda: "離線" in w.state_label.text(), timeout=10000)
        assert "無法連線" in w.state_label.text() + w.state_label.toolTip()

        service.settings.county_url = server.url  # back
        clock.set(clock.now + timedelta(minutes=5))
        sync.run_round(service)
        qtbot.waitUntil(lambda: "已連線" in w.state_label.text(), timeout=10000)
    finally:
        server.stop()
