"""The intake form's draft: saved on every change (debounced, sealed and written off the UI
thread), restored with a banner when the form opens, written before the window closes.

A layer of ``IntakeForm`` (over ``IntakeFieldChecks``): what the draft holds is the form's
whole state (``IntakeForm.state``, ``gui.intake_state``); clearing the form clears it too. The
texts keep the translation context ``IntakeForm``.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QCoreApplication, QTimer
from PySide6.QtWidgets import QApplication

from eservice_desktop.domain.office_zone import TAIPEI
from eservice_desktop.domain.rocdate import format_roc
from eservice_desktop.gui.intake_field_checks import IntakeFieldChecks
from eservice_desktop.services.drafts import DraftKeeper

DRAFT_DEBOUNCE_MS = 300


def _t(text: str) -> str:
    return QCoreApplication.translate("IntakeForm", text)


class IntakeDrafts(IntakeFieldChecks):
    """The draft on disk of what the form holds."""

    drafts: DraftKeeper
    _draft_timer: QTimer
    #: The form is being filled from a draft or cleared: no draft save for those changes.
    _restoring: bool
    #: An intake is under way: the form's changes are not the clerk's.
    _submitting: bool
    _sent: dict[str, Any] | None

    def state(self) -> dict[str, Any]:
        """The whole form as JSON-ready data (``IntakeForm``)."""
        raise NotImplementedError

    def set_state(self, state: dict[str, Any]) -> None:
        """Fills the form from :meth:`state`'s data (``IntakeForm``)."""
        raise NotImplementedError

    def clear_form(self) -> None:
        """Empties the form and deletes the draft (``IntakeForm``)."""
        raise NotImplementedError

    def _changed(self, *_args: Any) -> None:
        if not self._restoring and not self._submitting:
            self._draft_timer.start()

    def save_draft(self) -> None:
        """Hands the form's state to the draft writer (sealed and fsynced off the UI thread),
        stamped by the counter's clock (the county's, as every time the window shows): the
        PC's own put the banner's 「已還原 … 未送出的收件草稿」 8 hours off on a PC whose clock
        is."""
        self._draft_timer.stop()
        self.drafts.save(self.state(), saved_at=self.ctx.now())

    def restore_draft(self) -> bool:
        state = self.drafts.load()
        if not state:
            return False
        self.set_state(state)
        self.check_applicant_id()  # its kind beside it (or its refusal), as after typing it
        saved = self.drafts.saved_at()
        when = ""
        if saved is not None:
            local = saved.astimezone(TAIPEI)
            day = format_roc(local.date(), "short") if self.ctx.is_zh else local.date().isoformat()
            when = f"{day} {local:%H:%M}"
        text = (
            _t("已還原 {when} 未送出的收件草稿。").format(when=when)
            if when
            else _t("已還原未送出的收件草稿。")
        )
        gap = "" if self.ctx.is_zh else " "  # English sentences are spaced, Chinese are not
        self.draft_banner_label.setText(
            text + gap + _t("若不是這位民眾的資料，請按「捨棄草稿」(Alt+D)。")
        )
        self.draft_banner.show()
        self.ctx.status_message.emit(_t("已還原未送出的收件草稿"))
        return True

    def discard_draft(self) -> None:
        """The banner's "discard": the restored input and the draft on disk are gone."""
        self.hide_draft_banner()
        self.clear_form()
        self.ctx.status_message.emit(_t("已捨棄收件草稿"))

    def hide_draft_banner(self) -> None:
        focus = QApplication.focusWidget()
        had_focus = focus is not None and self.draft_banner.isAncestorOf(focus)
        self.draft_banner.hide()
        if had_focus:
            self.service_combo.setFocus()

    def has_unsaved_input(self) -> bool:
        """Anything typed, chosen or ticked that is not yet a case."""
        if self.service is not None or self.service_combo.currentText().strip():
            return True
        if any(e.text().strip() for e in (self.applicant_id, self.applicant_name)):
            return True
        return any(e.text().strip() for e in (self.phone, self.email))

    def on_closing(self) -> None:
        """The window closes: the pending change is written and waited for."""
        if self._draft_timer.isActive():
            self.save_draft()
        self.drafts.flush()
