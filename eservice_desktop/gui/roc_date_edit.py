"""A date field that shows and reads ROC dates (民國 115/03/10), in both languages.

Qt has no ROC calendar system (``QCalendar`` offers Gregorian, Julian, Jalali, Islamic...), so
this QDateEdit renders its text itself and parses what the clerk types with
:func:`~eservice_desktop.domain.rocdate.parse_roc` (115/3/10, 115.03.10, 1150310,
民國115年3月10日). Up/Down and PageUp/PageDown move by a day and a month wherever the cursor is
(sections of a Gregorian format would not line up with a three-digit year); the focus arriving
selects the whole date, so what the clerk types replaces it, and so does Ctrl+A. There is no
calendar popup: its month grid and year header would be Gregorian.

A date typed that does not exist (115/11/31) is never put aside unseen: Enter keeps it and
says beside the field what a date looks like (the dialog or page behind does not go on with
the date last valid, e.g. 115/11/03 on the way to 115/11/31); leaving the field puts the last
valid date back and says so. A button that acts on the date (存成 CSV by its Alt key, 產生報表
clicked) asks :meth:`RocDateEdit.confirm` first: it said nothing and went on with 115/02/03 for
a 115/02/30 typed, the closing of another day saved under closing-2026-02-03.csv.
"""

from __future__ import annotations

import re
from datetime import date

from PySide6.QtCore import QDate, QDateTime, Qt, QTime
from PySide6.QtGui import QFocusEvent, QKeyEvent, QKeySequence, QValidator
from PySide6.QtWidgets import QAbstractSpinBox, QDateEdit, QToolTip, QWidget

from eservice_desktop.domain.errors import DomainError
from eservice_desktop.domain.rocdate import ROC_OFFSET, parse_roc
from eservice_desktop.domain.text_values import typed_date

#: A Gregorian date with its four-digit year: 2026-03-10, 2026/3/10, 2026.03.10.
_GREGORIAN = re.compile(r"(\d{4})([/.\-])(\d{1,2})\2(\d{1,2})")

#: The first day an ROC date exists (民國元年元旦).
ROC_START = QDate(ROC_OFFSET + 1, 1, 1)


def roc_text(day: QDate) -> str:
    return f"{day.year() - ROC_OFFSET}/{day.month():02d}/{day.day():02d}"


class RocDateEdit(QDateEdit):
    def __init__(self, day: QDate | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setCalendarPopup(False)
        self.setMinimumDate(ROC_START)
        self.setDate(day if day is not None else QDate.currentDate())
        self.setCorrectionMode(QAbstractSpinBox.CorrectionMode.CorrectToPreviousValue)
        self.setToolTip(self.tr("民國年/月/日，例如 115/03/10；↑↓ 加減一天"))
        #: What was typed when leaving the field put the last valid date back, until the clerk
        #: types again or :meth:`confirm` has said so.
        self.put_back = ""
        self.lineEdit().textEdited.connect(self._typed_again)

    # -- text ------------------------------------------------------------------------------

    def textFromDateTime(self, dt: QDateTime) -> str:  # noqa: N802 (Qt API)
        return roc_text(dt.date())

    def _parse(self, text: str) -> date | None:
        """An ROC date as the clerk types it, or a Gregorian one with its four-digit year
        (2026-03-10, as the English window's user and the CLI write it): a four-digit year
        is never an ROC one (民國 1000 is AD 2911). A zero-width space pasted along and
        full-width signs (２０２６／１２／０４) are read past, as the command line does: the
        field said 日期格式錯誤 of a date that looked right."""
        typed = typed_date(text)
        gregorian = _GREGORIAN.fullmatch(typed)
        try:
            if gregorian is None:
                return parse_roc(typed)
            year, month, day = (int(g) for g in gregorian.group(1, 3, 4))
            return date(year, month, day) if year > ROC_OFFSET else None
        except (DomainError, ValueError):
            return None

    def dateTimeFromText(self, text: str) -> QDateTime:  # noqa: N802 (Qt API)
        """The day typed, at midnight in the field's own zone (a QDateEdit keeps its dates
        in UTC): a midnight of the PC's zone was converted to the field's, and on a counter
        PC set to Taipei time every date typed became the day before (115/12/31 typed, the
        closing of 115/12/30 taken)."""
        day = self._parse(text)
        if day is None:
            return self.dateTime()
        return QDateTime(QDate(day.year, day.month, day.day), QTime(0, 0), self.timeZone())

    def validate(self, text: str, pos: int) -> tuple[QValidator.State, str, int]:
        day = self._parse(text)
        if day is None:
            state = QValidator.State.Intermediate
        else:
            qd = QDate(day.year, day.month, day.day)
            ok = self.minimumDate() <= qd <= self.maximumDate()
            state = QValidator.State.Acceptable if ok else QValidator.State.Intermediate
        return state, text, pos

    def fixup(self, text: str) -> str:
        return roc_text(self.date())

    # -- keys ------------------------------------------------------------------------------

    def _say(self, text: str) -> None:
        """A note beside the field (a tooltip under it), in the window's language."""
        QToolTip.showText(self.mapToGlobal(self.rect().bottomLeft()), text, self)

    def _went_back(self, typed: str) -> None:
        self._say(
            self.tr("{typed} 不是有效的日期，已改回 {day}").format(
                typed=typed, day=roc_text(self.date())
            )
        )

    def _typed_again(self, _text: str) -> None:
        self.put_back = ""

    def focusOutEvent(self, event: QFocusEvent) -> None:  # noqa: N802 (Qt API)
        typed = self.lineEdit().text()
        bad = not self.hasAcceptableInput()
        super().focusOutEvent(event)  # puts the last valid date back
        if bad:
            self.put_back = typed
            self._went_back(typed)

    def confirm(self) -> bool:
        """Whether what the field shows is the date to act on. A date that does not exist
        (still in the field, a button pressed by its Alt key), or one the field just went
        back from (the button clicked), is said beside the field, which takes the focus, and
        nothing goes on; pressed again, the date shown is taken."""
        if self.hasAcceptableInput() and not self.put_back:
            return True
        if self.put_back:
            self._went_back(self.put_back)
            self.put_back = ""
        else:
            self._say(self.tr("日期格式錯誤，請輸入民國年/月/日，例如 115/03/10"))
        self.setFocus(Qt.FocusReason.OtherFocusReason)
        self.lineEdit().selectAll()
        return False

    def focusInEvent(self, event: QFocusEvent) -> None:  # noqa: N802 (Qt API)
        """Arriving by Tab selects the whole date, so typing 115/01/01 replaces it; QDateEdit
        would select only its first section and splice the typed text into the old date."""
        super().focusInEvent(event)
        self.lineEdit().selectAll()

    def stepBy(self, steps: int) -> None:  # noqa: N802 (Qt API)
        self.setDate(self.date().addDays(steps))
        self.selectAll()

    def stepEnabled(self) -> QAbstractSpinBox.StepEnabledFlag:  # noqa: N802 (Qt API)
        flags = QAbstractSpinBox.StepEnabledFlag.StepNone
        if self.date() > self.minimumDate():
            flags |= QAbstractSpinBox.StepEnabledFlag.StepDownEnabled
        if self.date() < self.maximumDate():
            flags |= QAbstractSpinBox.StepEnabledFlag.StepUpEnabled
        return flags

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 (Qt API)
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and not self.hasAcceptableInput():
            self._say(self.tr("日期格式錯誤，請輸入民國年/月/日，例如 115/03/10"))
            return  # kept to be corrected; Enter does not go on with another date
        if event.matches(QKeySequence.StandardKey.SelectAll):
            # QDateEdit's own Ctrl+A selects the text but keeps editing its first section:
            # 115/12/03 typed over 115/02/30 became 115/115/12/03, the correction lost.
            self.lineEdit().selectAll()
            return
        if event.key() in (Qt.Key.Key_PageUp, Qt.Key.Key_PageDown):
            months = 1 if event.key() == Qt.Key.Key_PageUp else -1
            self.setDate(self.date().addMonths(months))
            self.selectAll()
            return
        super().keyPressEvent(event)
