"""Tab runs through a dialog's buttons in the order they stand.

``QDialogButtonBox`` lays its buttons out by role, in the platform's order, but leaves Tab in
the order they were made: the daily closing's dialog, made with 取消 and then its three ways
out, stands 存成 PDF, 存成 CSV, 列印, 取消 and was tabbed 取消, 存成 PDF, 存成 CSV, 列印, so a
clerk going by the focus (or by the screen reader) met the buttons out of the order seen.
The keyboard rules (``gui/keyboard.py``) put each box's buttons in the Tab chain in the order
of its layout as the dialog shows (and a tick later, for buttons a dialog adds as it opens).
"""

from __future__ import annotations

from itertools import pairwise

from PySide6.QtWidgets import QDialogButtonBox, QLayout, QWidget


def _laid_out(layout: QLayout) -> list[QWidget]:
    items = (layout.itemAt(i) for i in range(layout.count()))
    return [w for w in (i.widget() for i in items if i is not None) if w is not None]


def tab_as_laid_out(box: QDialogButtonBox) -> None:
    """Chains the box's buttons for Tab in the order its layout shows them."""
    layout = box.layout()
    buttons = set(box.buttons())
    shown = [w for w in _laid_out(layout) if w in buttons] if layout is not None else []
    for before, after in pairwise(shown):
        QWidget.setTabOrder(before, after)
