"""A name typed in an export's save dialog (the daily closing, a report) that Windows cannot
hold as typed: ``r.pdf.`` was given the format's suffix first and written as ``r.pdf..pdf``, a
name the clerk never typed, while ``--out r.pdf.`` is refused (domain/file_names.py). The
dialog's answer is now refused as typed, ``file.bad_name`` named on the page, nothing written;
a name without the suffix still gets it."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from PySide6.QtWidgets import QFileDialog
from pytestqt.qtbot import QtBot

from eservice_desktop.domain.errors import DomainError
from eservice_desktop.gui import payment_closing
from eservice_desktop.gui.context import GuiContext
from eservice_desktop.gui.payment_page import PaymentPage
from eservice_desktop.gui.reports_page import ReportsPage
from eservice_desktop.services import exports

BAD = ["r.pdf.", "r.pdf ", "NUL", "a:b"]


def _dialog_answers(monkeypatch: pytest.MonkeyPatch, path: Path) -> None:
    def dialog(*_args: object) -> tuple[str, str]:
        return str(path), ""

    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(dialog))


@pytest.mark.parametrize("name", BAD)
def test_the_closing_saved_under_a_name_windows_cannot_hold_is_refused(
    sync_ctx: GuiContext, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, name: str
) -> None:
    out = tmp_path / "exports"
    out.mkdir()
    page = PaymentPage(sync_ctx)
    qtbot.addWidget(page)
    chosen = payment_closing.ClosingChoice(date(2026, 3, 10), "", "pdf")
    monkeypatch.setattr(payment_closing, "ask_closing", lambda _parent, _today: chosen)
    _dialog_answers(monkeypatch, out / name)
    page.closing_dialog()
    assert list(out.iterdir()) == []
    assert "Windows" in page.receipt_note.text() and "請改用其他檔名" in page.receipt_note.text()
    assert name.strip(" .") in page.receipt_note.text()


def test_a_report_exported_as_r_pdf_dot_is_refused_not_r_pdf_dot_pdf(
    sync_ctx: GuiContext, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from test_reports_page import Recorder

    out = tmp_path / "exports"
    out.mkdir()
    page = ReportsPage(sync_ctx)
    qtbot.addWidget(page)
    page.compute = Recorder()
    page.run()
    _dialog_answers(monkeypatch, out / "r.pdf.")
    page.export("pdf")
    assert list(out.iterdir()) == [] and page.last_export is None
    assert "「r.pdf.」以句點或空格結尾" in page.error_label.text()
    _dialog_answers(monkeypatch, out / "r")
    page.export("pdf")  # typed without the suffix: it gets it
    assert page.last_export == out / "r.pdf" and page.last_export.exists()


def test_the_suffix_is_added_only_to_a_name_windows_can_hold(tmp_path: Path) -> None:
    assert exports.chosen_target(tmp_path / "r", "pdf") == tmp_path / "r.pdf"
    assert exports.chosen_target(tmp_path / "R.PDF", "pdf") == tmp_path / "R.PDF"
    assert exports.chosen_target(tmp_path / "day.10.pdf", "csv") == tmp_path / "day.10.pdf.csv"
    for name in BAD:
        with pytest.raises(DomainError) as refused:
            exports.chosen_target(tmp_path / name, "pdf")
        assert refused.value.code == "file.bad_name"
