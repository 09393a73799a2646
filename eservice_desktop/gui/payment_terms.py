"""The fees page's 核定 row (份數, 免徵, 減免, 原因) read and set as one ``fees.Terms``.

A case loaded on the page shows its recorded terms, so 核定 (Alt+A) re-assesses with what the
clerk changed and nothing else: with the row left at its defaults, one Alt+A on a case with an
approved reduction recorded the full fee again. :func:`choose` says which service call the
row's terms need.
"""

from __future__ import annotations

from typing import Literal

from PySide6.QtWidgets import QCheckBox, QComboBox, QSpinBox

from eservice_desktop.services import fees

#: What 核定 does with the row's terms: nothing (unchanged), only the copies (the exemption
#: or reduction already granted is kept), or a new assessment (approved if it reduces the fee).
Step = Literal["unchanged", "copies", "assess"]


def reason_of(combo: QComboBox) -> str:
    """A listed reason is recorded as listed (zh-TW, whatever the window shows); a typed one
    as typed."""
    i = combo.currentIndex()
    if i >= 0 and combo.currentText() == combo.itemText(i):
        return str(combo.itemData(i) or "")
    return combo.currentText()


def read(copies: QSpinBox, exempt: QCheckBox, reduction: QSpinBox, reason: QComboBox) -> fees.Terms:
    """The terms as the row shows them now."""
    return fees.Terms(
        copies.value(), exempt.isChecked(), reduction.value(), reason_of(reason).strip()
    )


def show(
    terms: fees.Terms,
    copies: QSpinBox,
    exempt: QCheckBox,
    reduction: QSpinBox,
    reason: QComboBox,
) -> None:
    """Sets the row to ``terms`` (a listed reason selected, another typed in)."""
    copies.setValue(terms.copies)
    exempt.setChecked(terms.exempt)
    reduction.setValue(terms.reduction)
    listed = reason.findData(terms.reason) if terms.reason else 0
    if listed >= 0:
        reason.setCurrentIndex(listed)
    else:
        reason.setCurrentIndex(0)
        reason.setEditText(terms.reason)


def choose(row: fees.Terms, recorded: fees.Terms, assessed: bool) -> Step:
    """``recorded``: the terms the page showed (a case not assessed yet: its copies, no
    relief; 核定 then records its first assessment whatever the row says)."""
    if assessed and row == recorded:
        return "unchanged"
    if row.same_relief(recorded) and row.copies != recorded.copies:
        return "copies"
    return "assess"
