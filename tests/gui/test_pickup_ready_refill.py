"""The pickup desk's ready list refilled while on screen (after each scan, each sync round)
measures its rows once: each cell set measured every row again, and a refresh of 160 ready
cases held the desk for 17 s (minutes on a busy counter PC), the window not even painted."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from PySide6.QtWidgets import QStyledItemDelegate
from pytestqt.qtbot import QtBot

from eservice_desktop.gui import pickup_desk
from eservice_desktop.gui.context import GuiContext
from eservice_desktop.gui.pickup_desk import PickupDesk
from eservice_desktop.services import pickup_keys
from eservice_desktop.services.pickup_views import ReadyRow

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from pickup_support import County, ready_case

ROWS = 60


class Counting(QStyledItemDelegate):
    calls = 0

    def sizeHint(self, option, index):  # type: ignore[no-untyped-def]
        self.calls += 1
        return super().sizeHint(option, index)


def ready(n: int) -> list[ReadyRow]:
    return [
        ReadyRow(
            case_number=f"H01-01-115-{i:06d}-1",
            pickup_number=f"{i:04d}",
            service_name="請領戶籍謄本(預約)",
            applicant_name_masked="王○明",
            applicant_id_masked="A12345****",
            balance=0,
            updated_at="",
            service_code="HR-TRANSCRIPT",
        )
        for i in range(n)
    ]


def test_a_refill_on_screen_measures_each_row_once(
    qtbot: QtBot, ctx: GuiContext, desk: PickupDesk
) -> None:
    ctx.tasks.wait_idle()  # the desk's own first read of the list (none ready) is in
    table = desk.ready_table
    counting = Counting(table)
    table.setItemDelegate(counting)
    desk._fill_ready(ready(ROWS))
    qtbot.wait(20)  # the list painted
    assert table.rowCount() == ROWS
    counting.calls = 0
    desk._fill_ready(ready(ROWS))  # the refresh after a scan or a sync round
    assert table.rowCount() == ROWS
    cells = ROWS * table.columnCount()
    assert counting.calls < 2 * cells  # was every row again for each cell set: 90,000
    assert table.verticalHeader().sectionResizeMode(0).name == "ResizeToContents"


def test_a_list_of_the_oldest_says_how_many_wait_in_all(
    qtbot: QtBot, ctx: GuiContext, desk: PickupDesk, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The desk lists the oldest 500 cases waiting here and said nothing of the rest: 500 rows
    over an office with 8,996 waiting. The list's label says how many wait in all when it
    shows only the oldest, and nothing more when it shows them all."""
    county = County()
    pickup_keys.import_county_keys(ctx.app, county.document())
    for i, applicant in enumerate(("A123456789", "B123456780", "F131104093")):
        ready_case(ctx.app, county, pickup_number=f"05{i:02d}", applicant_id=applicant)
    desk.refresh_ready()
    qtbot.waitUntil(lambda: desk.ready_table.rowCount() == 3)
    assert desk.ready_label.text() == "本所待領件"
    monkeypatch.setattr(pickup_desk, "READY_SHOWN", 2)
    desk.refresh_ready()
    qtbot.waitUntil(lambda: desk.ready_table.rowCount() == 2)
    assert desk.ready_label.text() == "本所待領件：列出最早的 2 件／共 3 件"
