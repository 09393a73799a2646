"""免書證查詢's answer belongs to the case it was asked for: a refusal that came back after the
clerk opened another case was painted under that case's look-up (「民眾未同意」 under the next
citizen's case, who had consented), with nothing naming the case it was about."""

from __future__ import annotations

from types import SimpleNamespace

from PySide6.QtWidgets import QWidget

from eservice_desktop.domain.errors import DomainError
from eservice_desktop.gui.context import GuiContext
from eservice_desktop.gui.lookup_panel import LookupPanel


def _view(number: str) -> SimpleNamespace:
    return SimpleNamespace(
        case_number=number,
        service_code="ED-CRAM-SCHOOL-REGISTER",
        consent_kinds=[],
        status="received",
    )


def test_a_refusal_for_the_case_left_stays_off_the_next(qtbot, sync_ctx: GuiContext) -> None:
    page = QWidget()
    qtbot.addWidget(page)
    panel = LookupPanel(sync_ctx, page, shortcut_parent=page)
    panel.show_case(_view("D03-01-115-000001-1"))
    assert panel.button.isEnabled()
    held: list[dict] = []
    sync_ctx.tasks.run_io = lambda *_a, **kw: held.append(kw)  # the county still answering
    said: list[str] = []
    sync_ctx.status_message.connect(said.append)
    panel.run()
    panel.show_case(_view("D03-01-115-000002-9"))  # the clerk opened the next case
    assert panel.message.text() == ""
    held[0]["on_error"](DomainError("lookup.no_consent", "民眾未同意查調此書證", "No consent"))
    assert panel.message.text() == ""  # not under the next citizen's case
    assert panel.button.isEnabled()
    assert any("D03-01-115-000001-1" in s and "民眾未同意查調此書證" in s for s in said), said


def test_in_english_it_names_the_case_too(qtbot, ctx: GuiContext, english: None) -> None:
    page = QWidget()
    qtbot.addWidget(page)
    panel = LookupPanel(ctx, page, shortcut_parent=page)
    panel.show_case(_view("D03-01-115-000001-1"))
    held: list[dict] = []
    ctx.tasks.run_io = lambda *_a, **kw: held.append(kw)
    said: list[str] = []
    ctx.status_message.connect(said.append)
    panel.run()
    panel.show_case(_view("D03-01-115-000002-9"))
    held[0]["on_error"](DomainError("lookup.no_consent", "民眾未同意查調此書證", "No consent"))
    assert "Case D03-01-115-000001-1: No consent" in said
