"""A restored counter's recovery, run by the window's own sync round once the county answers,
as the clerk at the window sees it: the status bar says it is waiting, then that it is done,
and the intake form drops the refusal it showed (what was typed stays)."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from eservice_desktop.config import Settings
from eservice_desktop.gui.context import GuiContext
from eservice_desktop.gui.intake_form import IntakeForm
from eservice_desktop.gui.sync_status import SyncStatusWidget
from eservice_desktop.services import restore_guard
from eservice_desktop.services.core import App
from eservice_desktop.storage import repo
from eservice_desktop.storage.models_sync import SyncStateRow

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "integration" / "sync"))
from sync_helpers import CountyServer, enrol, free_port, new_case, sync_now
from test_gui_intake import _fill


@pytest.fixture
def county(sync_ctx: GuiContext, tmp_path: Path) -> Iterator[CountyServer]:
    """A county on loopback, the window's counter enrolled with it."""
    server = CountyServer(f"sqlite:///{tmp_path / 'county.sqlite3'}", tmp_path, free_port())
    server.start_in_thread()
    try:
        sync_ctx.app.settings.county_url = server.url
        enrol(sync_ctx.app, server)
        yield server
    finally:
        server.stop()


@pytest.mark.usefixtures("county")  # the window reaches it
def test_a_recovery_the_round_ran_is_said_and_the_refusal_goes(
    sync_ctx: GuiContext, qtbot: QtBot
) -> None:
    app = sync_ctx.app
    new_case(app)
    sync_now(app)
    _mark_restored(app)  # as `backup restore` marks the copy it switches in
    bar = SyncStatusWidget(sync_ctx, autostart=False)
    qtbot.addWidget(bar)
    form = IntakeForm(sync_ctx)
    qtbot.addWidget(form)
    said: list[str] = []
    sync_ctx.status_message.connect(said.append)
    bar.refresh()
    assert bar.restore_label.isVisibleTo(bar)
    assert "待自縣府取回" in bar.restore_label.text()
    assert "暫停收件與收費" in bar.restore_label.toolTip()

    _fill(form)
    form.submit()
    assert "本次未儲存" in form.form_error.text()

    bar.start()  # the window's loop: its first round reaches the county and recovers
    qtbot.waitUntil(lambda: bar.online is True, timeout=20000)
    with app.reading() as s:
        assert not restore_guard.pending(s)
        cases_before = repo.count_cases(s)
    assert not bar.restore_label.isVisibleTo(bar)
    assert any("已自縣府取回還原後的資料" in text for text in said), said
    assert form.form_error.text() == ""
    assert "請再送出" in form.result_label.text()
    assert form.applicant_name.text() == "林美玲"  # what was typed is still there
    form.submit()  # and it is taken in now
    qtbot.waitUntil(lambda: form.last_case is not None, timeout=5000)
    with app.reading() as s:
        assert repo.count_cases(s) == cases_before + 1
    bar.stop()


@pytest.mark.usefixtures("county")  # the window reaches it
def test_the_fees_page_drops_the_refusal_of_a_restore_once_recovered(
    sync_ctx: GuiContext, qtbot: QtBot, tmp_path: Path
) -> None:
    """F9 on the restored counter was refused (…本次未儲存) beside the pay button; the round
    that recovered the database left it there, as if the fee still could not be taken."""
    from factories import new_case as a_case

    from eservice_desktop.gui import qt_print
    from eservice_desktop.gui.payment_page import PaymentPage
    from eservice_desktop.services import payments

    app = sync_ctx.app
    number = a_case(app, name="陳堃", copies=2)
    sync_now(app)
    _mark_restored(app)  # as `backup restore` marks the copy it switches in
    bar = SyncStatusWidget(sync_ctx, autostart=False)
    qtbot.addWidget(bar)
    page = PaymentPage(sync_ctx)
    qtbot.addWidget(page)
    out = tmp_path / "receipt.pdf"
    page.printer_factory = lambda: qt_print.make_printer(output_pdf=out)
    page.load(number)
    bar.refresh()
    page.pay()
    assert "本次未儲存" in page.page_error.text()
    bar.start()
    qtbot.waitUntil(lambda: bar.online is True, timeout=20000)
    assert page.page_error.text() == ""
    assert page.amount_spin.value() == 30  # what the page held stays
    page.pay()
    qtbot.waitUntil(out.exists, timeout=10000)
    assert len(payments.receipts_of_case(app, number)) == 1
    bar.stop()


def test_the_pickup_desk_checks_the_code_again_once_recovered(
    sync_ctx: GuiContext,
    qtbot: QtBot,
    tmp_path: Path,
    make_app: Callable[[Settings], App],
    county: CountyServer,
) -> None:
    """A case of another counter, scanned on the restored counter before its recovery: the
    online look-up was refused (…sync recover), and the refusal stayed on the desk after the
    round recovered the database and brought the case, as if it still could not be handed
    over. The desk checks the code on screen again: the case is there, ready to hand over."""
    from eservice_desktop.gui.pickup_desk import PickupDesk
    from eservice_desktop.services import cases, payments, pickup

    app = sync_ctx.app
    sync_now(app)  # the county's keys, as every counter has them before its backup
    other = make_app(
        Settings(
            data_dir=tmp_path / "counter-02",
            office_code=app.settings.office_code,
            device_id="02",
            county_url=county.url,
        )
    )
    enrol(other, county)
    number = new_case(other)
    payments.record_payment(other, number, "cash", 15)
    cases.close_case(other, number)
    sync_now(other)
    sync_now(other)  # the county's ready event, with the signed code
    token = pickup.stored_token(other, number)
    assert token
    _mark_restored(app)
    bar = SyncStatusWidget(sync_ctx, autostart=False)
    qtbot.addWidget(bar)
    desk = PickupDesk(sync_ctx)
    qtbot.addWidget(desk)
    bar.refresh()
    desk.scan(token)
    qtbot.waitUntil(lambda: desk.result is not None, timeout=5000)
    assert desk.result.reason == "not_synced", (desk.result, desk.message_label.text())
    desk.online_button.click()
    qtbot.waitUntil(lambda: "sync recover" in desk.message_label.text(), timeout=5000)
    # offered again: it stayed greyed out until the next scan, though the words say to try
    # again once the sync has recovered
    assert desk.online_button.isVisibleTo(desk) and desk.online_button.isEnabled()

    bar.start()
    qtbot.waitUntil(lambda: desk.result is not None and desk.result.ok, timeout=20000)
    assert "sync recover" not in desk.message_label.text()
    assert desk.result.case_number == number  # the code on screen, checked again
    assert desk.confirm_button.isEnabled()
    bar.stop()


@pytest.mark.usefixtures("county")  # the window reaches it
def test_the_receipts_note_drops_the_refusal_of_a_restore_once_recovered(
    sync_ctx: GuiContext, qtbot: QtBot, tmp_path: Path
) -> None:
    """A reprint asked for on the restored counter was refused under the receipts' buttons;
    the refusal stayed there after the recovery, as if no receipt could be printed."""
    from factories import new_case as a_case

    from eservice_desktop.gui import qt_print
    from eservice_desktop.gui.payment_page import PaymentPage
    from eservice_desktop.services import payments

    app = sync_ctx.app
    number = a_case(app, name="陳堃", copies=2)
    payments.record_payment(app, number, "cash", 30)
    sync_now(app)
    _mark_restored(app)
    bar = SyncStatusWidget(sync_ctx, autostart=False)
    qtbot.addWidget(bar)
    page = PaymentPage(sync_ctx)
    qtbot.addWidget(page)
    page.printer_factory = lambda: qt_print.make_printer(output_pdf=tmp_path / "r.pdf")
    page.load(number)
    bar.refresh()
    page.receipt_refused(restore_guard.refusal())  # as a void refused by the guard is
    assert "本次未儲存" in page.receipt_note.text()
    bar.start()
    qtbot.waitUntil(lambda: bar.online is True, timeout=20000)
    qtbot.waitUntil(lambda: page.receipt_note.text() == "", timeout=5000)
    bar.stop()


def _mark_restored(app: App) -> None:
    """As `backup restore` marks the copy it switches in."""
    with app.transaction() as s:
        s.add(
            SyncStateRow(
                name=restore_guard.PENDING, value="b.sqlite3", updated_at=datetime.now(UTC)
            )
        )
