"""The keyboard rules every page and dialog follows, applied in one place.

- **Tab leaves a table.** A table that keeps Tab traps a keyboard-only clerk in its cells;
  every item view gets ``setTabKeyNavigation(False)`` when it is first polished (arrows still
  move inside it).
- **Dialog buttons show their keys.** Qt's standard buttons ("OK", "Cancel", "Close") carry
  no mnemonic; when a dialog is shown, the default button is labelled "(Enter)", the button
  that rejects it "(Esc)", and any other button without a key gets a free Alt+letter.
- **A one-line field shows all it holds.** A line break or tab pasted into a one-line field
  (from an e-mail, a spreadsheet) becomes a space as it arrives (:func:`one_line`), so what is
  stored is what the clerk saw; password fields are left as typed.
- **Numbers take full-width digits.** A Chinese IME left in full-width mode types １００; a
  number field (every spin box) gets 100, whether the IME commits it or it arrives as keys
  (:func:`fold_digits`), instead of dropping it and keeping the number it held.
- **Codes take the keys as typed** (:func:`keys_as_typed`): ID, case and pickup numbers, phones
  and accounts have no input method, so a Chinese IME left on or a scanner typing through it
  cannot turn them into 注音.
- **An Alt+letter no key took types nothing** (:func:`stray_alt`): Qt on X11 typed the letter
  into the field (王小明q).
- **Esc never leaves a page with unsaved input** (:func:`has_unsaved_input`, used by the
  main window's Esc/back): a page may say so itself with a ``has_unsaved_input()`` method;
  otherwise any editable text field of the page holding text counts, except look-up fields
  (search, case number, scan) marked with ``mark_lookup(widget)``. Dialogs and popups close
  on Esc on their own (Qt gives them the key first), so Esc only ever closes the innermost.
- **The focus is on screen.** A page taller than the screen scrolls (its holder, the intake
  form's own area); Tab keeps the focused field in view, but a key that sends the focus
  elsewhere (Alt+letter, a refusal putting the cursor in its field) did not: Alt+S without a
  reason put the cursor in the case detail's 理由 below the fold, with 請先輸入理由 under it, and
  the clerk typed the reason the citizen reads unseen. Every scroll area holding the widget that
  takes the focus scrolls it into view, with room for the message under it (:func:`show_focus`),
  and with the words it acts on above it where a page names them (:func:`show_with`: the
  pickup desk's verdict over 確認交付).
- **The wheel scrolls the page, never a value** (:mod:`gui.wheel_guard`): a spin box or a closed
  drop-down under the pointer lets the wheel pass to the page.
- **Colours read on a dark palette** (dark mode, a contrast theme): a style sheet's colours
  become their light counterparts as it is set (``gui/colours.py``).
- **A drop-down's list shows its items whole** (:mod:`gui.combo_lists`), and so does a
  completer's, not cut to the width of its box.
- **The focus ring shows wherever a key sent the focus** (:mod:`gui.focus_cues`), not only
  after Tab or an Alt+letter: Enter on the intake form left a drop-down focused with no ring.
- **A field's label names it for a screen reader**, wherever the layout put the two
  (``gui/accessible.py`` :func:`~eservice_desktop.gui.accessible.name_from_label`, for every
  label with a buddy as it is first shown).

:func:`install` is called by the main window; it is idempotent.
"""

from __future__ import annotations

import re

from PySide6.QtCore import QEvent, QObject, QPoint, Qt, QTimer
from PySide6.QtGui import QInputMethodEvent, QKeyEvent
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QTextEdit,
    QWidget,
)

from eservice_desktop.gui import button_order, colours, combo_lists, focus_cues
from eservice_desktop.gui.accessible import name_from_label, name_from_prefix, name_sole_list
from eservice_desktop.gui.mnemonic_click import mnemonic_click
from eservice_desktop.gui.wheel_guard import no_wheel_focus, refuse_wheel

LOOKUP_PROPERTY = "eservice_lookup"
#: The top of a copies box (份數): any count is typed whole and one past the rule (1 to 99) is
#: refused in words beside the field; at 99 the box dropped the key past it (100 became 10).
COPIES_TYPED_MAX = 9_999
_MNEMONIC = re.compile(r"&[^&\s]")
_KEY_SHOWN = re.compile(r"\((?:Enter|Esc|F\d{1,2}|Ctrl\+[^)]+)\)")


#: What a one-line field cannot show: line breaks (CR LF counted once), tabs and the like.
_BREAKS = re.compile("\r\n|[\r\n\t\v\f\x1c-\x1e\x85\u2028\u2029]")
_ONE_LINE_PROPERTY = "eservice_one_line"


def one_line(edit: QLineEdit) -> None:
    """Typed or pasted line breaks in ``edit`` become spaces as they arrive (idempotent)."""
    if edit.property(_ONE_LINE_PROPERTY) or edit.echoMode() != QLineEdit.EchoMode.Normal:
        return
    edit.setProperty(_ONE_LINE_PROPERTY, True)

    def clean(text: str) -> None:
        if _BREAKS.search(text) is None:
            return
        cursor = len(_BREAKS.sub(" ", text[: edit.cursorPosition()]))
        edit.setText(_BREAKS.sub(" ", text))
        edit.setCursorPosition(cursor)

    edit.textEdited.connect(clean)


#: Full-width digits, signs and separators as their ASCII forms (what NFKC makes of them).
_FULL_WIDTH = {c: chr(c - 0xFEE0) for c in range(0xFF01, 0xFF5F)} | {0x3000: " "}


#: Where a key's text is typed in.
_TEXT_INPUTS = (QLineEdit, QAbstractSpinBox, QPlainTextEdit, QTextEdit)


def stray_alt(watched: QObject, event: QEvent) -> bool:
    """An Alt+letter that no key of the window took (no shortcut, no mnemonic: those come
    first) reaching a field types nothing (True: dropped). Qt on X11 typed the letter: Alt+Q
    in 申請人姓名 stored 王小明q, and the receipt printed it. Ctrl+Alt (AltGr on Windows)
    still types the characters of the keyboards that need it."""
    if not isinstance(event, QKeyEvent) or not isinstance(watched, _TEXT_INPUTS):
        return False
    mods = event.modifiers()
    alt, ctrl_or_meta = (
        Qt.KeyboardModifier.AltModifier,
        (Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.MetaModifier),
    )
    if event.type() != QEvent.Type.KeyPress or not mods & alt or mods & ctrl_or_meta:
        return False
    text = event.text()
    return bool(text) and text.isprintable() and not text.isspace()


def fold_digits(watched: QObject, event: QEvent) -> bool:
    """A full-width text arriving at a spin box is sent again in ASCII (True: the original is
    dropped). Other widgets, and text already ASCII, are left alone."""
    if not isinstance(watched, QAbstractSpinBox):
        return False
    if isinstance(event, QInputMethodEvent):
        text = event.commitString()
        folded = text.translate(_FULL_WIDTH)
        if folded == text:
            return False
        again = QInputMethodEvent(event.preeditString(), [])
        again.setCommitString(folded)
        QApplication.sendEvent(watched, again)
        return True
    if isinstance(event, QKeyEvent) and event.type() == QEvent.Type.KeyPress:
        text = event.text()
        folded = text.translate(_FULL_WIDTH)
        if folded == text or not folded.isascii():
            return False
        key = ord(folded.upper()) if len(folded) == 1 else event.key()
        QApplication.sendEvent(watched, QKeyEvent(event.type(), key, event.modifiers(), folded))
        return True
    return False


def keys_as_typed(*edits: QLineEdit) -> None:
    """Fields of letters and digits only (ID, case and pickup numbers, a phone, an account, a
    card terminal's reference): no input method there, so the keys give their own characters.
    A Chinese IME left on turned a typed or scanned H01-01-115-000301-7 into 注音 (H is ㄘ,
    1 is ㄅ) in the fees page's case number; a barcode scanner types through it the same."""
    for edit in edits:
        edit.setAttribute(Qt.WidgetAttribute.WA_InputMethodEnabled, False)
        edit.setInputMethodHints(
            Qt.InputMethodHint.ImhLatinOnly | Qt.InputMethodHint.ImhNoPredictiveText
        )


def mark_lookup(widget: QWidget) -> None:
    """A field that only looks something up (search, case number, scan): text in it is not
    unsaved input, Esc may leave the page."""
    widget.setProperty(LOOKUP_PROPERTY, True)


def has_unsaved_input(page: QWidget) -> bool:
    hook = getattr(page, "has_unsaved_input", None)
    if callable(hook):
        return bool(hook())
    for edit in page.findChildren(QLineEdit):
        if _counts(edit, page) and not edit.isReadOnly() and edit.text().strip():
            return True
    for text_edit in page.findChildren(QTextEdit) + page.findChildren(QPlainTextEdit):
        if (
            _counts(text_edit, page)
            and not text_edit.isReadOnly()
            and text_edit.toPlainText().strip()
        ):
            return True
    return False


def _counts(widget: QWidget, page: QWidget) -> bool:
    if not widget.isVisibleTo(page) or not widget.isEnabled():
        return False
    w: QWidget | None = widget
    while w is not None and w is not page:
        if w.property(LOOKUP_PROPERTY):
            return False
        if w is not widget and isinstance(w, (QComboBox, QAbstractSpinBox)):
            return False  # a choice or a number, not typed text
        w = w.parentWidget()
    return True


def _free_letter(text: str, taken: set[str]) -> str:
    for ch in text:
        if ch.isascii() and ch.isalpha() and ch.upper() not in taken:
            return ch
    for ch in "ABCDEFGHIJKLMNOPQRSTUVWXYZ":
        if ch not in taken:
            return ch
    return ""


def show_dialog_keys(dialog: QDialog) -> None:
    """Labels the dialog's buttons with the key that presses them; Tab takes them as laid out."""
    for box in dialog.findChildren(QDialogButtonBox):
        button_order.tab_as_laid_out(box)
        buttons = box.buttons()
        taken = {
            m.group(0)[1].upper()
            for b in dialog.findChildren(QAbstractButton)
            for m in [_MNEMONIC.search(b.text().replace("&&", ""))]
            if m
        }
        default = next(
            (b for b in buttons if isinstance(b, QPushButton) and b.isDefault()), None
        ) or next(
            (
                b
                for b in buttons
                if box.buttonRole(b)
                in (QDialogButtonBox.ButtonRole.AcceptRole, QDialogButtonBox.ButtonRole.YesRole)
            ),
            None,
        )
        for button in buttons:
            text = button.text()
            if _MNEMONIC.search(text.replace("&&", "")) or _KEY_SHOWN.search(text):
                continue
            role = box.buttonRole(button)
            if button is default and isinstance(button, QPushButton):
                button.setDefault(True)
                button.setText(f"{text} (Enter)")
            elif role == QDialogButtonBox.ButtonRole.RejectRole:
                button.setText(f"{text} (Esc)")
            else:
                letter = _free_letter(text, taken)
                if not letter:
                    continue
                taken.add(letter.upper())
                if letter in text:
                    i = text.index(letter)
                    button.setText(text[:i] + "&" + text[i:])
                else:
                    button.setText(f"{text}(&{letter})")


#: Room kept around a field scrolled into view: its message under it, and the next row.
FOCUS_MARGIN = (50, 90)


def show_focus(_old: QWidget | None, new: QWidget | None) -> None:
    """Scrolls ``new``, the widget taking the focus, into view in each scroll area holding it,
    once the event loop has laid out what the key changed (a message set with the focus)."""
    if new is None:
        return

    def scroll() -> None:
        if not new.hasFocus():
            return
        above = new.property(_SHOWN_WITH)
        for area, inner in _areas(new):
            _scroll_into(area, inner, new)
            if isinstance(above, QWidget) and inner.isAncestorOf(above):
                _top_in_view(area, inner, above, new)

    QTimer.singleShot(0, new, scroll)


#: The widget whose top shows with a widget taking the focus (:func:`show_with`).
_SHOWN_WITH = "shown_with"


def show_with(widget: QWidget, above: QWidget) -> None:
    """When ``widget`` takes the focus, ``above`` (the words it acts on) shows too, from its
    top, where the view has room for both; else ``widget`` alone. At 200 % the focus on the
    pickup desk's 確認交付 after a scan scrolled its verdict out of sight."""
    widget.setProperty(_SHOWN_WITH, above)


def bring_into_view(widget: QWidget) -> None:
    """Scrolls ``widget`` into view in each scroll area holding it, once laid out (a verdict
    painted where the focus is not)."""

    def scroll() -> None:
        for _ in range(3):  # a wrapped label's lines settle its height after a layout or two
            QApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)
        for area, _inner in _areas(widget):
            area.ensureWidgetVisible(widget, 0, 0)

    QTimer.singleShot(0, widget, scroll)


def _areas(widget: QWidget) -> list[tuple[QScrollArea, QWidget]]:
    """The scroll areas holding ``widget``, innermost first, each with its scrolled widget."""
    found = []
    area = widget.parentWidget()
    while area is not None:
        inner = area.widget() if isinstance(area, QScrollArea) else None
        if isinstance(area, QScrollArea) and inner is not None and inner.isAncestorOf(widget):
            found.append((area, inner))
        area = area.parentWidget()
    return found


def _top_in_view(area: QScrollArea, inner: QWidget, above: QWidget, new: QWidget) -> None:
    """Scrolled up to ``above``'s top as far as ``new`` stays whole in view."""
    top = above.mapTo(inner, QPoint(0, 0)).y()
    bottom = new.mapTo(inner, QPoint(0, new.height())).y()
    bar = area.verticalScrollBar()
    if bottom - top <= area.viewport().height():
        bar.setValue(max(min(bar.value(), top), bottom - area.viewport().height()))


def _scroll_into(area: QScrollArea, inner: QWidget, new: QWidget) -> None:
    """Sideways, the margin is what the view has room for: with 50 px each side a widget
    about as wide as the view (the operators' list on half a screen) was centred, the page
    scrolled right and its left edge cut off; one wider than the view shows its start."""
    room = area.viewport().width()
    xmargin = max(0, min(FOCUS_MARGIN[0], (room - new.width()) // 2))
    area.ensureWidgetVisible(new, xmargin, FOCUS_MARGIN[1])
    if new.width() > room:
        left = new.mapTo(inner, QPoint(0, 0)).x()
        area.horizontalScrollBar().setValue(max(0, left - FOCUS_MARGIN[0]))


#: A style sheet set, or the palette changed (dark mode switched on while the window is open).
_RESTYLED = (QEvent.Type.StyleChange, QEvent.Type.PaletteChange)
#: A window shown or sized again (a completer's list is sized anew at each key typed).
_OPENED = (QEvent.Type.Show, QEvent.Type.Resize)


class KeyboardPolicy(QObject):
    """Application event filter applying the rules of the module docstring."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        kind = event.type()
        focus_cues.note_input(watched, event)
        if kind in (QEvent.Type.InputMethod, QEvent.Type.KeyPress):
            return stray_alt(watched, event) or fold_digits(watched, event)
        if kind == QEvent.Type.Wheel:
            return refuse_wheel(watched, event)
        if kind == QEvent.Type.Shortcut:
            return mnemonic_click(watched, event)  # Alt+letter on a button: clicked now
        if kind == QEvent.Type.Polish and isinstance(watched, QWidget):
            no_wheel_focus(watched)
        if kind == QEvent.Type.Polish and isinstance(watched, QAbstractItemView):
            watched.setTabKeyNavigation(False)
        elif kind == QEvent.Type.Polish and isinstance(watched, QLineEdit):
            one_line(watched)
        elif kind == QEvent.Type.Polish and isinstance(watched, QLabel):
            name_from_label(watched)
        elif kind == QEvent.Type.Polish and isinstance(watched, QAbstractSpinBox):
            name_from_prefix(watched)
        elif kind in _RESTYLED and isinstance(watched, QWidget):
            colours.fit_sheet(watched)
        elif kind == QEvent.Type.Show and isinstance(watched, QDialog):
            show_dialog_keys(watched)
            name_sole_list(watched)
            # Buttons a dialog adds while it opens (QInputDialog, QMessageBox) come a tick later.
            QTimer.singleShot(0, watched, lambda d=watched: show_dialog_keys(d))
        elif kind in _OPENED and isinstance(watched, QWidget) and watched.isWindow():
            combo_lists.widen(watched)  # a drop-down's or a completer's list opening
        return False


_policy: list[KeyboardPolicy] = []


def install(app: QApplication | None = None) -> None:
    qt_app = app or QApplication.instance()
    if qt_app is None or _policy:
        return
    policy = KeyboardPolicy(qt_app)
    qt_app.installEventFilter(policy)
    _policy.append(policy)
    if isinstance(qt_app, QApplication):
        qt_app.focusChanged.connect(show_focus)
        qt_app.focusChanged.connect(focus_cues.focus_moved)
    for widget in QApplication.allWidgets():
        no_wheel_focus(widget)
        colours.fit_sheet(widget)
        if isinstance(widget, QAbstractItemView):
            widget.setTabKeyNavigation(False)
        elif isinstance(widget, QLineEdit):
            one_line(widget)
        elif isinstance(widget, QLabel):
            name_from_label(widget)
        elif isinstance(widget, QAbstractSpinBox):
            name_from_prefix(widget)
