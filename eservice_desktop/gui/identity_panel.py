"""The identity panel (side dock): what is in the card readers, and the MOICA proof of identity.

Driven by the per-reader state machine of ``devices.pcsc``: the PC/SC monitor runs on its own
thread and hands every :class:`ReaderStatus` to this panel through a queued Qt signal, so the UI
thread never waits for a card (``gui/identity_readers.py``). NHI data is shown under "讀自健保卡"
(read, not proven), is broadcast with ``ctx.applicant_read`` to fill the intake form, and is
wiped from the panel, with ``ctx.identity_cleared``, the moment the card leaves the reader (the
intake form keeps what it took).

The MOICA proof asks for the PIN in a dialog that shows the tries left first; the PIN goes from
the dialog straight to the background task and the field is cleared at once. A wrong PIN is
reported, never retried by the program.

Where a verification goes is always on screen ("驗證結果將記錄於案件 …（王○明）"): the case in
front of the clerk (``ctx.case_in_front``, asked again with ``ctx.screen_case()`` when the PIN
dialog opens and when the PIN is entered). With no case on screen it binds to the intake form: the
form's applicant is the one compared with the certificate, and the passed proof goes to the form
(``ctx.intake_proof``), which records it with the new case in the intake transaction. A case
merely written somewhere (``ctx.case_changed``) never moves the binding.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QTimer, Slot
from PySide6.QtWidgets import (
    QWidget,
)

from eservice_desktop.domain.errors import DomainError
from eservice_desktop.gui.context import GuiContext, ScreenCase, screen_masked_name
from eservice_desktop.gui.dialog_life import open_once
from eservice_desktop.gui.identity_dialogs import OverrideDialog, PinDialog
from eservice_desktop.gui.identity_readers import IdentityReaders, StatusBridge

if TYPE_CHECKING:  # loaded when the panel begins: cryptography and the card stack are heavy
    from eservice_desktop.services import identity
    from eservice_desktop.services.identity import ReaderStatus

#: The PIN and override dialogs are gui.identity_dialogs; importable from here.
__all__ = ["IdentityPanel", "OverrideDialog", "PinDialog", "create_panel"]

log = logging.getLogger("eservice.gui")

PANEL_TITLE_ZH = "身分辨識"
PANEL_TITLE_EN = "Identity"

#: How often the panel asks whether the CRL/ARL download is due (when crl_urls are set).
CRL_CHECK_MS = 15 * 60 * 1000


class IdentityPanel(IdentityReaders):
    """The dock widget (the readers are ``IdentityReaders``', the widgets ``IdentityView``'s).
    ``start_monitor=False`` lets a test feed statuses by hand; ``defer``
    leaves the card monitor to :meth:`start_background` (the main window calls it once the
    first list is shown, so the identity stack is imported after the window became
    interactive)."""

    def __init__(
        self,
        ctx: GuiContext,
        parent: QWidget | None = None,
        start_monitor: bool = True,
        defer: bool = False,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("identity_panel")
        self.ctx = ctx
        self.statuses: dict[str, ReaderStatus] = {}
        self.shown_reader: str | None = None
        self.shown_generation = -1
        self._card_warnings: list[str] = []
        #: What the next verification is recorded on: a case on screen, or the intake form.
        self.target: ScreenCase | None = None
        self._target_key: tuple[str, str] = ("intake", "")
        #: The target of the verification under way (fixed when the PIN dialog opens).
        self._verifying: ScreenCase | None = None
        self._verifying_intake: tuple[str, str] | None = None
        self._result_target: tuple[str, str] | None = None
        self.intake_id, self.intake_name = ctx.intake_applicant_now
        self.pin_dialog: PinDialog | None = None
        self.override_dialog: OverrideDialog | None = None
        self._pending_override: identity.Override | None = None
        self.last_result: identity.ProofResult | None = None
        self._build()
        self._bridge = StatusBridge(self)
        self._bridge.status.connect(self.on_status)
        ctx.case_in_front.connect(self._on_case_in_front)
        ctx.intake_applicant.connect(self._on_intake_applicant)
        ctx.intake_proof_done.connect(self._on_intake_proof_done)
        self._watch_token: int | None = None
        self._start_monitor = start_monitor
        self._crl_timer = QTimer(self)
        self._crl_timer.setInterval(CRL_CHECK_MS)
        self._crl_timer.timeout.connect(self.update_crls_if_due)
        if ctx.settings.crl_urls.strip():
            self._crl_timer.start()
        if not defer:
            self.start_background()

    def _build(self) -> None:
        self._build_view()
        self.verify_button.clicked.connect(self.start_verify)
        self.override_button.clicked.connect(self.ask_override)
        self._clear_nhi()
        self.refresh_target()

    # -- MOICA -------------------------------------------------------------------------------

    def current_target(self) -> ScreenCase | None:
        """The case in front of the clerk now (None: the intake form)."""
        return self.ctx.screen_case()

    def target_text(self, case: ScreenCase | None) -> str:
        if case is not None:
            return (
                self.tr("驗證結果將記錄於案件 %1（%2）")
                .replace("%1", case.case_number)
                .replace("%2", case.masked_name or self.tr("申請人"))
            )
        if self.intake_id.strip() and self.intake_name.strip():
            return self.tr("畫面上無案件：驗證結果將隨收件表單記錄於新案件（申請人 %1）").replace(
                "%1", screen_masked_name(self.intake_name)
            )
        return self.tr("畫面上無案件：驗證結果將隨收件表單記錄；請先在收件表單輸入申請人證號及姓名")

    @staticmethod
    def _key(case: ScreenCase | None) -> tuple[str, str]:
        return ("case", case.case_number) if case is not None else ("intake", "")

    def refresh_target(self) -> None:
        case = self.current_target()
        key = self._key(case)
        if key != self._target_key and self._verifying is None:
            self._clear_result()
        self.target = case
        self._target_key = key
        self.case_label.setText(self.target_text(case))
        self.show_nhi_notes()

    @Slot(object)
    def _on_case_in_front(self, _case: object) -> None:
        self.refresh_target()

    @Slot(str, str)
    def _on_intake_applicant(self, applicant_id: str, name: str) -> None:
        self.intake_id, self.intake_name = applicant_id, name
        self.refresh_target()

    @Slot(str, str)
    def _on_intake_proof_done(self, what: str, number: str) -> None:
        if self._result_target != ("intake", ""):
            return
        if what == "recorded":
            self._result_target = ("case", number)
            self.verdict_label.setText(
                self.verdict_label.text() + "\n" + self.tr("已記錄於案件 %1").replace("%1", number)
            )
        else:
            self._clear_result()
            self.verdict_label.setText(
                self.tr("收件表單的申請人已變更或已清除：先前的驗證不再適用")
            )

    def _clear_result(self) -> None:
        self.last_result = None
        self._result_target = None
        self._pending_override = None
        self.verdict_label.clear()
        self.verdict_label.setStyleSheet("")
        self.checks_list.clear()
        self.override_button.hide()

    def _begin(self) -> bool:
        """Fixes the target of this verification; False (with the reason shown) if it cannot
        be recorded anywhere yet."""
        self.refresh_target()
        case = self.target
        if case is None and not (self.intake_id.strip() and self.intake_name.strip()):
            self.verdict_label.setStyleSheet("color: #b00020;")
            self.verdict_label.setText(
                self.tr("畫面上無案件，收件表單也尚無申請人：請先輸入申請人證號及姓名，或開啟案件")
            )
            return False
        self._verifying = case if case is not None else ScreenCase("")
        self._verifying_intake = None if case is not None else (self.intake_id, self.intake_name)
        return True

    def start_verify(self) -> None:
        from eservice_desktop.services import identity

        if not self._begin():
            return
        self.verify_button.setEnabled(False)
        self.verdict_label.setStyleSheet("")
        self.verdict_label.setText(self.tr("讀取自然人憑證…"))
        self.ctx.tasks.run_io(
            identity.token_status, self.ctx.app, on_done=self._ask_pin, on_error=self._failed
        )

    def _ask_pin(self, status: Any) -> None:
        from eservice_desktop.services import identity

        tries = status.tries.to_json()
        if tries["state"] == "locked":
            self.verify_button.setEnabled(True)
            self._verifying = None
            self.verdict_label.setText(self.ctx.message(identity.locked_error()))
            return
        if self._verifying is None and not self._begin():
            self.verify_button.setEnabled(True)
            return
        target = self._verifying
        self.pin_dialog = PinDialog(
            tries, self, self.target_text(target if target and target.case_number else None)
        )
        self.pin_dialog.accepted.connect(self._pin_entered)
        self.pin_dialog.rejected.connect(self._pin_cancelled)
        open_once(self.pin_dialog)

    def _pin_cancelled(self) -> None:
        self.verify_button.setEnabled(True)
        self.verdict_label.setText(self.tr("已取消"))
        self._pending_override = None
        self._verifying = None
        self.pin_dialog = None

    def _pin_entered(self) -> None:
        from eservice_desktop.services import identity

        dialog = self.pin_dialog
        assert dialog is not None
        pin = dialog.take_pin()
        self.pin_dialog = None
        target = self._verifying
        now = self.current_target()
        intake_now = (self.intake_id, self.intake_name)
        moved = target is None or (
            now.case_number != target.case_number
            if now is not None
            else (target.case_number != "" or intake_now != self._verifying_intake)
        )
        if moved:
            # The clerk is looking at something else than what the dialog named: record nothing.
            del pin
            self._verifying = None
            self._pending_override = None
            self.verify_button.setEnabled(True)
            self.refresh_target()
            self.verdict_label.setStyleSheet("color: #b00020;")
            self.verdict_label.setText(
                self.tr("畫面上的案件已變更，未驗證：請再按「驗證自然人憑證」")
            )
            return
        assert target is not None
        applicant = None
        if not target.case_number:
            applicant = identity.Applicant(self.intake_name.strip(), self.intake_id.strip())
        self.verdict_label.setText(self.tr("驗證中…"))
        self.ctx.tasks.run(
            identity.verify_moica,
            self.ctx.app,
            pin,
            applicant=applicant,
            case_number=target.case_number or None,
            override=self._pending_override,
            on_done=self._verdict,
            on_error=self._failed,
        )
        del pin
        self._pending_override = None

    def _verdict(self, result: identity.ProofResult) -> None:
        target = self._verifying
        verified_for = self._verifying_intake
        self._verifying = None
        self.last_result = result
        self._result_target = self._key(target if target and target.case_number else None)
        self.verify_button.setEnabled(True)
        self._show_checks(result)
        self.override_button.setVisible(result.verdict == "revocation_unknown")
        if target is not None and target.case_number:
            if result.ok and result.event_id:
                self.verdict_label.setText(
                    self.verdict_label.text()
                    + "\n"
                    + self.tr("已記錄於案件 %1").replace("%1", target.case_number)
                )
                self.ctx.case_changed.emit(target.case_number)
        elif result.ok and verified_for != (self.intake_id, self.intake_name):
            # The form's applicant changed while the card was being checked: not theirs.
            self._result_target = None
            self.verdict_label.setText(
                self.tr("收件表單的申請人已變更或已清除：先前的驗證不再適用")
            )
        elif result.ok:
            self.verdict_label.setText(
                self.verdict_label.text() + "\n" + self.tr("將於收件送出時記錄於新案件")
            )
            self.ctx.intake_proof.emit(result)
        if (
            target is not None
            and target.case_number
            and self._key(self.current_target()) != (self._result_target)
        ):
            # Another case came in front while the card was checked: the result is said as the
            # named case's, and no override is offered beside a case it is not about.
            self.override_button.hide()
            self.verdict_label.setText(
                self.tr("案件 %1 的驗證結果：").replace("%1", target.case_number)
                + "\n"
                + self.verdict_label.text()
            )
        self.refresh_target()

    def _failed(self, error: object) -> None:
        self._verifying = None
        self.verify_button.setEnabled(True)
        self.verdict_label.setStyleSheet("color: #b00020;")
        if isinstance(error, DomainError):
            self.verdict_label.setText(self.ctx.message(error))
            return
        log.error("identity check failed: %s", type(error).__name__)
        self.verdict_label.setText(self.tr("自然人憑證驗證發生錯誤"))

    def ask_override(self) -> None:
        self.override_dialog = OverrideDialog(self)
        self.override_dialog.accepted.connect(self._override_entered)
        open_once(self.override_dialog)

    def _override_entered(self) -> None:
        """The supervisor's account, password and reason are checked before the holder is
        asked for the PIN again (an empty or wrong one made the holder type it for nothing,
        then said to use --approver on the command line)."""
        from eservice_desktop.domain.case import APPROVE_IDENTITY_REVOCATION_UNKNOWN
        from eservice_desktop.services import approvals, identity

        dialog = self.override_dialog
        assert dialog is not None
        self.override_dialog = None
        override = identity.Override(
            dialog.supervisor.text().strip(), dialog.reason.text().strip(), dialog.password.text()
        )
        if not (override.supervisor and override.password and override.reason):
            self._override_refused(
                self.ctx.pick(
                    "請主管輸入帳號、密碼及理由，再按「主管覆核」",
                    "The supervisor enters their account, password and a reason; then press "
                    "Supervisor override again",
                )
            )
            return
        checked_for = self._result_target
        self.override_button.setEnabled(False)

        def checked(_approval: object) -> None:
            self.override_button.setEnabled(True)
            if self._result_target == checked_for and checked_for is not None:
                self._override_approved(override)

        self.ctx.tasks.run(
            approvals.check,
            self.ctx.app,
            override.supervisor,
            override.password,
            APPROVE_IDENTITY_REVOCATION_UNKNOWN,
            override.reason,
            on_done=checked,
            on_error=self._override_refused,
        )

    def _override_refused(self, error: object) -> None:
        self.override_button.setEnabled(True)
        self.verdict_label.setStyleSheet("color: #b00020; font-weight: bold;")
        text = self.ctx.message(error)
        self.verdict_label.setText(text)

    def _override_approved(self, override: identity.Override) -> None:
        from eservice_desktop.services import identity

        self._pending_override = override
        self.override_button.hide()
        # A new proof (fresh nonce, PIN typed again) carries the override.
        if not self._begin():
            self._pending_override = None
            return
        self.verify_button.setEnabled(False)
        self.ctx.tasks.run_io(
            identity.token_status, self.ctx.app, on_done=self._ask_pin, on_error=self._failed
        )


def create_panel(ctx: GuiContext, defer: bool = False) -> QWidget:
    return IdentityPanel(ctx, defer=defer)
