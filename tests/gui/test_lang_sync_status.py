"""The status bar during a long push says how far it is ("同步中 n／N", "Syncing n/N"), never
"尚未連線"; a failed round reads as a sentence in the clerk's language, never an exception name.
Both against a real county server on loopback."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from eservice_desktop.gui.context import GuiContext
from eservice_desktop.gui.i18n import install_translators, remove_translators
from eservice_desktop.gui.sync_status import SyncStatusWidget
from eservice_desktop.services import sync

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "integration" / "sync"))
from sync_helpers import CountyServer, enrol, free_port, new_case, pending


@pytest.fixture
def county(tmp_path: Path) -> Iterator[CountyServer]:
    server = CountyServer(f"sqlite:///{tmp_path / 'county.sqlite3'}", tmp_path, free_port())
    server.start_in_thread()
    yield server
    server.stop()


@pytest.fixture(params=["zh_TW", "en"])
def lang_ctx(
    request: pytest.FixtureRequest, ctx: GuiContext, qapp: QApplication
) -> Iterator[GuiContext]:
    translators = install_translators(qapp, request.param)
    ctx.lang = ctx.tasks.lang = request.param
    yield ctx
    remove_translators(qapp, translators)


def watch(w: SyncStatusWidget) -> list[str]:
    """Every text the state label shows from now on."""
    seen: list[str] = []
    render = w._render

    def spy() -> None:
        render()
        seen.append(w.state_label.text())

    w._render = spy  # type: ignore[method-assign]
    return seen


def test_a_long_push_shows_its_progress(
    lang_ctx: GuiContext, qtbot: QtBot, county: CountyServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = lang_ctx.app
    app.settings.county_url = county.url
    enrol(app, county)
    for _ in range(4):
        new_case(app)
    total = pending(app)
    assert total >= 4
    # several batches: a "long" push (patched where the push loop reads it)
    monkeypatch.setattr(sys.modules[sync.sync_round.__module__], "PUSH_BATCH", 2)
    w = SyncStatusWidget(lang_ctx, autostart=False)
    qtbot.addWidget(w)
    seen = watch(w)
    w.start()
    qtbot.waitUntil(lambda: w.online is True and w.status.get("pending") == 0, timeout=20000)
    w.stop()
    en = lang_ctx.lang == "en"
    steps = [f"Syncing {n}/{total}" if en else f"同步中 {n}／{total}" for n in (0, 2, 4, total)]
    for step in steps:
        assert any(step in text for text in seen), (step, seen)
    assert not any("尚未連線" in t or "Not connected" in t for t in seen), seen
    assert seen[-1] == ("● Online" if en else "● 已連線")
    assert county.count() == total


def test_a_refused_round_reads_in_the_clerks_language(
    lang_ctx: GuiContext, qtbot: QtBot, county: CountyServer
) -> None:
    app = lang_ctx.app
    app.settings.county_url = county.url  # never enrolled: the county answers 401
    new_case(app)
    messages: list[str] = []
    lang_ctx.status_message.connect(messages.append)
    w = SyncStatusWidget(lang_ctx, autostart=False)
    qtbot.addWidget(w)
    w.start()
    qtbot.waitUntil(lambda: w.online is False, timeout=20000)
    w.stop()
    command = f"eservice-desktop sync enrol --server {county.url} --code"
    if lang_ctx.lang == "en":
        expected = (
            "Cannot reach the county server (HTTP 401: device not enrolled); IT enrols it with "
            f"the county's one-time code: {command} CODE"
        )
        assert w.state_label.text() == f"○ Offline: {expected}"
    else:
        expected = (
            "無法與縣府伺服器同步（HTTP 401：本機尚未登記）；"
            f"請資訊人員以縣府核發的一次性登記碼執行：{command} 登記碼"
        )
        assert w.state_label.text() == f"○ 離線：{expected}"
    assert w.state_label.toolTip() == expected
    assert messages == [expected]
    assert "AuthError" not in w.state_label.text()


def test_a_retry_after_a_failed_round_reads_offline_until_the_county_takes_a_batch(
    lang_ctx: GuiContext, qtbot: QtBot
) -> None:
    """A county that does not answer holds each try for a minute: the try after a failed
    round must not read "syncing" (a filled dot) the whole time, only once a batch went."""
    w = SyncStatusWidget(lang_ctx, autostart=False)
    qtbot.addWidget(w)
    w._on_round(sync.status(lang_ctx.app), "no answer")
    w.push_progress.emit(0, 2)  # the next try starts, as the sync thread says it
    qtbot.waitUntil(lambda: w.pushing == (0, 2))
    en = lang_ctx.lang == "en"
    assert w.state_label.text() == ("○ Offline, retrying 0/2" if en else "○ 離線，重試中 0／2")
    assert w.state_label.toolTip() == "no answer"
    w.push_progress.emit(1, 2)  # the county took a first batch
    qtbot.waitUntil(lambda: w.pushing == (1, 2))
    assert w.state_label.text() == ("● Syncing 1/2" if en else "● 同步中 1／2")


def test_events_set_aside_are_counted_in_the_status_bar(lang_ctx: GuiContext, qtbot: QtBot) -> None:
    w = SyncStatusWidget(lang_ctx, autostart=False)
    qtbot.addWidget(w)
    status = sync.status(lang_ctx.app)
    assert status["quarantined"] == 0
    w._on_round(status, "")
    assert not w.quarantine_label.isVisibleTo(w)
    w._on_round({**status, "quarantined": 2}, "")
    assert w.quarantine_label.isVisibleTo(w)
    expected = "隔離 2 筆" if lang_ctx.lang == "zh_TW" else "2 set aside"
    assert w.quarantine_label.text() == expected


def test_another_counter_s_events_are_named_for_it_in_the_status_bar(
    lang_ctx: GuiContext, qtbot: QtBot
) -> None:
    w = SyncStatusWidget(lang_ctx, autostart=False)
    qtbot.addWidget(w)
    status = sync.status(lang_ctx.app)
    assert status["other_counters_pending"] == 0
    w._on_round(status, "")
    assert not w.other_counters_label.isVisibleTo(w)
    w._on_round({**status, "other_counters_pending": 3}, "")
    assert w.other_counters_label.isVisibleTo(w)
    expected = (
        "其他櫃檯的事件 3 筆無法由本機上傳，請洽資訊人員"
        if lang_ctx.lang == "zh_TW"
        else "3 events of another counter cannot be sent from here: call IT"
    )
    assert w.other_counters_label.text() == expected


def test_a_long_pull_shows_received_out_of_total_and_a_bar(
    lang_ctx: GuiContext, qtbot: QtBot
) -> None:
    w = SyncStatusWidget(lang_ctx, autostart=False)
    qtbot.addWidget(w)
    w.show()
    assert not w.progress_bar.isVisible()  # nothing under way
    w.pull_progress.emit(2_000, 1_000_000)  # as the sync thread sends it
    qtbot.waitUntil(lambda: w.pulling == (2_000, 1_000_000))
    en = lang_ctx.lang == "en"
    assert w.state_label.text() == (
        "● Receiving 2,000/1,000,000" if en else "● 接收中 2,000／1,000,000"
    )
    assert w.progress_bar.isVisible()
    assert (w.progress_bar.value(), w.progress_bar.maximum()) == (2_000, 1_000_000)
    w.pull_progress.emit(1_000_000, 1_000_000)
    qtbot.waitUntil(lambda: w.progress_bar.value() == 1_000_000)
    w._on_round(sync.status(lang_ctx.app), "")  # the round ended
    assert not w.progress_bar.isVisible()
    assert w.state_label.text() == ("● Online" if en else "● 已連線")


def test_an_unfinished_catch_up_keeps_its_bar_between_rounds(
    lang_ctx: GuiContext, qtbot: QtBot
) -> None:
    """A round cut by its deadline leaves the catch-up's figures stored with the last page
    (``sync status``'s ``catch_up``); until the next round the bar shows them, not nothing."""
    from eservice_desktop.services.sync.catch_up import CatchUp

    app = lang_ctx.app
    with app.transaction() as s:
        CatchUp(done=250_000, total=1_000_000).keep(s, more=True, now=app.now())
    status = sync.status(app)
    assert status["catch_up"] == {"done": 250_000, "total": 1_000_000}
    w = SyncStatusWidget(lang_ctx, autostart=False)
    qtbot.addWidget(w)
    w.show()
    w._on_round(status, "")  # the round ended with the catch-up unfinished
    en = lang_ctx.lang == "en"
    assert w.state_label.text() == ("● Online" if en else "● 已連線")
    assert w.progress_bar.isVisible()
    assert (w.progress_bar.value(), w.progress_bar.maximum()) == (250_000, 1_000_000)
    assert w.catch_up_label.isVisible()
    assert w.catch_up_label.text() == (
        "Received 250,000/1,000,000" if en else "已接收 250,000／1,000,000"
    )
    w.pull_progress.emit(300_000, 1_000_000)  # the next round goes on from there
    qtbot.waitUntil(lambda: w.pulling == (300_000, 1_000_000))
    assert w.progress_bar.value() == 300_000
    assert not w.catch_up_label.isVisible()  # the state label says how far now
    with app.transaction() as s:
        CatchUp(done=1_000_000, total=1_000_000, kept=True).keep(s, more=False, now=app.now())
    w._on_round(sync.status(app), "")  # the pull reached the end of the feed
    assert not w.progress_bar.isVisible()
    assert not w.catch_up_label.isVisible()


def test_a_restarted_window_shows_the_catch_up_it_left_unfinished(
    lang_ctx: GuiContext, qtbot: QtBot
) -> None:
    from eservice_desktop.services.sync.catch_up import CatchUp

    app = lang_ctx.app
    with app.transaction() as s:
        CatchUp(done=2_000, total=8_000).keep(s, more=True, now=app.now())
    w = SyncStatusWidget(lang_ctx, autostart=False)
    qtbot.addWidget(w)
    w.show()
    assert not w.progress_bar.isVisible()
    w.refresh()  # the counts read at start, before any round
    qtbot.waitUntil(w.progress_bar.isVisible)
    assert (w.progress_bar.value(), w.progress_bar.maximum()) == (2_000, 8_000)


def test_a_round_the_machine_failed_says_so_not_call_it(
    lang_ctx: GuiContext, qtbot: QtBot, county: CountyServer
) -> None:
    """Another program held the office database (IT's `db upgrade` or a restore on the
    command line) while the window synced: its round ended in SQLite's "database is locked",
    and the status bar said 同步發生錯誤，請洽資訊人員 / "Sync failed; call IT", as if the
    county link had failed; it says what every command says for it."""
    from db_support import connect_db

    app = lang_ctx.app
    app.settings.county_url = county.url
    enrol(app, county)
    new_case(app)
    w = SyncStatusWidget(lang_ctx, autostart=False)
    qtbot.addWidget(w)
    other = connect_db(app.settings)  # the other program, writing
    other.execute("BEGIN EXCLUSIVE")
    try:
        w.start()
        qtbot.waitUntil(lambda: w.online is False, timeout=60000)
        w.stop()
    finally:
        other.rollback()
        other.close()
    if lang_ctx.lang == "en":
        expected = "The database is in use by another program; try again shortly"
        assert w.state_label.text() == f"○ Offline: {expected}"
    else:
        expected = "資料庫正由其他程式使用中，請稍候再試"
        assert w.state_label.text() == f"○ 離線：{expected}"
    assert w.state_label.toolTip() == expected
