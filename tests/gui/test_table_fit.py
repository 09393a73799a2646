"""fit_widths: headers always fit, data columns get what they need, the elastic one gives way."""

from __future__ import annotations

from eservice_desktop.gui.table_fit import fit_widths

MINIMUM = [60, 80, 60, 100]  # header widths
WANTED = [150, 400, 70, 100]  # contents


def test_everything_fits_and_the_spare_room_is_shared() -> None:
    widths = fit_widths(MINIMUM, WANTED, 1000, elastic=(1,))
    assert sum(widths) == 1000
    assert all(w >= want for w, want in zip(widths, WANTED, strict=True))


def test_the_elastic_column_gives_way_first() -> None:
    widths = fit_widths(MINIMUM, WANTED, 500, elastic=(1,))
    assert sum(widths) == 500
    assert widths[0] == 150 and widths[2] == 70 and widths[3] == 100  # full contents
    assert widths[1] == 180 and widths[1] >= MINIMUM[1]  # elided, header still whole


def test_too_narrow_for_contents_keeps_every_header() -> None:
    widths = fit_widths(MINIMUM, WANTED, 320, elastic=(1,))
    assert sum(widths) == 320
    assert all(w >= m for w, m in zip(widths, MINIMUM, strict=True))


def test_narrower_than_the_headers_scrolls_and_cuts_nothing_but_the_elastic_column() -> None:
    """A scroll bar is unavoidable: a case number or a date elided as well would be lost for
    nothing (a small window, English headers); only the elastic column keeps to its header."""
    assert fit_widths(MINIMUM, WANTED, 200, elastic=(1,)) == [150, 80, 70, 100]


def test_a_header_narrower_than_the_least_section_size_still_fits_the_table(qtbot) -> None:  # type: ignore[no-untyped-def]
    """A one-word header ("Due", 30 px) asks less than Qt lets a section shrink to (43 px in the
    counter window's font): the fitter counts the larger, so the last column is not pushed
    past the edge."""
    from PySide6.QtWidgets import QTableWidget, QTableWidgetItem

    from eservice_desktop.gui.table_fit import ColumnFitter

    table = QTableWidget(3, 3)
    table.setHorizontalHeaderLabels(["Case number", "Service", "Due"])
    for row in range(3):
        for col, text in enumerate(("H01-01-115-000004-7", "Household registration " * 3, "")):
            table.setItem(row, col, QTableWidgetItem(text))
    header = table.horizontalHeader()
    header.setMinimumSectionSize(60)
    assert header.sectionSizeFromContents(2).width() < header.minimumSectionSize()
    ColumnFitter(table, elastic=(1,))
    qtbot.addWidget(table)
    table.resize(320, 200)
    table.show()
    qtbot.waitExposed(table)
    qtbot.waitUntil(lambda: header.sectionSize(1) < 200)
    qtbot.wait(20)
    total = sum(header.sectionSize(c) for c in range(3))
    assert total <= table.viewport().width(), (total, table.viewport().width())


def test_short_of_room_the_whole_columns_stay_whole_and_the_elastic_ones_give_way() -> None:
    """At 1024 px beside the identity panel, with a scroll bar, the queue could not give every
    column its contents: all were cut in proportion and every case number read
    "H01-01-115-…". The case number now stays whole, the service name keeps its header only,
    the others share the rest."""
    minimum = [50, 90, 60, 70]
    wanted = [140, 300, 100, 110]
    assert fit_widths(minimum, wanted, 380, elastic=(1,))[0] < 140  # cut with the rest
    assert fit_widths(minimum, wanted, 380, elastic=(1,), whole=(0,)) == [140, 90, 70, 80]
    assert fit_widths(minimum, wanted, 400, elastic=(1,), whole=(0,)) == [140, 90, 80, 90]
    # not even the whole ones and the headers: shared as before
    assert fit_widths(minimum, wanted, 300, elastic=(1,), whole=(0,)) == fit_widths(
        minimum, wanted, 300, elastic=(1,)
    )
