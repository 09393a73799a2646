"""Shows a report chart on screen: the SVG of the very reportlab Drawing the PDF export draws
(``printing/charts.py``), painted by QtSvg.

QtSvg is part of PySide6-Essentials; QtCharts would need PySide6-Addons (hundreds of MB more in
every installer) and would be a second layout that could disagree with the PDF. The SVG names
the real family of the chart's TrueType face (AR PL UMing TW, MingLiU ...); when that face came
with the program rather than the system (``resources/fonts``), it is registered with Qt's font
database first, so the screen uses the face reportlab measured the labels with.

The widget keeps the chart's proportions at any width, and carries the chart's figures as its
accessible description (``printing.charts.describe``) for screen readers; the table under it
has the same figures for the keyboard.
"""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFontDatabase, QImage, QPainter, QPaintEvent
from PySide6.QtSvg import QSvgRenderer
from PySide6.QtWidgets import QSizePolicy, QWidget

_registered: set[str] = set()

#: The widest a chart is drawn on screen, in pixels: wider, its labels grow past what a glance
#: takes in and a tall chart pushes its table out of sight.
MAX_WIDTH = 860


def ensure_font(family: str, path: str) -> None:
    """Makes ``family`` known to Qt (once), loading the font file when the system lacks it."""
    if family in _registered:
        return
    if family not in QFontDatabase.families():
        QFontDatabase.addApplicationFont(path)
    _registered.add(family)


class ChartView(QWidget):
    """One chart. ``set_chart(svg, title, description)``; ``renderer`` is the QSvgRenderer."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.renderer = QSvgRenderer(self)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the table under it holds the figures
        policy = QSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        policy.setHeightForWidth(True)
        self.setSizePolicy(policy)
        self.setMinimumWidth(360)

    def set_chart(self, svg: str, title: str, description: str) -> bool:
        ok = self.renderer.load(QByteArray(svg.encode("utf-8")))
        self.setAccessibleName(title)
        self.setAccessibleDescription(description)
        self.setToolTip(description)
        self.updateGeometry()
        self.update()
        return bool(ok)

    def _ratio(self) -> float:
        size = self.renderer.defaultSize()
        return size.height() / size.width() if size.width() > 0 else 0.5

    def hasHeightForWidth(self) -> bool:  # noqa: N802 (Qt API)
        return True

    def heightForWidth(self, width: int) -> int:  # noqa: N802 (Qt API)
        return int(min(width, MAX_WIDTH) * self._ratio())

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt API)
        size = self.renderer.defaultSize()
        if size.width() <= 0:
            return QSize(720, 360)
        return QSize(int(size.width() * 1.5), int(size.height() * 1.5))

    def chart_rect(self) -> QRectF:
        """Where the chart is painted: as wide as fits (at most :data:`MAX_WIDTH` px), in
        proportion."""
        width = float(min(self.width(), MAX_WIDTH))
        height = width * self._ratio()
        if height > self.height():
            height = float(self.height())
            width = height / self._ratio()
        return QRectF((self.width() - width) / 2, 0, width, height)

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 (Qt API)
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
        rect = self.chart_rect()
        painter.fillRect(rect, QColor("white"))  # the chart's paper, also in a dark theme
        if self.renderer.isValid():
            self.renderer.render(painter, rect)
        painter.end()

    def image(self, width: int) -> QImage:
        """The chart alone at ``width`` pixels (tests and screenshots)."""
        height = int(width * self._ratio())
        img = QImage(width, height, QImage.Format.Format_RGB32)
        img.fill(QColor("white"))
        painter = QPainter(img)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.renderer.render(painter, QRectF(0, 0, width, height))
        painter.end()
        return img
