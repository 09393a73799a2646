"""At 1,024 px in English the status bar's sync state is whole: the office name gives way
(elided, whole in its tooltip), not "Offline: Sync faile" at the other end."""

from __future__ import annotations

from gui_keys import open_window
from PySide6.QtWidgets import QLabel

from eservice_desktop.gui.context import GuiContext
from eservice_desktop.gui.i18n import install_translators, remove_translators


def test_the_sync_state_is_whole_and_the_office_name_gives_way(
    qtbot, ctx: GuiContext, qapp
) -> None:  # type: ignore[no-untyped-def]
    ctx.lang = "en"
    translators = install_translators(qapp, "en")
    try:
        window = open_window(qtbot, ctx)
        window.resize(1024, 700)
        sync = window.status_widgets[0]
        ctx.tasks.wait_idle()  # the first counts are in: the state below is not replaced
        qtbot.wait(50)
        sync._on_round({"pending": 12, "conflicts": 3, "quarantined": 2}, "Sync failed; call IT")  # type: ignore[attr-defined]
        bar = window.statusBar()
        bar.clearMessage()  # the failure said once in the bar; the labels are back
        office = window.office_label
        qtbot.waitUntil(lambda: bar.width() <= 1024 and office.width() < office.full_width())
        qtbot.wait(10)  # the bar lays out again after the new state text
        for label in (window.operator_label, sync.state_label, sync.counts_label):  # type: ignore[attr-defined]
            assert isinstance(label, QLabel)
            right = label.mapTo(bar, label.rect().topRight()).x()
            assert label.width() >= label.sizeHint().width() and right <= bar.width(), label.text()
        assert office.text().endswith("…") and office.toolTip().startswith("Taoyuan Household")
    finally:
        remove_translators(qapp, translators)
