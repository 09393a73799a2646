"""The pickup desk's handover: the collector (the citizen or a proxy), 確認交付 on a worker
(with fees still due a supervisor approves on this counter first, or nothing is handed over),
and the pickup slip, archived sealed and printed off the UI thread.

A layer of ``PickupDesk`` (over ``PickupCamera``): the desk shows each result
(``PickupDesk._show``) and its refusals (``_error``, here). The texts keep the translation
context ``PickupDesk``.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication
from PySide6.QtPrintSupport import QPrinter

from eservice_desktop.domain.case import APPROVE_HANDOVER_WITH_BALANCE, FEES_DUE
from eservice_desktop.domain.errors import DomainError
from eservice_desktop.domain.events import PICKED_UP
from eservice_desktop.gui.approval import run_with_approval
from eservice_desktop.gui.error_text import fees_due_refusal
from eservice_desktop.gui.pickup_camera import PickupCamera
from eservice_desktop.gui.qt_print import print_document
from eservice_desktop.services import pickup


def _t(text: str) -> str:
    return QCoreApplication.translate("PickupDesk", text)


class PickupHandover(PickupCamera):
    """Hands the documents of the case shown over, and prints its slip."""

    #: What the last check or handover said (None before a scan).
    result: pickup.PickupResult | None
    #: The code scanned last.
    payload: str
    _handing_over: bool
    #: The code on screen (not handed over) when the collector fields were filled in, "" when
    #: they were filled in for the next citizen: scanning another code clears them, so a proxy
    #: typed for one citizen is never recorded on another's handover.
    _collector_for: str = ""

    def _show(self, result: pickup.PickupResult) -> None:
        """Shows a check's or a handover's result (``PickupDesk``)."""
        raise NotImplementedError

    def _error(self, error: object) -> None:
        self._handing_over = False
        text = self.ctx.message(error)
        self.message_label.show_colour("#b71c1c")
        self.message_label.setText(text)

    def collector(self) -> dict[str, Any] | None:
        """The proxy's entry when 由他人代領 is ticked; their details typed without it are
        refused (``pickup.collector_entry``), never handed over as the applicant in person."""
        return pickup.collector_entry(
            self.proxy_name.text(),
            self.proxy_id.text(),
            self.proxy_relation.text(),
            proxy=self.proxy_check.isChecked(),
        )

    def confirm(self) -> None:
        """Hands the documents of the case shown over; with fees still due a supervisor
        approves on this counter first (the approval dialog), or nothing is handed over."""
        result = self.result
        if result is None or not (result.ok or result.reason == pickup.FEES_DUE):
            return
        try:
            by = pickup.validate_collector(self.collector())
        except DomainError as e:
            self._error(e)
            self._focus_collector_field(e)
            return
        self.confirm_button.setEnabled(False)
        self._handing_over = True
        job, target = self._handover_job()
        run_with_approval(
            self.ctx,
            self,
            job,
            self.ctx.app,
            target,
            None if by.get("self") else self.collector(),
            approvable={FEES_DUE: APPROVE_HANDOVER_WITH_BALANCE},
            approval_case=result.case_number or "",
            on_done=self._handed_over,
            on_error=self._handover_refused,
        )

    def _handover_job(self) -> tuple[Callable[..., pickup.PickupResult], Any]:
        """The worker that hands the case shown over, and what it is handed: the code scanned
        (the ID-card layer hands over the case its look-up found instead)."""
        return handover_or_refuse, self.payload

    def _focus_collector_field(self, error: DomainError) -> None:
        """The collector's field a refusal names gets the focus (Space ticks the box); what
        was typed stays."""
        fields = {
            "proxy": self.proxy_check,
            "name": self.proxy_name,
            "id": self.proxy_id,
            "relation": self.proxy_relation,
        }
        target = fields.get(error.field or "")
        if target is not None:
            target.setFocus()

    def _handover_refused(self, error: object) -> None:
        self._error(error)
        if isinstance(error, DomainError):
            self._focus_collector_field(error)  # a business's documents need a collector
        result = self.result
        self.confirm_button.setEnabled(
            result is not None
            and (result.ok or result.reason == pickup.FEES_DUE)
            and not result.handed_over
        )

    def clear_collector(self) -> None:
        """Forgets the previous citizen's collector (proxy name, ID, relation)."""
        self.proxy_check.setChecked(False)
        for field in (self.proxy_name, self.proxy_id, self.proxy_relation):
            field.clear()
        self._collector_for = ""

    def watch_collector(self) -> None:
        """Notes which code the collector fields are filled in for (``_collector_for``)."""
        self.proxy_check.toggled.connect(self._collector_edited)
        for field in (self.proxy_name, self.proxy_id, self.proxy_relation):
            field.textEdited.connect(self._collector_edited)

    def _collector_edited(self, *_changed: object) -> None:
        if not self._collector_for:
            pending = self.result is not None and not self.result.handed_over
            self._collector_for = self.payload if pending else ""

    def collector_for_scan(self, payload: str) -> None:
        """A new code scanned: the collector typed for another code on screen is that
        citizen's, not this one's (the same code scanned again keeps it)."""
        if self._collector_for and self._collector_for != payload:
            self.clear_collector()

    def _handed_over(self, result: pickup.PickupResult) -> None:
        self._handing_over = False
        self._show(result)
        if result.handed_over and result.case_number:
            self.clear_collector()
            if self.scan_edit.text().strip() == self.payload:
                # the short code of the case just handed over (refused as fees_due, then a
                # supervisor approved): the next citizen's code was typed onto its end
                self.scan_edit.clear()
            self.scan_edit.setFocus()  # ready for the next citizen's scan
            # the verdict may be out of sight below the code field (200 %): said where it shows
            self.ctx.status_message.emit(_t("已交付：{case}").format(case=result.case_number))
            self.ctx.case_changed.emit(result.case_number)

    def print_slip_clicked(self) -> None:
        """列印領件單 (Alt+S). Not ``print_slip`` itself: ``clicked`` hands a slot its checked
        flag, which ``print_slip`` took for the printer (every press failed)."""
        self.print_slip()

    def print_slip(self, printer: QPrinter | None = None) -> None:
        """Archives the slip PDF (encrypted) in DATA_DIR/pickup-slips/ and prints it off the UI
        thread: on the configured printer silently, otherwise after the print dialog."""
        if self.result is None or not self.result.case_number:
            return
        app = self.ctx.app
        number = self.result.case_number

        def make_pdf() -> bytes:
            assert app.sealer is not None
            return app.sealer.read(Path(_write_slip(app, number)))

        try:
            print_document(
                self.ctx,
                make_pdf,
                parent=self,
                ask=not app.settings.printer_name,
                printer=printer,
                title=("列印領件單", "Print the pickup slip"),
                on_done=lambda pages: self.ctx.status_message.emit(
                    _t("領件單已送印（{n} 頁）").format(n=pages)
                ),
                on_error=self._error,
            )
        except DomainError as e:  # the configured printer is gone: said on the desk
            self._error(e)


def handover_or_refuse(
    app: Any, payload: str, collected_by: dict[str, Any] | None, approval: Any = None
) -> pickup.PickupResult:
    """Worker: ``pickup.handover``; fees still due without an approval raise the ``fees_due``
    refusal (so the desk asks a supervisor), every other refusal stays a result."""
    return approvable(pickup.handover(app, payload, collected_by, approval=approval))


def approvable(result: pickup.PickupResult) -> pickup.PickupResult:
    """A handover's result, with fees still due raised as the ``fees_due`` refusal naming the
    case (a supervisor approves that case, by number), every other refusal left a result."""
    if result.reason == pickup.FEES_DUE and result.case is not None:
        number = result.case.case_number  # the supervisor approves this case, by number
        raise fees_due_refusal(result.case.balance, PICKED_UP, number)
    return result


def _write_slip(app: Any, case_number: str) -> str:
    """Worker: renders the slip PDF into DATA_DIR/pickup-slips/, sealed with the office key (the
    print path picks it up)."""
    pdf = pickup.slip_pdf(app, case_number)
    folder = Path(app.settings.data_dir) / "pickup-slips"
    path = folder / f"{case_number}.pdf.sealed"
    app.sealer.write(path, pdf)
    return str(path)
