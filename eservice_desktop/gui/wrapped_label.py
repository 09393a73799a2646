"""A label that wraps its text and keeps the height of all its lines (the pickup desk's verdict
and case, the intake form's refusals beside their fields)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QResizeEvent

from eservice_desktop.gui.accessible import SpokenLabel


class WrappedLabel(SpokenLabel):
    """A label that wraps its text and is never shorter than its lines: a layout short of
    height squeezes a wrapped label below them (a plain label's least height is one line), and
    at 1024×768 the last line of 已於 … 領取，不可重複交付 (…請洽主管。) was cut under 案件. Its
    least height follows its text and width, so the page scrolls instead. Plain text: the
    desk shows data (a web applicant named "<h1>王</h1>小明" was drawn as a heading)."""

    def __init__(
        self,
        text: str = "",
        *,
        spoken: bool = False,
        assertive: bool = True,
        height_for_width: bool = True,
    ) -> None:
        """``height_for_width=False``: its least height alone follows its lines, and the page
        holding it is not laid out height-for-width (in the window's scroll area such a page
        is as tall as its tables want, and scrolled back to its top once laid out)."""
        self._height_for_width = height_for_width
        super().__init__(text, assertive=assertive, speak=spoken)
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setWordWrap(True)
        self._policy()
        self.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)

    def _policy(self) -> None:
        """QLabel sets height-for-width again with each text it is given."""
        if not self._height_for_width and self.sizePolicy().hasHeightForWidth():
            policy = self.sizePolicy()
            policy.setHeightForWidth(False)
            self.setSizePolicy(policy)

    def setText(self, text: str) -> None:  # noqa: N802 (Qt API)
        super().setText(text)
        self._policy()
        self._hold_lines()

    def clear(self) -> None:
        """Its lines go with its text (QLabel's own clear kept them: a blank under the field
        a refusal had been beside)."""
        self.setText("")

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 (Qt API)
        super().resizeEvent(event)
        self._hold_lines()

    def _hold_lines(self) -> None:
        if self.width() > 0:
            # QLabel's heightForWidth never answers less than the minimum height: without the
            # reset the label kept the lines of its narrowest moment, a gap under the verdict
            self.setMinimumHeight(0)
            self.setMinimumHeight(max(0, self.heightForWidth(self.width())))  # empty: -1
