"""The intake form's submit: the service request from the form, the intake on the database
writer (with a supervisor's approval after a long time without sync), the new case number or
the refusals beside their fields; and the MOICA proof made on this form, recorded with the
case when it is saved.

A layer of ``IntakeForm`` (over ``IntakeDrafts``): a refused intake keeps what was typed, on
disk too. The texts keep the translation context ``IntakeForm``.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication

from eservice_desktop.domain.errors import DomainError
from eservice_desktop.domain.rocdate import format_roc
from eservice_desktop.domain.uuid7 import new_id
from eservice_desktop.gui.approval import run_with_approval
from eservice_desktop.gui.intake_drafts import IntakeDrafts
from eservice_desktop.gui.keyboard import bring_into_view
from eservice_desktop.services import intake as intake_service
from eservice_desktop.services.cases import CaseView
from eservice_desktop.services.machine_errors import environment_error

if TYPE_CHECKING:  # the identity stack (cryptography) loads when a proof is first made
    from eservice_desktop.services import identity


def _t(text: str) -> str:
    return QCoreApplication.translate("IntakeForm", text)


class IntakeSubmit(IntakeDrafts):
    """The form becomes a case (or stays, with the reasons beside the fields)."""

    #: A passed MOICA proof made on this form, and the (ID, name) it was made for.
    identity_proof: identity.ProofResult | None
    _proof_for: tuple[str, str]
    #: The case the last intake made (None before one).
    last_case: CaseView | None
    #: The case id this form's intake takes, kept in its draft: a draft restored after a crash
    #: between the intake's commit and the draft's removal cannot take the case in twice.
    intake_key: str
    #: The form shows the refusal of a restore not yet recovered (``restore.recover_pending``).
    _waits_for_restore: bool = False

    def _service_text_done(self) -> None:
        """The typed text decides the service (``IntakeForm``)."""
        raise NotImplementedError

    # -- MOICA proof made on this form ---------------------------------------------------------

    def take_proof(self, result: object) -> None:
        if result is None:
            self._drop_proof()
            return
        from eservice_desktop.services import identity

        assert isinstance(result, identity.ProofResult)
        self.identity_proof = result
        self._proof_for = (self.applicant_id.text().strip(), self.applicant_name.text().strip())
        self.proof_label.setText(_t("自然人憑證已驗證，送出時記錄於案件"))

    def _drop_proof(self) -> None:
        if self.identity_proof is None:
            return
        self.identity_proof = None
        self._proof_for = ("", "")
        self.proof_label.clear()
        self.ctx.intake_proof_done.emit("dropped", "")

    # -- submit ------------------------------------------------------------------------------

    def request(self) -> tuple[intake_service.IntakeRequest, dict[str, str]]:
        """The service request and the form's own errors (date formats)."""
        local: dict[str, str] = {}
        fields = self.field_values()
        for key, spec in self._field_specs.items():
            if spec.type == "date":
                iso = self._check_date(key)
                if iso is None:
                    local[key] = self.error_labels[key].text()
                else:
                    fields[key] = iso
        method = str(self.pickup_method.currentData() or "")
        req = intake_service.IntakeRequest(
            service_code=self.service.code if self.service else self.service_combo.currentText(),
            applicant_id=self.applicant_id.text(),
            applicant_name=self.applicant_name.text(),
            phone=self.phone.text(),
            email=self.email.text(),
            copies=self.copies.value(),
            fields={k: v for k, v in fields.items() if v not in (None, "")},
            consent=sorted(k for k, b in self.consent_boxes.items() if b.isChecked()),
            pickup_method=method,
            pickup_office=str(self.pickup_office.currentData() or "")
            if method == "other_office"
            else "",
            documents=self.documents_presented(),
            identity_proof=self.identity_proof,
            intake_key=self.intake_key,
        )
        return req, local

    def submit(self) -> None:
        if self._submitting or self._repeats_last_intake():
            return
        self._service_text_done()
        self.clear_errors()
        self.result_label.clear()
        self._waits_for_restore = False
        req, local = self.request()
        if self.service is None:
            local["service"] = (
                _t("查無此申辦項目，請輸入代碼或名稱")
                if self.service_combo.currentText().strip()
                else _t("請選擇申辦項目")
            )
        if local:
            errors: dict[str, DomainError | str] = {}
            try:
                intake_service.validate(self.ctx.app, req)
            except intake_service.IntakeErrors as e:
                errors.update(e.errors)
            errors.update(local)
            self.show_errors(errors)
            return
        self._submitting = True
        self._sent = self.state()  # what this intake holds, against what is typed meanwhile
        self.submit_button.setEnabled(False)
        # after a long time without sync (sync_stale_approval_h) a supervisor approves on this
        # counter; the form (and its draft) stays as typed while the dialog is open or refused
        from eservice_desktop.domain.case import APPROVAL_ACTIONS, APPROVE_STALE_SYNC_INTAKE

        run_with_approval(
            self.ctx,
            self,
            intake_approved,
            self.ctx.app,
            req,
            approval_reason=self.ctx.pick(*APPROVAL_ACTIONS[APPROVE_STALE_SYNC_INTAKE]),
            approval_service=req.service_code,
            on_done=self._submitted,
            on_error=self._submit_failed,
        )

    def restore_recovered(self) -> None:
        """The sync round recovered the restored database: the refusal it caused (…尚未自縣府
        取回…本次未儲存), which stayed in red as if the counter still could not take the case,
        gives way to the word that it can now; what was typed is still on the form."""
        waited, self._waits_for_restore = self._waits_for_restore, False
        if not waited or not self.form_error.text():  # none shown, or the form cleared since
            return
        self.form_error.clear()
        self.result_label.setStyleSheet("")
        self.result_label.setText(_t("已自縣府取回還原後的資料：表單內容仍在，請再送出收件"))

    def _submitted(self, result: intake_service.IntakeResult) -> None:
        view = result.view
        self._submitting = False
        self.submit_button.setEnabled(True)
        self.last_case = view
        if self.identity_proof is not None:
            self.identity_proof = None
            self.proof_label.clear()
            self.ctx.intake_proof_done.emit("recorded", view.case_number)
        # typed while the intake was on its way; a form cleared meanwhile (Alt+L) holds nothing
        typed_since = self.state() != self._sent and not self._holds_nothing()
        if typed_since:
            self.intake_key = new_id()  # what is kept is another intake's
            self.save_draft()  # the draft is what the form shows now
        else:
            self.clear_form()
        due = "—"
        if view.due:
            day = date.fromisoformat(view.due)
            due = format_roc(day, "long") if self.ctx.is_zh else day.isoformat()
        text = _t("已收件：{number}，到期日 {due}").format(number=view.case_number, due=due)
        if not view.due and view.balance > 0:  # the time limit waits for the fee
            text = _t("已收件：{number}，繳清規費後起算處理期限").format(number=view.case_number)
        if typed_since:  # typed while the intake was on its way: not in the case, kept here
            text += "\n" + _t("送出後修改的內容未收件，仍留在表單上；不需要時按 Alt+L 清除表單")
        stale = self._stale_sync_text(result)
        self.result_label.setText(f"{text}\n{stale}" if stale else text)
        self.result_label.setStyleSheet("color: #a05a00;" if stale else "")
        self.ctx.status_message.emit(self.result_label.text().replace("\n", "  "))
        self.ctx.case_changed.emit(view.case_number)

    def _repeats_last_intake(self) -> bool:
        """Ctrl+Enter (or Enter on the button) pressed again on the form the last intake
        cleared, nothing typed since: the second press of a hurried double press. It sent
        the empty form, which wiped 已收件：… and painted 請選擇申辦項目, 無法辨識的證號 and
        請輸入申請人姓名 on the fresh form, as if the case had not been taken in."""
        last = self.last_case
        return (
            last is not None
            and last.case_number in self.result_label.text()
            and self._holds_nothing()
        )

    def _holds_nothing(self) -> bool:
        """No service and no applicant value: a cleared form, nothing to keep as a draft."""
        state = self.state()
        keys = ("service_code", "service_text", "applicant_id", "applicant_name", "phone", "email")
        return not any(str(state[k]).strip() for k in keys)

    def _stale_sync_text(self, result: intake_service.IntakeResult) -> str:
        """The ``sync.stale`` warning of the intake (the office has not synced for
        ``sync_stale_warn_h``): said beside the new case number, as the CLI says it."""
        if intake_service.SYNC_STALE not in result.warnings or result.sync is None:
            return ""
        return _t("警告：本機已 {hours} 小時未與縣府同步，請檢查網路或通知資訊人員").format(
            hours=int(result.sync.hours or 0)
        )

    def _submit_failed(self, error: object) -> None:
        self._submitting = False
        self.submit_button.setEnabled(True)
        if isinstance(error, DomainError):
            self.save_draft()  # refused (or not approved): what was typed stays, on disk too
        if isinstance(error, DomainError) and error.code == "identity.not_this_applicant":
            self._drop_proof()  # the next submit goes without it; the panel says so
        if isinstance(error, intake_service.IntakeErrors):
            self.show_errors(dict(error.errors))
        elif isinstance(error, DomainError):
            self.show_errors({error.field or "form": error})
            self._waits_for_restore = error.code == "restore.recover_pending"
        else:
            self._failed_otherwise(error)

    def _failed_otherwise(self, error: object) -> None:
        """No refusal: a failure of the machine (a full disk, a database another program
        holds) is said on the form in its own words, and what was typed is said to be on the
        form. It read 收件失敗，請洽資訊人員；表單已保留為草稿 on a full disk, where no draft can
        be written either: the clerk who closed the window on that word lost the form, and
        the cause was only on the status bar. A bug keeps that line (its draft is written)."""
        self.save_draft()
        exc = error if isinstance(error, BaseException) else None
        machine = environment_error(exc) if exc is not None else None
        if machine is None:
            self.form_error.setText(_t("收件失敗，請洽資訊人員；表單已保留為草稿"))
        else:
            kept = _t("尚未收件；填寫的內容仍在表單上，問題排除後再按送出收件（Ctrl+Enter）")
            self.form_error.setText(f"{machine.message(self.ctx.lang)}\n{kept}")
        bring_into_view(self.form_error)
        self.ctx.tasks._unhandled(error)


def intake_approved(
    app: Any, req: intake_service.IntakeRequest, approval: Any = None
) -> intake_service.IntakeResult:
    """Worker: the intake, with the supervisor's approval when the dialog gave one, and its
    warnings."""
    from dataclasses import replace

    return intake_service.intake_with_warnings(
        app, replace(req, approval=approval) if approval else req
    )
