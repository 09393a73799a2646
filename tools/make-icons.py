"""Renders installer/linux/eservice-desktop.svg to the PNG (Linux) and ICO (Windows) icons.

Run once after editing the SVG (`.venv/bin/python tools/make-icons.py`); the outputs are committed
so builds need neither Qt's SVG renderer nor Pillow at packaging time.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PIL import Image
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

ROOT = Path(__file__).resolve().parents[1]


def main() -> int:
    app = QGuiApplication(sys.argv[:1])
    svg = ROOT / "installer" / "linux" / "eservice-desktop.svg"
    renderer = QSvgRenderer(str(svg))
    image = QImage(256, 256, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    renderer.render(painter)
    painter.end()
    png = ROOT / "installer" / "linux" / "eservice-desktop.png"
    image.save(str(png))
    Image.open(png).save(
        ROOT / "installer" / "windows" / "eservice-desktop.ico",
        sizes=[(16, 16), (32, 32), (48, 48), (64, 64), (128, 128), (256, 256)],
    )
    del app
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
