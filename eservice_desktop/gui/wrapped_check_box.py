"""A check box whose words wrap (the intake form's required documents and consents, words of
the catalogue). A check box draws its words on one line: in English on half a screen or at
200 % "Letter of authorisation and the agent's national ID card (when filed by an agent) (4)"
was 521 px wide and the intake form scrolled sideways by 161 px in its 404. A
:class:`WrappedCheckBox` is as narrow as its longest word beside its box and as tall as the
lines its words take at the width it is given.

It is still one check box, not a box beside a label: one stop of the Tab chain that Space
ticks, its Alt key its own, a click on its words ticks it, and a screen reader reads it as a
check box named by its words. Not laid out height-for-width (in the window's scroll areas that
scrolled a page back to its top): its height follows its width as it is resized.
"""

from __future__ import annotations

from PySide6.QtCore import QPoint, QRect, QSize, Qt
from PySide6.QtGui import QFontMetrics, QPaintEvent, QPalette, QResizeEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QSizePolicy,
    QStyle,
    QStyleOptionButton,
    QStyleOptionFocusRect,
    QStylePainter,
    QWidget,
)

from eservice_desktop.gui.accessible import plain

_FLAGS = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop | Qt.TextFlag.TextWordWrap
_SE = QStyle.SubElement


class WrappedCheckBox(QCheckBox):
    """A check box that wraps its words, its box beside their first line."""

    def __init__(self, text: str = "", parent: QWidget | None = None) -> None:
        super().__init__(text, parent)
        # narrower than its words on one line (a check box's policy keeps it at least as wide)
        policy = self.sizePolicy()
        policy.setHorizontalPolicy(QSizePolicy.Policy.Preferred)
        self.setSizePolicy(policy)
        #: The height of its lines at its width, as last asked of the layout.
        self._lines_height = -1

    def _option(self) -> QStyleOptionButton:
        option = QStyleOptionButton()
        self.initStyleOption(option)
        return option

    def _indicator(self) -> QRect:
        """The box, beside the first line."""
        option = self._option()
        line = QFontMetrics(self.font()).lineSpacing()
        indicator = self.style().subElementRect(_SE.SE_CheckBoxIndicator, option, self)
        first = max(line, indicator.height())
        indicator.moveTop((first - indicator.height()) // 2)
        return indicator

    def _text_left(self) -> int:
        option = self._option()
        return self.style().subElementRect(_SE.SE_CheckBoxContents, option, self).left()

    def _flags(self) -> int:
        flags = int(_FLAGS | Qt.TextFlag.TextShowMnemonic)
        if not self.style().styleHint(QStyle.StyleHint.SH_UnderlineShortcut, self._option(), self):
            flags |= int(Qt.TextFlag.TextHideMnemonic)
        return flags

    def _words_rect(self, width: int) -> QRect:
        """Where its words stand at ``width``, as tall as their lines."""
        metrics = QFontMetrics(self.font())
        top = max(0, (self._indicator().height() - metrics.lineSpacing()) // 2)
        left = self._text_left()
        room = QRect(left, top, max(1, width - left), 1 << 20)
        return metrics.boundingRect(room, self._flags(), self.text())

    def _height_at(self, width: int) -> int:
        return max(self._indicator().bottom() + 1, self._words_rect(width).bottom() + 1)

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt API)
        """All its words on one line, as tall as their lines at its width."""
        one_line = super().sizeHint()
        if self.width() <= 0:
            return one_line
        return QSize(one_line.width(), max(one_line.height(), self._height_at(self.width())))

    def minimumSizeHint(self) -> QSize:  # noqa: N802 (Qt API)
        """Its longest word beside its box."""
        metrics = QFontMetrics(self.font())
        longest = max((metrics.horizontalAdvance(w) for w in plain(self.text()).split()), default=0)
        return QSize(self._text_left() + longest + 2, self.sizeHint().height())

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 (Qt API)
        super().resizeEvent(event)
        height = self._height_at(event.size().width())
        if height != self._lines_height:
            self._lines_height = height
            self.updateGeometry()  # the layout gives it the height of its lines

    def hitButton(self, pos: QPoint) -> bool:  # noqa: N802 (Qt API)
        """A click on its box or on any line of its words."""
        return self._indicator().united(self._words_rect(self.width())).contains(pos)

    def paintEvent(self, _event: QPaintEvent) -> None:  # noqa: N802 (Qt API)
        painter = QStylePainter(self)
        option = self._option()
        box = QStyleOptionButton(option)
        box.rect = self._indicator()
        painter.drawPrimitive(QStyle.PrimitiveElement.PE_IndicatorCheckBox, box)
        words = self._words_rect(self.width())
        role = QPalette.ColorRole.WindowText
        painter.drawItemText(
            words, self._flags(), option.palette, self.isEnabled(), self.text(), role
        )
        if self.hasFocus():
            focus = QStyleOptionFocusRect()
            focus.initFrom(self)
            focus.rect = words.adjusted(-1, 0, 1, 0)
            painter.drawPrimitive(QStyle.PrimitiveElement.PE_FrameFocusRect, focus)
