"""A line beside a name field saying which characters will not show or print, by code point.

The intake form adds one under the applicant's name (``GlyphWarning(ctx, edit)``). While the
clerk types, it checks the screen fonts (``gui/fonts.py``, instant) and, on a worker, the receipt
fonts (``services.glyphs.check_printable``: the first rare character loads the fallback fonts,
about a second). The case is still saved; the clerk knows before the citizen sees
``[U+2EBF0]`` on the receipt.
"""

from __future__ import annotations

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QLabel, QLineEdit, QWidget

from eservice_desktop.domain.errors import DomainError
from eservice_desktop.gui.context import GuiContext
from eservice_desktop.gui.fonts import screen_gaps
from eservice_desktop.gui.tasks import Task
from eservice_desktop.services.glyphs import check_printable, code_point

DEBOUNCE_MS = 200


class GlyphWarning(QLabel):
    def __init__(
        self, ctx: GuiContext, edit: QLineEdit, field: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.edit = edit
        self.field = field
        self.setObjectName(f"glyphs_{field}")
        self.setStyleSheet("color: #a05a00;")
        self.setWordWrap(True)
        self.hide()
        self._screen = ""
        self._receipt = ""
        self._task: Task | None = None
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(DEBOUNCE_MS)
        self._timer.timeout.connect(self.check)
        edit.textChanged.connect(lambda _t: self._timer.start())

    def check(self) -> None:
        """Checks the field's text now (the debounce calls it)."""
        self._timer.stop()
        text = self.edit.text()
        gaps = screen_gaps(text)
        self._screen = (
            self.ctx.pick(
                "畫面無法顯示 " + "、".join(code_point(ch) for ch in gaps),
                "Cannot be shown on screen: " + ", ".join(code_point(ch) for ch in gaps),
            )
            if gaps
            else ""
        )
        self._receipt = ""
        self._show()
        if self._task is not None:
            self._task.cancel()
        self._task = None
        if text.strip():
            self._task = self.ctx.tasks.run_io(
                check_printable, text, self.field, on_done=self._receipt_done
            )

    def _receipt_done(self, warning: DomainError | None) -> None:
        self._task = None
        self._receipt = self.ctx.message(warning) if warning is not None else ""
        self._show()

    def _show(self) -> None:
        text = "\n".join(t for t in (self._receipt, self._screen) if t)
        self.setText(text)
        self.setVisible(bool(text))

    @property
    def pending(self) -> bool:
        return self._timer.isActive() or self._task is not None
