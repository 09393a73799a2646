"""The mouse wheel scrolls the page; it never changes a value.

Qt gives the wheel to the spin box or drop-down under the pointer, which steps its value: a
clerk scrolling the payment page with the pointer resting on 收現 turned 0 元 into 6 元 (and the
change shown to the citizen with it); over 本次收費 the amount charged, over a date its day,
over the intake's 申辦項目 or 領件方式 the service or pickup method typed a minute earlier. None
of it is seen when it happens: the page scrolls on, the field moved under the pointer.

So on every spin box (money, copies, dates) and every closed drop-down the wheel is refused and
passed to the widget behind it, the page's scroll area, which scrolls as it does anywhere else
on the page; the value changes only by keys or by the arrows' and list's clicks. The spin
boxes' and drop-downs' focus policy drops the wheel too, so the wheel never moves the focus
into a field the clerk is not typing in. An open drop-down's list is not a drop-down and
scrolls as usual.

The rule is applied by the keyboard module's application filter (one filter for every input
rule: each application filter sees every event of every widget).
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QAbstractSpinBox, QComboBox, QWidget

#: The widgets whose value the wheel would step.
_STEPPED = (QAbstractSpinBox, QComboBox)


def no_wheel_focus(widget: QWidget) -> None:
    """A spin box or drop-down takes the focus by Tab and click only (Qt's default for them
    is the wheel as well)."""
    if isinstance(widget, _STEPPED) and widget.focusPolicy() == Qt.FocusPolicy.WheelFocus:
        widget.setFocusPolicy(Qt.FocusPolicy.StrongFocus)


def refuse_wheel(watched: QObject, event: QEvent) -> bool:
    """For a wheel event on a spin box or drop-down: refuses it (ignored, and the widget does
    not see it), so Qt hands it on to the widget behind, up to the scroll area. True when it
    was refused (the filter's answer)."""
    if event.type() != QEvent.Type.Wheel or not isinstance(watched, _STEPPED):
        return False
    event.ignore()
    return True
