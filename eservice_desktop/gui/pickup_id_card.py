"""The pickup desk's ID-card path (持身分證領件): a citizen notified by SMS, with no code to
scan, hands over the ID card; the clerk types its number (Alt+I puts the focus there) and the
SMS's pickup number when the citizen has it, Enter looks the case up
(``services.pickup_id_card.id_card_pickup``), the case comes up as a scanned one does, the focus
on 確認交付, and Enter hands it over through the same handover (collector, fees, supervisor).

A layer of ``PickupDesk`` (over ``PickupHandover``); the texts keep the translation context
``PickupDesk``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QPushButton

from eservice_desktop.domain.errors import DomainError
from eservice_desktop.gui.keyboard import keys_as_typed, mark_lookup
from eservice_desktop.gui.pickup_handover import PickupHandover, approvable
from eservice_desktop.services import pickup, pickup_id_card


def _t(text: str) -> str:
    return QCoreApplication.translate("PickupDesk", text)


@dataclass(frozen=True)
class IdQuery:
    """What the clerk typed: the ID card's number and the SMS's pickup number ("" if none)."""

    applicant_id: str
    pickup_number: str

    @property
    def key(self) -> str:
        """Stands for the code on screen (``PickupDesk.payload``): a scanned code is never this,
        so scanning one after a look-up clears the collector typed for this citizen."""
        return f"id-card {self.applicant_id} {self.pickup_number}"


class PickupIdCard(PickupHandover):
    """The ID number and pickup number fields, the look-up, and the handover of what it found."""

    #: The look-up on screen (None when the case on screen came from a code).
    id_query: IdQuery | None = None
    #: The check or look-up running (``PickupDesk``: a newer one cancels it).
    _verify_task: Any
    #: Checks a scanned code (``PickupDesk._verify``).
    _verify: Callable[[str], None]

    def _build_id_row(self) -> QHBoxLayout:
        """身分證領件: the ID number (Alt+I), the pickup number, 查詢."""
        self.id_edit = QLineEdit()
        self.id_edit.setObjectName("pickup_id_edit")
        self.id_edit.setPlaceholderText(_t("身分證字號（居留證號、統一編號）"))
        keys_as_typed(self.id_edit)
        self.id_edit.setMaxLength(20)
        mark_lookup(self.id_edit)  # Esc may leave with a number typed
        label = QLabel(_t("持身分證領件(&I)"))
        label.setBuddy(self.id_edit)
        self.id_number_edit = QLineEdit()
        self.id_number_edit.setObjectName("pickup_id_number_edit")
        self.id_number_edit.setPlaceholderText(_t("簡訊領件號碼（可免填）"))
        keys_as_typed(self.id_number_edit)
        self.id_number_edit.setMaxLength(8)
        self.id_button = QPushButton(_t("依證號查詢(&U)"))
        self.id_button.setObjectName("pickup_id_button")
        row = QHBoxLayout()
        row.addWidget(label)
        row.addWidget(self.id_edit, 1)
        number_label = QLabel(_t("領件號碼"))
        number_label.setBuddy(self.id_number_edit)  # names the field for a screen reader
        row.addWidget(number_label)
        row.addWidget(self.id_number_edit, 1)
        row.addWidget(self.id_button)
        self.id_edit.returnPressed.connect(self.look_up_id)
        self.id_number_edit.returnPressed.connect(self.look_up_id)
        self.id_button.clicked.connect(self.look_up_id)
        return row

    def look_up_id(self) -> None:
        """Looks up the case ready here for the ID typed (and the pickup number, if any)."""
        if self._handing_over:
            self.ctx.status_message.emit(_t("畫面上的案件正在交付，完成後請再查詢下一位民眾的案件"))
            return
        query = IdQuery(self.id_edit.text().strip(), self.id_number_edit.text().strip())
        if not query.applicant_id:
            self.id_edit.setFocus()
            return
        self.collector_for_scan(query.key)
        # a code refused for this citizen (left, selected, to be corrected) is given up for the
        # ID card: kept, it stayed in the code field after the handover, the focus there, and
        # the next citizen's short code was typed onto its end and refused as malformed
        self.scan_edit.clear()
        self.id_query = query
        self.payload = query.key
        self.confirm_button.setEnabled(False)
        self.slip_button.setEnabled(False)
        self.online_button.hide()
        self._run_id_look_up(query)

    def _run_id_look_up(self, query: IdQuery) -> None:
        if self._verify_task is not None:
            self._verify_task.cancel()
        self.message_label.setText(_t("查詢中…"))
        self._verify_task = self.ctx.tasks.run(
            pickup_id_card.id_card_pickup,
            self.ctx.app,
            query.applicant_id,
            query.pickup_number,
            on_done=self._id_done,
            on_error=self._id_refused,
        )

    def _id_done(self, result: pickup.PickupResult) -> None:
        self._show(result)
        if result.ok or result.reason == pickup.FEES_DUE:
            self.id_edit.clear()  # the look-up passed: the fields are free for the next citizen
            self.id_number_edit.clear()
            return
        typed_number = bool(self.id_number_edit.text().strip())
        to_number = result.reason == pickup_id_card.SEVERAL_READY or (
            result.reason == pickup_id_card.NO_READY_CASE and typed_number
        )
        field = self.id_number_edit if to_number else self.id_edit
        field.setFocus()
        field.selectAll()

    def _id_refused(self, error: object) -> None:
        """Bad input (an ID's format or check digit, a pickup number): said, the field to fix
        focused with its text selected; the case of an earlier scan or look-up leaves the
        screen (nothing there is this citizen's)."""
        if isinstance(error, DomainError):
            self._show(
                pickup.PickupResult(
                    ok=False,
                    reason=error.code,
                    message_zh=error.message_zh,
                    message_en=error.message_en,
                    via=pickup_id_card.ID_CARD,
                )
            )
        else:
            self._error(error)
        field = self.id_edit
        if isinstance(error, DomainError) and error.field == "pickup_number":
            field = self.id_number_edit
        field.setFocus()
        field.selectAll()

    def _handed_over(self, result: pickup.PickupResult) -> None:
        """After a handover the desk is the next citizen's: an ID refused earlier (left,
        selected, to be corrected) and never looked up again goes too, or it stayed on the desk
        for every citizen after."""
        super()._handed_over(result)
        if result.handed_over:
            self.id_edit.clear()
            self.id_number_edit.clear()

    def check_again(self) -> None:
        """The case on screen checked again (back from the payment page): by its code, or by
        the ID card's look-up."""
        if self.id_query is not None:
            self._run_id_look_up(self.id_query)
        else:
            self._verify(self.payload)

    def _handover_job(self) -> tuple[Any, Any]:
        if self.id_query is None:
            return super()._handover_job()
        number = self.result.case_number if self.result is not None else ""
        return handover_by_id_card, (self.id_query, number or "")


def handover_by_id_card(
    app: Any, target: tuple[IdQuery, str], collected_by: dict[str, Any] | None, approval: Any = None
) -> pickup.PickupResult:
    """Worker: hands over the case on screen (its number) that the ID card's look-up found;
    fees still due without an approval raise ``fees_due`` (so the desk asks a supervisor)."""
    query, case_number = target
    return approvable(
        pickup_id_card.id_card_pickup(
            app,
            query.applicant_id,
            query.pickup_number,
            case_number=case_number,
            hand_over=True,
            collected_by=collected_by,
            approval=approval,
        )
    )
