"""The identity panel names the case a verification goes to with the applicant's masked name:
a long Latin name (Wolfeschlegelsteinhausenbergerdorff Hubert Blaine, a web application) masked
to W and 47 circles ran past the panel's edge, the rest of the line cut off, since nothing in
the run of circles let the line break."""

from __future__ import annotations

import re

from PySide6.QtGui import QFontMetrics
from pytestqt.qtbot import QtBot

from eservice_desktop.gui.context import GuiContext, ScreenCase
from eservice_desktop.gui.identity_panel import IdentityPanel

LONG = "Wolfeschlegelsteinhausenbergerdorff Hubert Blaine"


def test_a_long_masked_name_wraps_inside_the_panel(sync_ctx: GuiContext, qtbot: QtBot) -> None:
    panel = IdentityPanel(sync_ctx, start_monitor=False)
    qtbot.addWidget(panel)
    panel.resize(312, 600)  # the dock's width beside the page
    panel.show()
    case = ScreenCase("H01-00-115-000003-0", LONG, "H287654322")
    sync_ctx.screen_case = lambda: case
    sync_ctx.case_in_front.emit(case)
    label = panel.case_label
    qtbot.waitUntil(lambda: "H01-00-115-000003-0" in label.text(), timeout=3000)
    metrics = QFontMetrics(label.font())
    # the name's pieces the line may not break inside each fit the label's width
    name = label.text()[label.text().index("（") :]
    pieces = re.split(r"[\s\u200b]+", name)
    assert max(metrics.horizontalAdvance(p) for p in pieces) <= label.width()
    # what is shown is still the masked name: the first and last letters, circles between
    assert label.text().replace("\u200b", "").endswith(f"（W{'○' * (len(LONG) - 2)}e）")


def test_a_short_name_reads_as_before() -> None:
    assert ScreenCase("H01-01-115-000001-7", "王小明").masked_name == "王○明"


def test_a_long_name_on_the_intake_form_wraps_inside_the_panel(
    sync_ctx: GuiContext, qtbot: QtBot
) -> None:
    """No case in front: the panel names the intake form's applicant. The same long name ran
    past the panel's edge there, its last circles and the closing bracket cut off."""
    panel = IdentityPanel(sync_ctx, start_monitor=False)
    qtbot.addWidget(panel)
    panel.resize(312, 600)
    panel.show()
    sync_ctx.screen_case = lambda: None
    sync_ctx.case_in_front.emit(None)
    sync_ctx.intake_applicant.emit("A123456789", LONG)
    label = panel.case_label
    qtbot.waitUntil(lambda: "（" in label.text(), timeout=3000)
    metrics = QFontMetrics(label.font())
    name = label.text()[label.text().index("（") :]
    pieces = re.split(r"[\s\u200b]+", name)
    assert max(metrics.horizontalAdvance(p) for p in pieces) <= label.width()
    assert label.text().replace("\u200b", "").endswith(f"（申請人 W{'○' * (len(LONG) - 2)}e）")
