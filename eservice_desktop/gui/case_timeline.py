"""The case detail's timeline rows, and where the table stands after they change.

The timeline is a short table on a page taller than a counter's screen (a few rows in
sight), listed oldest first: after 補正完成 or 結案 the clerk saw the case's first events and
none of the one just recorded, nor the county's 領件 after a round, without scrolling the
table. When a case is opened, or new events arrive for the case shown, the newest row comes
into sight; a round that brings nothing new leaves the table where the clerk put it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtWidgets import QTableWidget, QTableWidgetItem

from eservice_desktop.domain.event_labels import EVENT_LABELS
from eservice_desktop.gui.case_detail_view import format_moment
from eservice_desktop.gui.timeline import describe

#: (case number, events shown) of the timeline as last filled.
Shown = tuple[str, int]


def fill(
    table: QTableWidget,
    case_number: str,
    events: Sequence[dict[str, Any]],
    *,
    zh: bool,
    applicant: str,
    service_name: Callable[[str], str],
    before: Shown | None,
    quantity: Callable[[str, int], str] | None = None,
) -> Shown:
    """Fills ``table`` with the case's events; returns what it shows (``before`` next time)."""
    table.setRowCount(len(events))
    for i, e in enumerate(events):
        label = EVENT_LABELS.get(e["type"], (e["type"], e["type"]))
        cells = (
            format_moment(e["at"], zh),
            label[0] if zh else label[1],
            e["clerk"],
            f"{e['office']}-{e['device']}",
            describe(e, zh=zh, applicant=applicant, service_name=service_name, quantity=quantity),
        )
        for col, text in enumerate(cells):
            table.setItem(i, col, QTableWidgetItem(text))
    shown = (case_number, len(events))
    if before is None or before[0] != case_number or shown[1] > before[1]:
        table.scrollToBottom()
    return shown
