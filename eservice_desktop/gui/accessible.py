"""What a screen reader says of the window (NVDA reads Qt's accessibility tree on Windows).

- **Every field has a name.** Qt names a field after the label whose buddy it is only when the
  label is its sibling; a field held in a row with its error message under it (the intake
  form's rows, the fees page's ``_beside``) or a label whose buddy is that row was read as
  "edit", or as the title of the group box around it ("規費核計" for the copies, the reduction
  and its reason alike). :func:`name_from_label` gives such a field its label's words, without
  the Alt key's letter (NVDA says the key itself), and so does a form row's label to the
  field of a row that is a layout (the fees page's 本次收費, 收現, 交易序號 with their messages);
  a spin box with a prefix and no label ("份數 1") is named by its prefix. The keyboard
  rules (``gui/keyboard.py``) call :func:`name_from_label` for every label and
  :func:`name_from_prefix` for every spin box as it is first shown, so a row built later (the
  service's fields on the intake form) is named too. Fields with no label of their own
  (search boxes, lists) are named where they are built with :func:`name`; a dialog's only
  list, unnamed, is named after the dialog (:func:`name_sole_list`: the backups, the
  shift-start checks, the sync conflicts, the keys).
- **What the clerk must notice is said, not only painted.** :func:`announce` sends the text
  to the screen reader as an announcement (a UIA notification NVDA reads without the focus
  moving): every message of the status bar (paid, printed, saved; a failure assertively,
  :func:`announce_status`), and the refusals and verdicts painted beside a form, which are
  :class:`SpokenLabel` s (the sign-in's refusal, a field's or the form's refusal on the intake
  form and the fees page, the pickup desk's verdict): a refusal painted in red was silent. A
  label whose text the status bar shows too (the intake's result) stays a plain label, so it
  is said once.
"""

from __future__ import annotations

import re
import time
from typing import cast

from PySide6.QtCore import Qt, QTimer, SignalInstance
from PySide6.QtGui import QAccessible, QAccessibleAnnouncementEvent
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSpinBox,
    QComboBox,
    QFormLayout,
    QHeaderView,
    QLabel,
    QSpinBox,
    QStatusBar,
    QWidget,
)

_MNEMONIC = re.compile(r"&([^&\s])")
_MNEMONIC_GROUP = re.compile(r"\s*[(（]&[^&\s][)）]")
#: A key a label shows in its text: ``(F9)``, ``（Ctrl+Enter）``, a trailing `` F6``.
SHOWN_KEY = re.compile(r"\s*(?:[(（]((?:F\d{1,2})|(?:Ctrl|Alt|Shift)\+[^)）]+)[)）]|\s(F\d{1,2})$)")
_TAGS = re.compile(r"<[^>]+>")


def plain(text: str) -> str:
    """A label as read aloud: no mnemonic marks, no ``(&B)``, no key shown in it (the key list
    of 說明 ▸ 鍵盤快速鍵 and the screen reader's names read labels alike)."""
    text = SHOWN_KEY.sub("", _MNEMONIC_GROUP.sub("", text))
    return _MNEMONIC.sub(r"\1", text).replace("&&", "&").replace("…", "").strip()


def spoken(text: str) -> str:
    """A label's text as a name: :func:`plain` ("申請人證號(&I)" -> "申請人證號", "&Name" ->
    "Name"), without markup or a trailing colon."""
    return " ".join(plain(_TAGS.sub(" ", text)).split()).rstrip(":：").strip()


def name(widget: QWidget, text: str, description: str = "") -> None:
    """Names ``widget`` (and an editable combo box's line edit, which the reader meets too)."""
    widget.setAccessibleName(spoken(text))
    if description:
        widget.setAccessibleDescription(description)
    edit = widget.lineEdit() if isinstance(widget, QComboBox) else None
    if edit is not None:
        edit.setAccessibleName(spoken(text))


def _input_of(buddy: QWidget) -> QWidget | None:
    """The field a label stands for: its buddy, or the first field inside a buddy that only
    holds one (the field and its message)."""
    if buddy.focusPolicy() & Qt.FocusPolicy.TabFocus:
        return buddy
    for child in buddy.findChildren(QWidget):
        if child.focusPolicy() & Qt.FocusPolicy.TabFocus and not child.isWindow():
            return child
    return None


def _form_field(label: QLabel) -> QWidget | None:
    """The field of the form row ``label`` heads, when the row's field is a layout (a field
    and its message) and so the label has no buddy."""
    parent = label.parentWidget()
    for form in parent.findChildren(QFormLayout) if parent is not None else []:
        row, role = cast("tuple[int, QFormLayout.ItemRole]", form.getWidgetPosition(label))
        if row < 0 or role != QFormLayout.ItemRole.LabelRole:
            continue
        item = form.itemAt(row, QFormLayout.ItemRole.FieldRole)
        inner = item.layout() if item is not None else None
        items = [inner.itemAt(i) for i in range(inner.count())] if inner is not None else []
        for widget in (i.widget() for i in items if i is not None):
            tab = widget is not None and widget.focusPolicy() & Qt.FocusPolicy.TabFocus
            if tab and not isinstance(widget, QAbstractButton):  # a button has its text
                return widget
    return None


def name_from_label(label: QLabel) -> None:
    """Gives the field ``label`` stands for the label's words, unless the field has a name of
    its own or Qt already reads the label's words for it: a sibling buddy, when the label
    shows no key in brackets. Qt reads such a label whole but for the ``&``, and the Chinese
    window's fields were named 帳號(C), 起日(B), 理由(R), 持身分證領件(I)."""
    buddy = label.buddy()
    field = _form_field(label) if buddy is None else _input_of(buddy)
    if field is None or field.accessibleName():
        return
    sibling = buddy is not None and label.parentWidget() is buddy.parentWidget()
    shows_key = _MNEMONIC_GROUP.search(label.text()) or SHOWN_KEY.search(label.text())
    if field is buddy and sibling and not shows_key:
        return  # Qt's own rule: the sibling label's text, kept up to date
    text = spoken(label.text())
    if text:
        name(field, text)


def name_sole_list(dialog: QWidget) -> None:
    """Names the list (table, list or tree) a dialog opens with after the dialog's title when
    it is the only one shown without a name (a list under a box's title is read by that)."""
    views = [
        v
        for v in dialog.findChildren(QAbstractItemView)
        if v.isVisibleTo(dialog)
        and not isinstance(v, QHeaderView)
        and not isinstance(v.parent(), QComboBox)  # a combo's popup
        and not _qt_name(v)
    ]
    if len(views) == 1 and dialog.windowTitle():
        name(views[0], dialog.windowTitle())


def _qt_name(widget: QWidget) -> str:
    iface = QAccessible.queryAccessibleInterface(widget)
    return iface.text(QAccessible.Text.Name) if iface is not None else ""


def name_from_prefix(spin: QAbstractSpinBox) -> None:
    """A spin box without a name or a label, whose prefix says what it holds ("份數 1")."""
    if isinstance(spin, QSpinBox) and spin.prefix().strip() and not spin.accessibleName():
        parent = spin.parentWidget()
        own = _qt_name(spin)
        if not own or (parent is not None and own == parent.property("title")):
            name(spin, spin.prefix())


#: The last sentence said and when (``time.monotonic``): a refusal shown beside its field
#: and in the status bar at once is said once.
_last: list[tuple[str, float]] = [("", 0.0)]
_ONCE_WITHIN = 1.0


def announce(widget: QWidget, text: str, *, assertive: bool = False) -> None:
    """Says ``text`` through the screen reader (nothing without one), unless it was just said
    (or a sentence holding it, or held by it: the status bar's "案件 N：…")."""
    text = " ".join(text.split())
    if not text or not QAccessible.isActive():
        return
    said, at = _last[0]
    now = time.monotonic()
    if now - at < _ONCE_WITHIN and said and (text in said or said in text):
        return
    _last[0] = (text, now)
    event = QAccessibleAnnouncementEvent(widget, text)
    if assertive:
        event.setPoliteness(QAccessible.AnnouncementPoliteness.Assertive)
    QAccessible.updateAccessibility(event)


class SpokenLabel(QLabel):
    """A label of messages the clerk must notice: each new text set is also said through the
    screen reader (``assertive``: it interrupts, for refusals; ``speak=False``: silent, for a
    subclass whose other uses show data)."""

    def __init__(
        self,
        text: str = "",
        parent: QWidget | None = None,
        *,
        assertive: bool = False,
        speak: bool = True,
    ) -> None:
        super().__init__(text, parent)
        self.assertive = assertive
        self.speak = speak

    def setText(self, text: str) -> None:  # noqa: N802
        changed = text != self.text()
        super().setText(text)
        if changed and text and self.speak:
            announce(self, text, assertive=self.assertive)


#: How long a line of standing stays unchanged before it is said (:class:`SettledLabel`).
SETTLE_MS = 700


class SettledLabel(QLabel):
    """A line of standing (the queue's count) said once it has stood still while shown: it
    changes with each key typed into a search or a filter, and said at each it would talk over
    the typing; said at none, a search's answer (顯示 3 筆／共 3 件, or nothing found) reached a
    clerk going by the screen reader as silence. A failure is said at once, interrupting."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(SETTLE_MS)
        self._timer.timeout.connect(self._settled)

    def settle(self, text: str, *, final: bool = True) -> None:
        """Shows ``text``; said once it stands, unless it is not ``final`` (still counting)."""
        self.setText(text)
        if final:
            self._timer.start()
        else:
            self._timer.stop()

    def refuse(self, text: str) -> None:
        """Shows and says ``text`` at once, interrupting (a list that could not be read), when
        shown: a page behind the login screen or another page is not what the clerk hears."""
        self._timer.stop()
        self.setText(text)
        if self.isVisible():
            announce(self, text, assertive=True)

    def _settled(self) -> None:
        if self.isVisible() and self.text():
            announce(self, self.text())


def announce_status(status: QStatusBar, failed: SignalInstance) -> None:
    """Says every message the status bar shows; one ``failed`` sent (a task that failed)
    assertively. Connect before ``failed`` is connected to the status bar."""
    urgent: set[str] = set()
    failed.connect(urgent.add)

    def said(text: str) -> None:
        announce(status, text, assertive=text in urgent)
        urgent.clear()

    status.messageChanged.connect(said)
